-- DuckDB-only: disabled on other targets (docs/PORTING.md).
-- What changed since the previous plan published at this location: every pair
-- whose route differs, and the pairs that appeared (route_before null) or
-- disappeared (route_after null). Empty for the first plan (previous_plan_id
-- null) and when the previous publication was the same plan. The comparison
-- itself is the table macro route_changes_between (macros/history.sql), created
-- by the pre-hook so that --compare and users' SQL use the same definition.
-- Rebuilt on every run; DuckDB only for now.
-- depends_on: {{ ref('routing_history') }}

{{
    config(
        enabled=(target.type == 'duckdb'),
        materialized='table',
        full_refresh=none,
        pre_hook="{{ create_route_changes_macro() }}",
    )
}}

with

runs as (

    select * from {{ ref('plan_runs') }}

),

ranked_runs as (

    select
        plan_id,
        row_number() over (order by run_seq desc) as recency
    from runs

),

compared as (

    select
        (
            select plan_id from ranked_runs
            where recency = 2
        ) as previous_plan_id,
        (
            select plan_id from ranked_runs
            where recency = 1
        ) as plan_id

),

changes as (

    select changed.*
    from compared
    cross join route_changes_between(compared.previous_plan_id, compared.plan_id) as changed
    where compared.previous_plan_id is not null

),

final as (

    select
        plan_id,
        previous_plan_id,
        target_name,
        symbol,
        change_kind,
        route_before,
        route_after,
        reason_codes_before,
        reason_codes_after,
        primary_reason_code_before,
        primary_reason_code_after,
        cs_state_before,
        cs_state_after,
        local_state_before,
        local_state_after,
        reasons_before,
        reasons_after
    from changes

)

select * from final
