-- One row per <target>/leakage.json: the target's leakage status and the
-- per-symbol and per-feature statuses as lists of struct(name, status).
-- A missing status is UNKNOWN. `problem` holds the first thing wrong, or null.

{%- set statuses = enum_values('leakage_statuses') %}

with

source as (

    select * from {{ source('metrics', 'leakage') }}

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
        coalesce(encoding_problem, {{ json_file_problem('content', 'an object with status, symbols and features') }}) as file_problem
    from decoded

),

files_parsed as (

    select
        *,
        case
            when file_problem is null then {{ json_object_fields('content', ['status', 'symbols', 'features']) }}
        end as fields
    from files

),

files_checked as (

    select
        *,
        coalesce(
            file_problem,
            {{ name_problem('fields.status', 'status', statuses) }},
            {{ name_status_object_problem('fields.symbols', 'symbols', statuses) }},
            {{ name_status_object_problem('fields.features', 'features', statuses) }}
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
        coalesce({{ json_to_name('fields.status') }}, 'UNKNOWN') as target_leakage_status,
        case when problem is null then {{ json_name_status_list('fields.symbols') }} end as symbol_statuses,
        case when problem is null then {{ json_name_status_list('fields.features') }} end as feature_statuses,
        problem
    from files_checked

)

select * from final
