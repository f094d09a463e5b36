-- Symbol jobs and decisions agree (docs/ROUTING_RULES.md §7): every symbol job
-- (sym_<target>_<symbol>) points at exactly one decision whose route matches
-- the job's route and priority — ROUTE_BOTH → 3 (needs_cs_ensemble),
-- ROUTE_SYMBOL_SPECIFIC → 2, ROUTE_EXPERIMENTAL_ONLY → 1 (experimental, and
-- only when the local lane is EXPERIMENTAL); and every such decision has
-- exactly one symbol job. Returns one row per offending job or decision.

with

symbol_jobs as (

    select *
    from {{ ref('training_plan') }}
    where training_type = 'symbol_specific'

),

decisions as (

    select * from {{ ref('routing_plan') }}

),

-- decisions that must have a symbol job
expected as (

    select
        target_name,
        symbol,
        route,
        local_state
    from decisions
    where
        route in ('ROUTE_BOTH', 'ROUTE_SYMBOL_SPECIFIC')
        or (route = 'ROUTE_EXPERIMENTAL_ONLY' and local_state = 'EXPERIMENTAL')

),

jobs_checked as (

    select
        symbol_jobs.job_id,
        symbol_jobs.target_name,
        symbol_jobs.symbol,
        symbol_jobs.route as job_route,
        symbol_jobs.priority,
        decisions.route as decision_route,
        decisions.local_state,
        case
            when decisions.target_name is null then 'no decision for the job'
            when symbol_jobs.job_id <> ('sym_' || symbol_jobs.target_name || '_' || symbol_jobs.symbol)
                then 'job_id is not sym_<target>_<symbol>'
            when symbol_jobs.route <> decisions.route then 'job route differs from the decision route'
            when decisions.route not in ('ROUTE_BOTH', 'ROUTE_SYMBOL_SPECIFIC', 'ROUTE_EXPERIMENTAL_ONLY')
                then 'decision route does not get a symbol job'
            when decisions.route = 'ROUTE_EXPERIMENTAL_ONLY' and decisions.local_state <> 'EXPERIMENTAL'
                then 'experimental symbol job but the local lane is not EXPERIMENTAL'
            when
                symbol_jobs.priority <> case decisions.route
                    when 'ROUTE_BOTH' then 3
                    when 'ROUTE_SYMBOL_SPECIFIC' then 2
                    when 'ROUTE_EXPERIMENTAL_ONLY' then 1
                end
                then 'priority does not match the route'
            when symbol_jobs.needs_cs_ensemble <> (decisions.route = 'ROUTE_BOTH')
                then 'needs_cs_ensemble does not match the route'
            when symbol_jobs.experimental <> (decisions.route = 'ROUTE_EXPERIMENTAL_ONLY')
                then 'experimental does not match the route'
        end as failure
    from symbol_jobs
    left join decisions
        on
            symbol_jobs.target_name = decisions.target_name
            and symbol_jobs.symbol = decisions.symbol

),

job_counts as (

    select
        target_name,
        symbol,
        count(*) as n_jobs
    from symbol_jobs
    group by target_name, symbol

),

decisions_checked as (

    select
        cast(null as string) as job_id,
        expected.target_name,
        expected.symbol,
        cast(null as string) as job_route,
        cast(null as integer) as priority,
        expected.route as decision_route,
        expected.local_state,
        case
            when job_counts.n_jobs is null then 'decision has no symbol job'
            when job_counts.n_jobs > 1 then 'decision has ' || job_counts.n_jobs || ' symbol jobs'
        end as failure
    from expected
    left join job_counts
        on
            expected.target_name = job_counts.target_name
            and expected.symbol = job_counts.symbol

),

failures as (

    select * from jobs_checked
    where failure is not null
    union all
    select * from decisions_checked
    where failure is not null

)

select * from failures
