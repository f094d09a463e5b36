-- One row per feature-importance snapshot file, with the target and universe
-- taken from its path (<target>/stability/<universe>/<file>.json under the
-- metrics directory, or <target>/<universe>/<file>.json under stability_dir)
-- and the feature ranking typed. `problem` holds the first thing wrong, or null.
-- Each list is parsed once, into a column, and the checks read the columns;
-- the whole-file checks are the shared json_file_problem.

{%- set fields = ['run_id', 'created_at', 'method', 'features', 'importances'] %}
{%- set target_segment = -3 if var('stability_dir', env_var('ROUTER_STABILITY_DIR', '')) else -4 %}
{%- set what = 'a snapshot object with features and importances' %}

with

-- Every file is read whole before any is parsed: the sort ends the reader's pipeline,
-- which hands on a few rows at a time, so the parsing below runs over full vectors on
-- every thread. On DuckDB at the large benchmark scale (271,500 files, one query alone
-- on a loaded machine): 89 s and 1.1 GB with the parse inside the reader's pipeline,
-- 37 s and 1.9 GB with this sort (a group by file name: 45 s, 2.5 GB). bench/RESULTS.md,
-- "Fifth session".
source as (

    select * from {{ source('metrics', 'stability_snapshots') }}
    order by filename

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
        {{ path_segment('filename', target_segment) }} as target_name,
        {{ path_segment('filename', -2) }} as universe,
        content,
        encoding_problem,
        {{ json_is_valid('content') }} as is_valid_json
    from decoded

),

documents_parsed as (

    select
        *,
        case when is_valid_json then {{ json_object_fields('content', fields) }} end as fields
    from files

),

lists_parsed as (

    select
        *,
        {{ json_type_of('fields.features') }} as features_type,
        {{ json_type_of('fields.importances') }} as importances_type,
        case
            when {{ json_type_of('fields.features') }} = 'ARRAY' then {{ json_array_all_of('fields.features', ['VARCHAR']) }}
        end as features_are_text,
        case
            when {{ json_type_of('fields.importances') }} = 'ARRAY'
                then {{ json_array_all_of('fields.importances', ['BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT']) }}
        end as importances_are_numbers,
        case when {{ json_type_of('fields.features') }} = 'ARRAY' then {{ json_to_text_list('fields.features') }} end
            as feature_list,
        case when {{ json_type_of('fields.importances') }} = 'ARRAY' then {{ json_to_double_list('fields.importances') }} end
            as importance_list
    from documents_parsed

),

files_checked as (

    select
        *,
        coalesce(
            encoding_problem,
            {{ json_file_problem('content', what, is_valid='is_valid_json') }},
            case
                when features_type is distinct from 'ARRAY'
                    then '"features" must be a list of feature names'
                when not features_are_text or {{ list_has_nulls('feature_list') }}
                    then '"features" must be a list of strings; it holds something else'
                when {{ list_length('feature_list') }} = 0
                    then '"features" is empty'
                when {{ list_has_duplicates('feature_list') }}
                    then '"features" names a feature twice'
                when importances_type is null or importances_type = 'NULL'
                    then null
                when importances_type <> 'ARRAY' or not importances_are_numbers or {{ list_has_nulls('importance_list') }}
                    then '"importances" must be a list of numbers'
                when {{ list_has_non_finite('importance_list') }}
                    then '"importances" holds NaN, Infinity or a number beyond ±1.8e308'
                when {{ list_length('importance_list') }} <> {{ list_length('feature_list') }}
                    then
                        '"importances" has ' || {{ list_length('importance_list') }}
                        || ' values but "features" has ' || {{ list_length('feature_list') }}
            end
        ) as structure_problem
    from lists_parsed

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
        {{ try_cast_timestamp(json_to_text('fields.created_at')) }} as created_at,
        {{ json_to_text('fields.method') }} as method,
        case when problem is null then feature_list end as features,
        case when problem is null then importance_list end as importances,
        problem
    from (
        select
            *,
            coalesce(
                structure_problem,
                case
                    when fields.created_at is null or {{ json_type_of('fields.created_at') }} = 'NULL' then null
                    when
                        {{ json_type_of('fields.created_at') }} <> 'VARCHAR'
                        or {{ try_cast_timestamp(json_to_text('fields.created_at')) }} is null
                        then
                            '"created_at" must be an ISO 8601 timestamp, found '
                            || {{ json_type_label('fields.created_at') }}
                end,
                case
                    when fields.run_id is not null and {{ json_type_of('fields.run_id') }} in ('OBJECT', 'ARRAY', 'BOOLEAN')
                        then '"run_id" must be text or a number'
                end
            ) as problem
        from files_checked
    ) as checked

)

select * from final
