-- routing_targets.cs_route is ENABLED exactly when at least one of the
-- target's decisions in routing_plan took ROUTE_CROSS_SECTIONAL or ROUTE_BOTH
-- (the pairs a pooled cs_<target> job trains on), else DISABLED
-- (docs/ROUTING_RULES.md §7, §8). routing_targets derives cs_route from the jobs of
-- training_plan; this test starts from the routes instead, so a job rule that
-- drifts from the routes shows up here. Returns one row per offending target.

with

routing_targets as (

    select * from {{ ref('routing_targets') }}

),

decisions as (

    select * from {{ ref('routing_plan') }}

),

pooled_routes as (

    select
        target_name,
        count(*) as n_pooled_pairs
    from decisions
    where route in ('ROUTE_CROSS_SECTIONAL', 'ROUTE_BOTH')
    group by target_name

),

compared as (

    select
        routing_targets.target_name,
        routing_targets.cs_route,
        coalesce(pooled_routes.n_pooled_pairs, 0) as n_pooled_pairs
    from routing_targets
    left join pooled_routes
        on routing_targets.target_name = pooled_routes.target_name

),

final as (

    select *
    from compared
    where
        cs_route is null
        or (cs_route = 'ENABLED') <> (n_pooled_pairs > 0)
        or cs_route not in ('ENABLED', 'DISABLED')

)

select * from final
