-- The parsed inputs kept between runs: one row per model_metadata.json entry (and one per unreadable file).
-- Incremental: only new or changed files are read (macros/incremental_inputs.sql).
-- depends_on: {{ ref('int_input_files_listed') }}

{{
    config(
        materialized=loaded_materialization(),
        incremental_strategy='delete+insert',
        unique_key='file_path',
        on_schema_change='fail',
        post_hook="{{ delete_stale_input_rows('model_metadata') }}",
    )
}}

with

parsed as (

    select * from {{ ref('stg_metrics__model_metadata') }}
    {{ changed_input_files_filter('model_metadata') }}

),

final as (

    select * from parsed

)

select * from final
