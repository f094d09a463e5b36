-- One row per target: the cross-sectional lane's state, whether the target
-- gets a pooled job (cs_route ENABLED iff a cs_<target> job exists), why, and
-- how many of its pairs took each route (docs/ROUTING_RULES.md §8).

with

targets as (

    select * from {{ ref('int_targets_selected') }}

),

cs_lanes as (

    select * from {{ ref('int_cs_lane_states_assigned') }}

),

thresholds as (

    select * from {{ ref('int_target_thresholds_resolved') }}

),

decisions as (

    select * from {{ ref('routing_plan') }}

),

jobs as (

    select * from {{ ref('training_plan') }}

),

reason_catalogue as (

    select * from {{ ref('reason_codes') }}

),

excluded_features as (

    select * from {{ ref('int_target_features_excluded') }}

),

leakage as (

    select * from {{ ref('int_leakage_loaded') }}
    where problem is null

),

route_counts as (

    select
        target_name,
        count(*) as n_symbols,
        count(*) filter (where route = 'ROUTE_CROSS_SECTIONAL') as n_cross_sectional,
        count(*) filter (where route = 'ROUTE_SYMBOL_SPECIFIC') as n_symbol_specific,
        count(*) filter (where route = 'ROUTE_BOTH') as n_both,
        count(*) filter (where route = 'ROUTE_EXPERIMENTAL_ONLY') as n_experimental_only,
        count(*) filter (where route = 'ROUTE_BLOCKED') as n_blocked,
        max(cs_min_score) as cs_min_score,
        max(cs_strong_score) as cs_strong_score,
        max(local_min_score) as local_min_score,
        max(local_strong_score) as local_strong_score,
        max(experimental_min_score) as experimental_min_score,
        max(cs_min_sample_size) as cs_min_sample_size,
        max(local_min_sample_size) as local_min_sample_size
    from decisions
    group by target_name

),

cs_jobs as (

    select
        target_name,
        {{ list_length('symbols') }} as n_pooled_symbols,
        reason
    from jobs
    where job_id = 'cs_' || target_name

),

cs_experimental_jobs as (

    select
        target_name,
        reason
    from jobs
    where job_id = 'cs_exp_' || target_name

),

final as (

    select
        targets.target_name,
        targets.has_model_metadata,
        targets.has_target_confidence,
        thresholds.task_type,
        thresholds.metric_name,
        thresholds.horizon_minutes,
        thresholds.horizon_tier,
        cs_lanes.cs_source,
        cs_lanes.cs_score,
        cs_lanes.cs_sample_size,
        cs_lanes.cs_successful_families,
        cs_lanes.cs_stability,
        cs_lanes.cs_stability_source,
        cs_lanes.cs_state,
        cs_lanes.cs_reason_codes,
        cs_lanes.cs_failed_model_families,
        coalesce(leakage.target_leakage_status, 'UNKNOWN') as target_leakage_status,
        case when cs_jobs.target_name is not null then 'ENABLED' else 'DISABLED' end as cs_route,
        case
            when cs_jobs.target_name is not null
                then 'pooled job over ' || cs_jobs.n_pooled_symbols || ' symbol(s)'
            when cs_lanes.cs_state not in ('STRONG', 'WEAK_BUT_OK')
                then cs_reason.reason_text
            else 'no symbol routed cross-sectional or both'
        end as cs_reason,
        cs_jobs.reason as cs_job_reason,
        cs_experimental_jobs.reason as cs_experimental_job_reason,
        coalesce(excluded_features.excluded_features, {{ text_list_of([]) }}) as excluded_features,
        coalesce(route_counts.n_symbols, 0) as n_symbols,
        coalesce(route_counts.n_cross_sectional, 0) as n_cross_sectional,
        coalesce(route_counts.n_symbol_specific, 0) as n_symbol_specific,
        coalesce(route_counts.n_both, 0) as n_both,
        coalesce(route_counts.n_experimental_only, 0) as n_experimental_only,
        coalesce(route_counts.n_blocked, 0) as n_blocked,
        route_counts.cs_min_score,
        route_counts.cs_strong_score,
        route_counts.local_min_score,
        route_counts.local_strong_score,
        route_counts.experimental_min_score,
        route_counts.cs_min_sample_size,
        route_counts.local_min_sample_size
    from targets
    inner join cs_lanes
        on targets.target_name = cs_lanes.target_name
    inner join thresholds
        on targets.target_name = thresholds.target_name
    left join route_counts
        on targets.target_name = route_counts.target_name
    left join cs_jobs
        on targets.target_name = cs_jobs.target_name
    left join cs_experimental_jobs
        on targets.target_name = cs_experimental_jobs.target_name
    left join leakage
        on targets.target_name = leakage.target_name
    left join excluded_features
        on targets.target_name = excluded_features.target_name
    left join reason_catalogue as cs_reason
        on {{ list_first('cs_lanes.cs_reason_codes') }} = cs_reason.reason_code

)

select * from final
