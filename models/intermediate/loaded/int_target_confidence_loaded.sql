-- The parsed inputs kept between runs: one row per target_confidence.json.
-- Incremental: only new or changed files are read (macros/incremental_inputs.sql).
-- depends_on: {{ ref('int_input_files_listed') }}

{{
    config(
        materialized=loaded_materialization(),
        incremental_strategy='delete+insert',
        unique_key='file_path',
        on_schema_change='fail',
        post_hook="{{ delete_stale_input_rows('target_confidence') }}",
    )
}}

with

parsed as (

    select * from {{ ref('stg_metrics__target_confidence') }}
    {{ changed_input_files_filter('target_confidence') }}

),

final as (

    select * from parsed

)

select * from final
