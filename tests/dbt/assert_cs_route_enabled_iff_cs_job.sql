-- routing_targets.cs_route is ENABLED exactly when the target has a
-- cs_<target> job in training_plan, else DISABLED (ROUTING_SPEC.md §8).
-- Returns one row per offending target.

with

routing_targets as (

    select * from {{ ref('routing_targets') }}

),

cs_jobs as (

    select
        target_name,
        count(*) as n_cs_jobs
    from {{ ref('training_plan') }}
    where job_id = 'cs_' || target_name
    group by target_name

),

compared as (

    select
        routing_targets.target_name,
        routing_targets.cs_route,
        coalesce(cs_jobs.n_cs_jobs, 0) as n_cs_jobs
    from routing_targets
    left join cs_jobs
        on routing_targets.target_name = cs_jobs.target_name

)

select *
from compared
where
    (cs_route = 'ENABLED' and n_cs_jobs = 0)
    or (cs_route = 'DISABLED' and n_cs_jobs > 0)
    or cs_route is null
    or cs_route not in ('ENABLED', 'DISABLED')
