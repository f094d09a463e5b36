-- Everything wrong with the inputs, one row per problem, in plain words. The
-- test on this model stops the build when it has rows (ROUTING_SPEC.md §10),
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

problems as (

    select 'model_metadata' as input_kind, file_path, target_name, problem
    from model_metadata
    where problem is not null

    union all

    select 'target_confidence' as input_kind, file_path, target_name, problem
    from target_confidence
    where problem is not null

    union all

    select 'leakage' as input_kind, file_path, target_name, problem
    from leakage
    where problem is not null

    union all

    select 'stability_snapshot' as input_kind, file_path, target_name, problem
    from stability_snapshots
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
