-- Adjacent feature-importance snapshots of each (target, universe), compared
-- (ROUTING_SPEC.md §4): snapshots ordered by created_at, then run_id (then file
-- path, so the order is total); overlap = Jaccard of the top-k feature sets;
-- tau = Kendall tau of the two rankings over the features both contain (null
-- when fewer than 3).

with

snapshots as (

    select * from {{ ref('int_stability_snapshots_loaded') }}
    where problem is null

),

targets as (

    select * from {{ ref('int_targets_selected') }}

),

ranked as (

    select
        snapshots.target_name,
        snapshots.universe,
        snapshots.file_path,
        snapshots.run_id,
        snapshots.created_at,
        {{ ranked_features('snapshots.features', 'snapshots.importances') }} as ranked_features,
        row_number() over (
            partition by snapshots.target_name, snapshots.universe
            order by snapshots.created_at nulls first, snapshots.run_id nulls first, snapshots.file_path
        ) as snapshot_number
    from snapshots
    inner join targets
        on snapshots.target_name = targets.target_name

),

paired as (

    select
        target_name,
        universe,
        snapshot_number,
        file_path,
        lag(file_path) over by_time as previous_file_path,
        ranked_features,
        lag(ranked_features) over by_time as previous_ranked_features
    from ranked
    window by_time as (partition by target_name, universe order by snapshot_number)

),

compared as (

    select
        target_name,
        universe,
        snapshot_number,
        previous_file_path,
        file_path,
        {{ jaccard_similarity(
            list_head('previous_ranked_features', cfg('routing.stability_classification.top_k')),
            list_head('ranked_features', cfg('routing.stability_classification.top_k'))
        ) }} as overlap,
        {{ shared_rank_positions('previous_ranked_features', 'ranked_features') }} as shared_positions
    from paired
    where previous_ranked_features is not null

),

final as (

    select
        target_name,
        universe,
        snapshot_number,
        previous_file_path,
        file_path,
        overlap,
        {{ kendall_tau_from_positions('shared_positions') }} as tau
    from compared

)

select * from final
