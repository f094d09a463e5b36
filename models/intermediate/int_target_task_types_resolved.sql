-- Per target (every target folder with a model_metadata.json or target_confidence.json,
-- selected or not): the
-- task type, decided once from target_confidence.json first, then the metadata
-- entries; task_type before metric_name; classification when nothing says
-- (docs/ROUTING_RULES.md §3); and the metric its scores are in. Upstream of the input
-- checks (int_input_problems_collected checks each score against its metric's range)
-- and of the thresholds (int_target_thresholds_resolved).

with

targets as (

    select distinct target_name from {{ ref('int_model_metadata_loaded') }}

    union

    select distinct target_name from {{ ref('int_target_confidence_loaded') }}

),

target_confidence as (

    select * from {{ ref('int_target_confidence_loaded') }}
    where problem is null

),

model_metadata as (

    select * from {{ ref('int_model_metadata_loaded') }}
    where problem is null

),

-- the most common value among the entries, ties by name, for a deterministic pick
entry_task_types as (

    select
        target_name,
        task_type
    from (
        select
            target_name,
            task_type,
            row_number() over (partition by target_name order by count(*) desc, task_type) as pick
        from model_metadata
        where task_type is not null
        group by target_name, task_type
    ) as ranked
    where pick = 1

),

entry_metric_names as (

    select
        target_name,
        metric_name
    from (
        select
            target_name,
            metric_name,
            row_number() over (partition by target_name order by count(*) desc, metric_name) as pick
        from model_metadata
        where {{ task_class_from_metric('metric_name') }} is not null
        group by target_name, metric_name
    ) as ranked
    where pick = 1

),

task_types as (

    select
        targets.target_name,
        case
            when {{ task_class_from_task_type('target_confidence.task_type') }} is not null
                then 'target_confidence.task_type'
            when {{ task_class_from_metric('target_confidence.metric_name') }} is not null
                then 'target_confidence.metric_name'
            when entry_task_types.task_type is not null then 'model_metadata.task_type'
            when entry_metric_names.metric_name is not null then 'model_metadata.metric_name'
            else 'default'
        end as task_type_source,
        coalesce(
            {{ task_class_from_task_type('target_confidence.task_type') }},
            {{ task_class_from_metric('target_confidence.metric_name') }},
            {{ task_class_from_task_type('entry_task_types.task_type') }},
            {{ task_class_from_metric('entry_metric_names.metric_name') }},
            'classification'
        ) as task_type,
        coalesce(target_confidence.metric_name, entry_metric_names.metric_name) as metric_name
    from targets
    left join target_confidence
        on targets.target_name = target_confidence.target_name
    left join entry_task_types
        on targets.target_name = entry_task_types.target_name
    left join entry_metric_names
        on targets.target_name = entry_metric_names.target_name

),

final as (

    select * from task_types

)

select * from final
