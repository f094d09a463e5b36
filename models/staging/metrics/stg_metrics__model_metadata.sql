-- One row per entry of every <target>/model_metadata.json, typed; plus one row
-- per file that cannot be read as an object (entry_key null). `problem` holds
-- the first thing wrong with the row, in plain words, or null.

{%- set entry_fields = ['score', 'auc', 'sample_size', 'n_samples', 'status',
                        'task_type', 'metric_name', 'stability'] %}

with

source as (

    select * from {{ source('metrics', 'model_metadata') }}

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
        coalesce(encoding_problem, {{ json_file_problem('content', 'an object keyed "SYMBOL:target:family"') }}) as file_problem
    from decoded

),

entries as (

    select
        file_path,
        file_size,
        file_modified_at,
        content_hash,
        target_name,
        file_problem,
        -- a file that cannot be read keeps one row with a null entry. One scan
        -- feeding one unnest: a union of "entries" and "unreadable files" made
        -- DuckDB hold every file's parsed map at once (6 GB instead of 0.55 GB
        -- for 200 files × 9,000 entries; bench/RESULTS.md).
        {{ unnest_list(
            "case when file_problem is null then map_entries(" ~ json_object_to_map('content') ~ ") else "
            ~ list_of_one_null() ~ " end"
        ) }} as entry
    from files

),

entries_split as (

    select
        file_path,
        file_size,
        file_modified_at,
        content_hash,
        target_name,
        file_problem,
        entry.key as entry_key,
        entry.value as entry_json,
        {{ text_matches('entry.key', "'(?s)^[^:]+:.+:[^:]+$'") }} as is_well_formed_key,
        regexp_extract(entry.key, '^([^:]+):', 1) as symbol,
        regexp_extract(entry.key, '(?s)^[^:]+:(.+):[^:]+$', 1) as key_target,
        regexp_extract(entry.key, ':([^:]+)$', 1) as model_family,
        {{ json_type_of('entry.value') }} = 'OBJECT' as is_object,
        {{ json_object_fields('entry.value', entry_fields) }} as fields
    from entries

),

entries_checked as (

    select
        *,
        coalesce(fields.score, fields.auc) as score_json,
        coalesce(fields.sample_size, fields.n_samples) as sample_size_json,
        case
            when not is_well_formed_key
                then 'key "' || entry_key || '" is not of the form SYMBOL:target:family'
            when key_target <> target_name
                then
                    'key "' || entry_key || '" names target "' || key_target
                    || '" but the file is in the folder of target "' || target_name || '"'
            when not is_object
                then
                    'entry "' || entry_key || '" must be an object of metrics, found '
                    || {{ json_type_label('entry_json') }}
            else 'entry "' || entry_key || '": ' || coalesce(
                {{ number_problem('coalesce(fields.score, fields.auc)', 'score') }},
                {{ sample_size_problem('coalesce(fields.sample_size, fields.n_samples)', 'sample_size') }},
                {{ name_problem('fields.status', 'status', ['OK', 'FAILED', 'SKIPPED']) }},
                {{ name_problem('fields.stability', 'stability', enum_values('stabilities')) }},
                {{ text_problem('fields.task_type', 'task_type') }},
                {{ text_problem('fields.metric_name', 'metric_name') }}
            )
        end as entry_problem
    from entries_split

),

entries_typed as (

    select
        file_path,
        file_size,
        file_modified_at,
        content_hash,
        target_name,
        entry_key,
        symbol,
        model_family,
        {{ json_to_double('score_json') }} as score,
        {{ json_to_sample_size('sample_size_json') }} as sample_size,
        case
            when entry_key is not null
                then coalesce(
                    {{ json_to_name('fields.status') }},
                    case
                        when
                            {{ json_to_double('score_json') }} is not null
                            and not {{ is_non_finite(json_to_double('score_json')) }}
                            then 'OK'
                        else 'FAILED'
                    end
                )
        end as status,
        {{ json_to_text('fields.task_type') }} as task_type,
        {{ json_to_text('fields.metric_name') }} as metric_name,
        {{ json_to_name('fields.stability') }} as stability,
        coalesce(file_problem, entry_problem) as problem
    from entries_checked

),

final as (

    select * from entries_typed

)

select * from final
