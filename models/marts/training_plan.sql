-- The training plan: one row per training job (docs/ROUTING_RULES.md §7), ordered
-- by plan_position (priority descending, then target, then symbol, null first).
-- `reason` says why the job exists: a symbol job (or a blocked one) carries its
-- pair's routing_plan.route_reason; a pooled job the CS lane's facts and its pool.

{%- set routing = cfg('routing') %}
{%- set plan = cfg('training_plan') %}

with

decisions as (

    select * from {{ ref('routing_plan') }}

),

cs_lanes as (

    select * from {{ ref('int_cs_lane_states_assigned') }}

),

excluded_features as (

    select * from {{ ref('int_target_features_excluded') }}

),

pairs as (

    select
        *,
        {{ list_has('reason_codes', "'LEAKAGE_SUSPECT'") }} as is_leakage_suspect
    from decisions

),

cross_sectional_jobs as (

    select
        'cs_' || pairs.target_name as job_id,
        pairs.target_name,
        cast(null as string) as symbol,
        'cross_sectional' as training_type,
        'ROUTE_CROSS_SECTIONAL' as route,
        2 as priority,
        {{ sorted_list_agg('pairs.symbol') }} as symbols,
        max(pairs.cs_sample_size) as sample_size,
        false as needs_cs_ensemble,
        false as experimental,
        bool_or(pairs.is_leakage_suspect) as leakage_suspect,
        'ROUTE_CROSS_SECTIONAL: ' || max(pairs.cs_lane_reason) || '; pooled over ' || count(*)
        || ' symbol(s) routed ROUTE_CROSS_SECTIONAL or ROUTE_BOTH' as reason
    from pairs
    where pairs.route in ('ROUTE_CROSS_SECTIONAL', 'ROUTE_BOTH')
    group by pairs.target_name

),

experimental_cross_sectional_jobs as (

    select
        'cs_exp_' || pairs.target_name as job_id,
        pairs.target_name,
        cast(null as string) as symbol,
        'cross_sectional' as training_type,
        'ROUTE_EXPERIMENTAL_ONLY' as route,
        1 as priority,
        {{ sorted_list_agg('pairs.symbol') }} as symbols,
        max(pairs.cs_sample_size) as sample_size,
        false as needs_cs_ensemble,
        true as experimental,
        bool_or(pairs.is_leakage_suspect) as leakage_suspect,
        'ROUTE_EXPERIMENTAL_ONLY: ' || max(pairs.cs_lane_reason) || '; pooled over ' || count(*)
        || ' symbol(s) experimental through the cross-sectional lane, within the cap' as reason
    from pairs
    where pairs.route = 'ROUTE_EXPERIMENTAL_ONLY' and pairs.local_state <> 'EXPERIMENTAL'
    group by pairs.target_name

),

symbol_jobs as (

    select
        'sym_' || target_name || '_' || symbol as job_id,
        target_name,
        symbol,
        'symbol_specific' as training_type,
        route,
        case route
            when 'ROUTE_BOTH' then 3
            when 'ROUTE_SYMBOL_SPECIFIC' then 2
            when 'ROUTE_EXPERIMENTAL_ONLY' then 1
        end as priority,
        {{ null_text_list() }} as symbols,
        local_sample_size as sample_size,
        route = 'ROUTE_BOTH' as needs_cs_ensemble,
        route = 'ROUTE_EXPERIMENTAL_ONLY' as experimental,
        is_leakage_suspect as leakage_suspect,
        route_reason as reason
    from pairs
    where
        route in ('ROUTE_SYMBOL_SPECIFIC', 'ROUTE_BOTH')
        or (route = 'ROUTE_EXPERIMENTAL_ONLY' and local_state = 'EXPERIMENTAL')

),

{%- if plan['include_blocked'] %}

blocked_jobs as (

    select
        'blocked_' || target_name || '_' || symbol as job_id,
        target_name,
        symbol,
        'blocked' as training_type,
        route,
        0 as priority,
        {{ null_text_list() }} as symbols,
        local_sample_size as sample_size,
        false as needs_cs_ensemble,
        false as experimental,
        is_leakage_suspect as leakage_suspect,
        route_reason as reason
    from pairs
    where route = 'ROUTE_BLOCKED'

),

{%- endif %}

jobs as (

    select * from cross_sectional_jobs
    union all
    select * from experimental_cross_sectional_jobs
    union all
    select * from symbol_jobs
    {%- if plan['include_blocked'] %}
    union all
    select * from blocked_jobs
    {%- endif %}

),

jobs_described as (

    select
        jobs.*,
        case
            when jobs.training_type = 'blocked' then {{ text_list_of([]) }}
            else {{ sql_string_list(plan['model_families']) }}
        end as model_families,
        case
            when jobs.symbol is null then cs_lanes.cs_failed_model_families
            else coalesce(decisions.local_failed_model_families, {{ text_list_of([]) }})
        end as failed_model_families,
        coalesce(excluded_features.excluded_features, {{ text_list_of([]) }}) as excluded_features
    from jobs
    left join cs_lanes
        on jobs.target_name = cs_lanes.target_name
    left join decisions
        on
            jobs.target_name = decisions.target_name
            and jobs.symbol = decisions.symbol
    left join excluded_features
        on jobs.target_name = excluded_features.target_name

),

final as (

    select
        row_number() over (order by priority desc, target_name asc, symbol asc nulls first, job_id asc) as plan_position,
        job_id,
        target_name,
        symbol,
        training_type,
        route,
        priority,
        model_families,
        failed_model_families,
        excluded_features,
        symbols,
        sample_size,
        needs_cs_ensemble,
        experimental,
        leakage_suspect,
        reason
    from jobs_described

)

select * from final
