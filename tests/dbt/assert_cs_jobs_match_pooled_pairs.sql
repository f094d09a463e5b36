-- Pooled jobs and decisions agree (docs/ROUTING_RULES.md §7): a cs_<target> job
-- exists iff some pair of the target routes ROUTE_CROSS_SECTIONAL or
-- ROUTE_BOTH, there is at most one, it is cross_sectional with priority 2 and
-- no symbol (and every non-experimental pooled job is a cs_<target> job),
-- and its `symbols` are exactly those pairs' symbols (no more, no
-- fewer, no repeats). Returns one row per offending target.

with

decisions as (

    select * from {{ ref('routing_plan') }}

),

targets as (

    select target_name from {{ ref('routing_targets') }}

),

pooled_pairs as (

    select
        target_name,
        symbol
    from decisions
    where route in ('ROUTE_CROSS_SECTIONAL', 'ROUTE_BOTH')

),

cs_jobs as (

    select *
    from {{ ref('training_plan') }}
    where
        job_id = 'cs_' || target_name
        or (training_type = 'cross_sectional' and not experimental)

),

expected as (

    select
        target_name,
        count(*) as n_expected_symbols
    from pooled_pairs
    group by target_name

),

jobs_per_target as (

    select
        target_name,
        count(*) as n_jobs,
        max({{ list_length('symbols') }}) as n_job_symbols,
        bool_or(
            job_id <> ('cs_' || target_name) or training_type <> 'cross_sectional'
            or priority <> 2 or symbol is not null or route <> 'ROUTE_CROSS_SECTIONAL'
            or experimental
        ) as has_wrong_shape
    from cs_jobs
    group by target_name

),

-- expected symbols missing from the target's cs_ job
missing_symbols as (

    select
        pooled_pairs.target_name,
        count(*) as n_missing
    from pooled_pairs
    inner join cs_jobs
        on pooled_pairs.target_name = cs_jobs.target_name
    where not coalesce({{ list_has('cs_jobs.symbols', 'pooled_pairs.symbol') }}, false)
    group by pooled_pairs.target_name

),

compared as (

    select
        targets.target_name,
        coalesce(expected.n_expected_symbols, 0) as n_expected_symbols,
        coalesce(jobs_per_target.n_jobs, 0) as n_jobs,
        jobs_per_target.n_job_symbols,
        coalesce(missing_symbols.n_missing, 0) as n_missing_symbols,
        coalesce(jobs_per_target.has_wrong_shape, false) as has_wrong_shape
    from (
        select target_name from targets
        union
        select target_name from cs_jobs
    ) as targets
    left join expected
        on targets.target_name = expected.target_name
    left join jobs_per_target
        on targets.target_name = jobs_per_target.target_name
    left join missing_symbols
        on targets.target_name = missing_symbols.target_name

)

select *
from compared
where
    -- a job iff some pair routes CS or BOTH, and never two
    (n_expected_symbols > 0) <> (n_jobs > 0)
    or n_jobs > 1
    -- symbols: a superset of the pooled pairs, of the same length, is exactly them
    or (n_jobs = 1 and (n_missing_symbols > 0 or coalesce(n_job_symbols, -1) <> n_expected_symbols))
    or has_wrong_shape
