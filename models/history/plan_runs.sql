-- DuckDB-only: disabled on other targets (docs/PORTING.md).
-- One row per plan published at this location (the current plan is the row with
-- the highest run_seq): the plan's identity, the effective config and counts per
-- route and per job type. Incremental and never rebuilt (full_refresh: false, in
-- dbt_project.yml); keeps the last `history_keep_plans` publications. A failed or
-- dry run adds nothing: the CLI builds into a copy of the database and publishes
-- it only when the run succeeded. Two publications of the same plan (same
-- plan_id) are two rows. DuckDB only for now.
-- noqa: disable=LT02
-- (layout: Jinja loops here emit one column or CASE branch per route / lane with a
-- trailing comma from `loop.last`; sqlfluff cannot indent both renderings at once)

{{
    config(
        enabled=(target.type == 'duckdb'),
        incremental_strategy='append',
        on_schema_change='append_new_columns',
        post_hook="delete from {{ this }} where run_seq <= (select max(run_seq) from {{ this }}) - {{ history_keep_plans() }}",
    )
}}

{%- set routes = enum_values('routes') %}
{%- set job_types = enum_values('job_types') %}

with

identity as (

    select * from {{ ref('plan_identity') }}

),

decisions as (

    select * from {{ ref('routing_plan') }}

),

jobs as (

    select * from {{ ref('training_plan') }}

),

last_run as (

    {%- if is_incremental() %}
    select coalesce(max(run_seq), 0) as run_seq from {{ this }}
    {%- else %}
    select 0 as run_seq
    {%- endif %}

),

route_counts as (

    select
        count(distinct target_name) as n_targets,
        count(*) as n_decisions,
        {%- for route in routes %}
        sum(case when route = {{ sql_string(route) }} then 1 else 0 end) as n_{{ route | lower | replace('route_', '') }}{{ ',' if not loop.last }}
        {%- endfor %}
    from decisions

),

job_counts as (

    select
        count(*) as n_jobs,
        {%- for job_type in job_types %}
        sum(case when training_type = {{ sql_string(job_type) }} then 1 else 0 end) as n_{{ job_type }}_jobs{{ ',' if not loop.last }}
        {%- endfor %}
    from jobs

),

final as (

    select
        last_run.run_seq + 1 as run_seq,
        identity.plan_id,
        identity.generated_at,
        identity.git_commit,
        identity.router_version,
        identity.config_hash,
        identity.inputs_hash,
        identity.targets_json,
        identity.symbols_json,
        identity.config_json,
        route_counts.n_targets,
        route_counts.n_decisions,
        {%- for route in routes %}
        route_counts.n_{{ route | lower | replace('route_', '') }},
        {%- endfor %}
        job_counts.n_jobs,
        {%- for job_type in job_types %}
        job_counts.n_{{ job_type }}_jobs{{ ',' if not loop.last }}
        {%- endfor %}
    from identity
    cross join last_run
    cross join route_counts
    cross join job_counts

)

select * from final
