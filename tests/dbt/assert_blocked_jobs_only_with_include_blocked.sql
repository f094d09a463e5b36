-- Blocked jobs (training_type blocked, job_id blocked_<target>_<symbol>,
-- priority 0) exist only with training_plan.include_blocked (docs/ROUTING_RULES.md
-- §7). With it, each ROUTE_BLOCKED decision has exactly one, with the right
-- job_id, priority 0 and no model families, and no other decision has one.
-- Returns one row per offending job or decision.

-- depends_on: {{ ref('routing_plan') }}
{%- set include_blocked = cfg('training_plan.include_blocked') %}

with

blocked_jobs as (

    select *
    from {{ ref('training_plan') }}
    where
        training_type = 'blocked'
        or priority = 0
        or left(job_id, 8) = 'blocked_'

),

{%- if include_blocked %}

decisions as (

    select * from {{ ref('routing_plan') }}

),

jobs_checked as (

    select
        blocked_jobs.job_id,
        blocked_jobs.target_name,
        blocked_jobs.symbol,
        case
            when decisions.target_name is null then 'no decision for the blocked job'
            when decisions.route <> 'ROUTE_BLOCKED' then 'blocked job for a decision routed ' || decisions.route
            when blocked_jobs.training_type <> 'blocked' then 'training_type is not blocked'
            when blocked_jobs.priority <> 0 then 'priority is not 0'
            when blocked_jobs.job_id <> ('blocked_' || blocked_jobs.target_name || '_' || blocked_jobs.symbol)
                then 'job_id is not blocked_<target>_<symbol>'
            when {{ list_length('blocked_jobs.model_families') }} > 0 then 'blocked job has model families'
        end as failure
    from blocked_jobs
    left join decisions
        on
            blocked_jobs.target_name = decisions.target_name
            and blocked_jobs.symbol = decisions.symbol

),

decisions_checked as (

    select
        cast(null as string) as job_id,
        decisions.target_name,
        decisions.symbol,
        case
            when count(blocked_jobs.job_id) = 0 then 'blocked decision has no blocked job'
            when count(blocked_jobs.job_id) > 1 then 'blocked decision has several blocked jobs'
        end as failure
    from decisions
    left join blocked_jobs
        on
            decisions.target_name = blocked_jobs.target_name
            and decisions.symbol = blocked_jobs.symbol
    where decisions.route = 'ROUTE_BLOCKED'
    group by decisions.target_name, decisions.symbol

),

failures as (

    select * from jobs_checked
    where failure is not null
    union all
    select * from decisions_checked
    where failure is not null

)

{%- else %}

failures as (

    select
        job_id,
        target_name,
        symbol,
        'blocked job without training_plan.include_blocked' as failure
    from blocked_jobs

)

{%- endif %}

select * from failures
