-- DuckDB-only: disabled on other targets (docs/PORTING.md).
-- The decisions of every plan kept in plan_runs, queryable by plan_id: route,
-- lane states, scores, sample sizes, stabilities, leakage and reason codes. A
-- plan's decisions are stored once however often it was published (same
-- plan_id: same code, config, inputs and selection); the post-hook drops plans
-- that no kept publication references. Incremental, never rebuilt; DuckDB only
-- for now. Compare two kept plans with route_changes_between (macros/history.sql).
-- depends_on: {{ ref('plan_runs') }}

{{
    config(
        enabled=(target.type == 'duckdb'),
        incremental_strategy='append',
        on_schema_change='append_new_columns',
        post_hook="delete from {{ this }} where plan_id not in (select plan_id from {{ ref('plan_runs') }})",
    )
}}

with

identity as (

    select * from {{ ref('plan_identity') }}

),

decisions as (

    select * from {{ ref('routing_plan') }}

),

already_kept as (

    -- a plan published before is stored once (a scalar check: an anti-join of the
    -- plan with every kept decision took ~1 s at 588k decisions per plan)
    {%- if is_incremental() %}
    select count(*) > 0 as is_kept
    from (
        select 1 as found
        from {{ this }} as kept
        where kept.plan_id = (select identity.plan_id from identity)
        limit 1
    ) as probe
    {%- else %}
    select false as is_kept
    {%- endif %}

),

final as (

    select
        identity.plan_id,
        decisions.target_name,
        decisions.symbol,
        decisions.route,
        decisions.route_code,
        decisions.primary_reason_code,
        decisions.cs_state,
        decisions.local_state,
        decisions.cs_score,
        decisions.local_score,
        decisions.cs_sample_size,
        decisions.local_sample_size,
        decisions.cs_stability,
        decisions.local_stability,
        decisions.target_leakage_status,
        decisions.symbol_leakage_status,
        decisions.experimental_rank,
        decisions.reason_codes,
        decisions.reasons
    from decisions
    cross join identity
    cross join already_kept
    where not already_kept.is_kept

)

select * from final
