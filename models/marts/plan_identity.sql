-- Which plan this database holds: one row with the plan's identity, the same
-- values the artifacts' `metadata` carries (the CLI reads them from here).
--
-- inputs_hash: sha256 over the input files of the selected targets, one line
--   "<path relative to its input root>\0<md5 of the file's text>\n" per file in
--   path order (the md5 the loaded layer took when it read the file).
-- plan_id: the first 16 hex digits of the sha256 of the lines git_commit,
--   config_hash, inputs_hash, targets requested (JSON), symbols requested (JSON):
--   two runs of the same code on the same inputs, config and selection share it.

{%- set metrics_root = var('metrics_dir', env_var('ROUTER_METRICS_DIR', 'METRICS')).rstrip('/') ~ '/' %}
{%- set stability_dir = var('stability_dir', env_var('ROUTER_STABILITY_DIR', '')) %}
{%- set roots = ([stability_dir.rstrip('/') ~ '/'] if stability_dir else []) + [metrics_root] %}

with

run_info as (

    select * from {{ ref('stg_router__run_info') }}

),

targets as (

    select * from {{ ref('int_targets_selected') }}

),

model_metadata as (

    select * from {{ ref('int_model_metadata_loaded') }}

),

target_confidence as (

    select * from {{ ref('int_target_confidence_loaded') }}

),

leakage as (

    select * from {{ ref('int_leakage_loaded') }}

),

stability_snapshots as (

    select * from {{ ref('int_stability_snapshots_loaded') }}

),

input_files as (

    select
        target_name,
        file_path,
        content_hash
    from model_metadata
    union
    select
        target_name,
        file_path,
        content_hash
    from target_confidence
    union
    select
        target_name,
        file_path,
        content_hash
    from leakage
    union
    select
        target_name,
        file_path,
        content_hash
    from stability_snapshots

),

selected_files as (

    select
        case
            {%- for root in roots %}
            when left(input_files.file_path, {{ root | length }}) = {{ sql_string(root) }}
                then substr(input_files.file_path, {{ root | length + 1 }})
            {%- endfor %}
            else input_files.file_path
        end as relative_path,
        coalesce(input_files.content_hash, '') as content_hash
    from input_files
    inner join targets on input_files.target_name = targets.target_name

),

inputs_hashed as (

    select
        {{ ordered_text_sha256(
            "relative_path || chr(0) || content_hash || chr(10)", 'relative_path, content_hash'
        ) }} as inputs_hash
    from selected_files

),

identified as (

    select
        run_info.*,
        inputs_hashed.inputs_hash,
        left({{ text_sha256(
            "concat_ws(chr(10), coalesce(run_info.git_commit, ''), coalesce(run_info.config_hash, ''),"
            ~ " inputs_hashed.inputs_hash, run_info.targets_json, run_info.symbols_json)"
        ) }}, 16) as plan_id
    from run_info
    cross join inputs_hashed

),

final as (

    select
        plan_id,
        generated_at,
        git_commit,
        router_version,
        config_hash,
        inputs_hash,
        targets_json,
        symbols_json,
        config_json,
        {{ sql_string(target.type) }} as engine,
        {{ sql_string(dbt_version) }} as dbt_version
    from identified

)

select * from final
