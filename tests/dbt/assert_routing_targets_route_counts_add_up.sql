-- routing_targets' per-route counts equal the routing_plan rows of the
-- target, route by route, and n_symbols is both their sum and the target's
-- number of decisions; every target with a decision has a routing_targets row.
-- Returns one row per offending target.

with

routing_targets as (

    select * from {{ ref('routing_targets') }}

),

plan_counts as (

    select
        target_name,
        count(*) as n_symbols,
        count(*) filter (where route = 'ROUTE_CROSS_SECTIONAL') as n_cross_sectional,
        count(*) filter (where route = 'ROUTE_SYMBOL_SPECIFIC') as n_symbol_specific,
        count(*) filter (where route = 'ROUTE_BOTH') as n_both,
        count(*) filter (where route = 'ROUTE_EXPERIMENTAL_ONLY') as n_experimental_only,
        count(*) filter (where route = 'ROUTE_BLOCKED') as n_blocked
    from {{ ref('routing_plan') }}
    group by target_name

),

compared as (

    select
        coalesce(routing_targets.target_name, plan_counts.target_name) as target_name,
        routing_targets.target_name is not null as has_targets_row,
        routing_targets.n_symbols,
        coalesce(plan_counts.n_symbols, 0) as plan_n_symbols,
        routing_targets.n_cross_sectional,
        coalesce(plan_counts.n_cross_sectional, 0) as plan_n_cross_sectional,
        routing_targets.n_symbol_specific,
        coalesce(plan_counts.n_symbol_specific, 0) as plan_n_symbol_specific,
        routing_targets.n_both,
        coalesce(plan_counts.n_both, 0) as plan_n_both,
        routing_targets.n_experimental_only,
        coalesce(plan_counts.n_experimental_only, 0) as plan_n_experimental_only,
        routing_targets.n_blocked,
        coalesce(plan_counts.n_blocked, 0) as plan_n_blocked
    from routing_targets
    full outer join plan_counts
        on routing_targets.target_name = plan_counts.target_name

)

select *
from compared
where
    not has_targets_row
    or n_symbols is distinct from plan_n_symbols
    or n_cross_sectional is distinct from plan_n_cross_sectional
    or n_symbol_specific is distinct from plan_n_symbol_specific
    or n_both is distinct from plan_n_both
    or n_experimental_only is distinct from plan_n_experimental_only
    or n_blocked is distinct from plan_n_blocked
    or n_symbols is distinct from
    n_cross_sectional + n_symbol_specific + n_both + n_experimental_only + n_blocked
