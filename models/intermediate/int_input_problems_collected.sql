-- Everything wrong with the inputs, one row per problem, in plain words. The
-- test on this model stops the build when it has rows (docs/ROUTING_RULES.md §10),
-- and every routing model depends on it, so a bad input never yields a plan.

with

model_metadata as (

    select * from {{ ref('int_model_metadata_loaded') }}

),

target_confidence as (

    select * from {{ ref('int_target_confidence_loaded') }}

),

leakage as (

    select * from {{ ref('int_leakage_loaded') }}

),

stability_snapshots as (

    select * from {{ ref('int_stability_snapshots_loaded') }}

),

task_types as (

    select * from {{ ref('int_target_task_types_resolved') }}

),

-- a score must be possible for its metric: the entry's metric_name, else the target's
-- (var `score_metrics`); checked here, not in staging, because the target's metric and
-- task type come from all of its files
entry_score_problems as (

    select
        model_metadata.file_path,
        model_metadata.target_name,
        'entry "' || model_metadata.entry_key || '": ' || {{ score_range_problem(
            'model_metadata.score',
            'coalesce(model_metadata.metric_name, task_types.metric_name)',
            'task_types.task_type') }} as problem
    from model_metadata
    inner join task_types
        on model_metadata.target_name = task_types.target_name
    where model_metadata.problem is null and {{ score_maybe_out_of_range('model_metadata.score') }}

),

target_score_problems as (

    select
        target_confidence.file_path,
        target_confidence.target_name,
        {{ score_range_problem(
            'target_confidence.score',
            'coalesce(target_confidence.metric_name, task_types.metric_name)',
            'task_types.task_type') }} as problem
    from target_confidence
    inner join task_types
        on target_confidence.target_name = task_types.target_name
    where target_confidence.problem is null and {{ score_maybe_out_of_range('target_confidence.score') }}

),

problems as (

    select
        'model_metadata' as input_kind,
        file_path,
        target_name,
        problem
    from model_metadata
    where problem is not null

    union all

    select
        'target_confidence' as input_kind,
        file_path,
        target_name,
        problem
    from target_confidence
    where problem is not null

    union all

    select
        'leakage' as input_kind,
        file_path,
        target_name,
        problem
    from leakage
    where problem is not null

    union all

    select
        'stability_snapshot' as input_kind,
        file_path,
        target_name,
        problem
    from stability_snapshots
    where problem is not null

    union all

    select
        'model_metadata' as input_kind,
        file_path,
        target_name,
        problem
    from entry_score_problems
    where problem is not null

    union all

    select
        'target_confidence' as input_kind,
        file_path,
        target_name,
        problem
    from target_score_problems
    where problem is not null

),

final as (

    select
        input_kind,
        file_path,
        target_name,
        problem
    from problems

)

select * from final
