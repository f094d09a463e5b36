-- One row per feature-importance snapshot file, with the target and universe
-- taken from its path (<target>/stability/<universe>/<file>.json under the
-- metrics directory, or <target>/<universe>/<file>.json under stability_dir)
-- and the feature ranking typed. `problem` holds the first thing wrong, or null.

{%- set fields = ['run_id', 'created_at', 'method', 'features', 'importances'] %}
{%- set target_segment = -3 if var('stability_dir', env_var('ROUTER_STABILITY_DIR', '')) else -4 %}

with

source as (

    select * from {{ source('metrics', 'stability_snapshots') }}

),

files as (

    select
        filename as file_path,
        size as file_size,
        last_modified as file_modified_at,
        md5(content) as content_hash,
        {{ path_segment('filename', target_segment) }} as target_name,
        {{ path_segment('filename', -2) }} as universe,
        content,
        {{ json_file_problem('content', 'a snapshot object with features and importances') }} as file_problem
    from source

),

files_parsed as (

    select
        *,
        case when file_problem is null then {{ json_object_fields('content', fields) }} end as fields
    from files

),

files_checked as (

    select
        *,
        coalesce(
            file_problem,
            case
                when fields.features is null or {{ json_type_of('fields.features') }} <> 'ARRAY'
                    then '"features" must be a list of feature names'
                when not {{ json_array_all_of('fields.features', ['VARCHAR']) }}
                    then '"features" must be a list of strings; it holds something else'
                when {{ list_length(json_to_text_list('fields.features')) }} = 0
                    then '"features" is empty'
                when {{ list_has_duplicates(json_to_text_list('fields.features')) }}
                    then '"features" names a feature twice'
            end,
            case
                when fields.importances is null or {{ json_type_of('fields.importances') }} = 'NULL' then null
                when {{ json_type_of('fields.importances') }} <> 'ARRAY'
                    or not {{ json_array_all_of('fields.importances', ['BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT']) }}
                    then '"importances" must be a list of numbers'
                when {{ list_has_non_finite(json_to_double_list('fields.importances')) }}
                    then '"importances" holds NaN or Infinity'
                when {{ list_length(json_to_double_list('fields.importances')) }}
                    <> {{ list_length(json_to_text_list('fields.features')) }}
                    then '"importances" has ' || {{ list_length(json_to_double_list('fields.importances')) }}
                        || ' values but "features" has ' || {{ list_length(json_to_text_list('fields.features')) }}
            end,
            case
                when fields.created_at is null or {{ json_type_of('fields.created_at') }} = 'NULL' then null
                when {{ json_type_of('fields.created_at') }} <> 'VARCHAR'
                    or try_cast({{ json_to_text('fields.created_at') }} as timestamptz) is null
                    then '"created_at" must be an ISO 8601 timestamp, found ' || {{ json_type_label('fields.created_at') }}
            end,
            case
                when fields.run_id is not null and {{ json_type_of('fields.run_id') }} in ('OBJECT', 'ARRAY', 'BOOLEAN')
                    then '"run_id" must be text or a number'
            end
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
        universe,
        {{ json_scalar_to_text('fields.run_id') }} as run_id,
        try_cast({{ json_to_text('fields.created_at') }} as timestamptz) as created_at,
        {{ json_to_text('fields.method') }} as method,
        case when problem is null then {{ json_to_text_list('fields.features') }} end as features,
        case when problem is null then {{ json_to_double_list('fields.importances') }} end as importances,
        problem
    from files_checked

)

select * from final
