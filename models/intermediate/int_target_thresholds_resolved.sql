-- Per selected target: the task type (int_target_task_types_resolved) and the
-- score thresholds for its task type and horizon tier (docs/ROUTING_RULES.md §3).

{%- set routing = cfg('routing') %}

with

targets as (

    select * from {{ ref('int_targets_selected') }}

),

task_types as (

    select * from {{ ref('int_target_task_types_resolved') }}

),

resolved as (

    select
        targets.*,
        task_types.task_type,
        task_types.task_type_source,
        task_types.metric_name
    from targets
    inner join task_types
        on targets.target_name = task_types.target_name

),

final as (

    select
        target_name,
        horizon_minutes,
        horizon_tier,
        task_type,
        task_type_source,
        metric_name,
        {{ threshold_expression(routing['cross_sectional']['min_score'], 'task_type', 'horizon_tier') }}
            as cs_min_score,
        {{ threshold_expression(routing['cross_sectional']['strong_score'], 'task_type', 'horizon_tier') }}
            as cs_strong_score,
        {{ threshold_expression(routing['symbol']['min_score'], 'task_type', 'horizon_tier') }}
            as local_min_score,
        {{ threshold_expression(routing['symbol']['strong_score'], 'task_type', 'horizon_tier') }}
            as local_strong_score,
        {{ threshold_expression(routing['experimental']['min_score'], 'task_type', 'horizon_tier') }}
            as experimental_min_score
    from resolved

)

select * from final
