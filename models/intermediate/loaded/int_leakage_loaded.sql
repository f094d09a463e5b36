-- The parsed inputs kept between runs: one row per leakage.json.
-- Incremental: only new or changed files are read (macros/incremental_inputs.sql).
-- depends_on: {{ ref('int_input_files_listed') }}

{{
    config(
        materialized=loaded_materialization(),
        incremental_strategy='delete+insert',
        unique_key='file_path',
        on_schema_change='fail',
        post_hook="{{ delete_stale_input_rows('leakage') }}",
    )
}}

with

parsed as (

    select * from {{ ref('stg_metrics__leakage') }}
    {{ changed_input_files_filter('leakage') }}

),

final as (

    select * from parsed

)

select * from final
