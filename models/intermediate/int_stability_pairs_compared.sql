-- Adjacent feature-importance snapshots of each (target, universe), compared
-- (docs/ROUTING_RULES.md §4): snapshots ordered by created_at, then run_id (then file
-- path, so the order is total); overlap = Jaccard of the top-k feature sets;
-- tau = Kendall tau of the two rankings over the features both contain (null
-- when fewer than 3).
--
-- Incremental: a comparison depends only on the universe's snapshot files and
-- top_k, so a (target, universe) is compared again only when its set of
-- snapshot files (paths and content hashes) or top_k changed — re-routing with
-- other thresholds does not redo the 200k comparisons of a large run. Rows of
-- sets that changed or disappeared are deleted by the post-hook.

{{
    config(
        materialized=loaded_materialization(),
        incremental_strategy='delete+insert',
        unique_key=['target_name', 'universe'],
        on_schema_change='fail',
        post_hook="{{ delete_stale_snapshot_pairs() }}",
    )
}}

{%- set top_k = cfg('routing.stability_classification.top_k') %}

with

snapshots as (

    select * from {{ ref('int_stability_snapshots_loaded') }}
    where problem is null

),

targets as (

    select * from {{ ref('int_targets_selected') }}

),

snapshot_sets as (

    {{ snapshot_set_fingerprints('snapshots') }}

),

sets_to_compare as (

    select snapshot_sets.*
    from snapshot_sets
    inner join targets
        on snapshot_sets.target_name = targets.target_name
    {%- if is_incremental() %}
    where not exists (
        select 1
        from {{ this }} as compared_before
        where
            compared_before.target_name = snapshot_sets.target_name
            and compared_before.universe = snapshot_sets.universe
            and compared_before.snapshot_set_hash = snapshot_sets.snapshot_set_hash
            and compared_before.top_k = {{ top_k }}
    )
    {%- endif %}

),

ranked as (

    select
        snapshots.target_name,
        snapshots.universe,
        sets_to_compare.snapshot_set_hash,
        snapshots.file_path,
        snapshots.run_id,
        snapshots.created_at,
        -- sqlfluff 4.4 cannot parse the DuckDB 2.0 `lambda x: ...` these macros render
        {{ ranked_features('snapshots.features', 'snapshots.importances') }} as ranked_features,  -- noqa: PRS
        row_number() over (
            partition by snapshots.target_name, snapshots.universe
            order by snapshots.created_at nulls first, snapshots.run_id nulls first, snapshots.file_path
        ) as snapshot_number
    from snapshots
    inner join sets_to_compare
        on
            snapshots.target_name = sets_to_compare.target_name
            and snapshots.universe = sets_to_compare.universe

),

paired as (

    select
        target_name,
        universe,
        snapshot_set_hash,
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
        snapshot_set_hash,
        snapshot_number,
        previous_file_path,
        file_path,
        {{ jaccard_similarity(
            list_head('previous_ranked_features', top_k),
            list_head('ranked_features', top_k)
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
        {{ kendall_tau_from_positions('shared_positions') }} as tau,  -- noqa: PRS
        snapshot_set_hash,
        cast({{ top_k }} as integer) as top_k
    from compared

)

select * from final
