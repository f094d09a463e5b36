-- One row per <target>/target_confidence.json: the pooled (cross-sectional)
-- metrics of the target, typed. `problem` holds the first thing wrong, or null.

{%- set fields = ['score', 'auc', 'sample_size', 'n_samples', 'task_type', 'metric_name',
                  'stability', 'model_families'] %}

with

source as (

    select * from {{ source('metrics', 'target_confidence') }}

),

-- the files are read as bytes: a file that is not UTF-8 is a reported problem, and a
-- leading UTF-8 byte-order mark is dropped (README, "Input contract")
decoded as (

    select
        {{ decoded_file_columns() }}
    from source

),

files as (

    select
        filename as file_path,
        size as file_size,
        last_modified as file_modified_at,
        content_hash,
        {{ path_segment('filename', -2) }} as target_name,
        content,
        coalesce(encoding_problem, {{ json_file_problem('content', 'an object of pooled metrics') }}) as file_problem
    from decoded

),

files_parsed as (

    select
        *,
        case when file_problem is null then {{ json_object_fields('content', fields) }} end as fields,
        case
            when file_problem is null
                then {{ json_has_key('content', 'score') }} or {{ json_has_key('content', 'auc') }}
        end as has_score_key
    from files

),

files_checked as (

    select
        *,
        coalesce(
            file_problem,
            case when not has_score_key then 'has no "score" (or "auc"); it is the one required field' end,
            {{ number_problem('coalesce(fields.score, fields.auc)', 'score') }},
            {{ sample_size_problem('coalesce(fields.sample_size, fields.n_samples)', 'sample_size') }},
            {{ name_problem('fields.stability', 'stability', enum_values('stabilities')) }},
            {{ text_problem('fields.task_type', 'task_type') }},
            {{ text_problem('fields.metric_name', 'metric_name') }},
            {{ name_status_object_problem('fields.model_families', 'model_families', ['OK', 'FAILED', 'SKIPPED']) }}
        ) as problem
    from files_parsed

),

final as (

    select
        file_path,
        file_size,
        file_modified_at,
        content_hash,
        target_name,
        {{ json_to_double('coalesce(fields.score, fields.auc)') }} as score,
        {{ json_to_sample_size('coalesce(fields.sample_size, fields.n_samples)') }} as sample_size,
        {{ json_to_text('fields.task_type') }} as task_type,
        {{ json_to_text('fields.metric_name') }} as metric_name,
        {{ json_to_name('fields.stability') }} as stability,
        case
            when problem is null and fields.model_families is not null
                then {{ json_name_status_list('fields.model_families') }}
        end as model_families,
        problem
    from files_checked

)

select * from final
