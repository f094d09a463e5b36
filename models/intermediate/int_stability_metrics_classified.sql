-- Stability per (target, universe) from the snapshot pairs (docs/ROUTING_RULES.md §4):
-- mean and population std of overlap and tau (nulls skipped), then the category.
-- Unlike the reference implementation, low overlap is DIVERGED, not UNKNOWN.

{%- set classification = cfg('routing.stability_classification') %}

with

snapshots as (

    select * from {{ ref('int_stability_snapshots_loaded') }}
    where problem is null

),

targets as (

    select * from {{ ref('int_targets_selected') }}

),

pairs as (

    select * from {{ ref('int_stability_pairs_compared') }}

),

snapshot_counts as (

    select
        snapshots.target_name,
        snapshots.universe,
        count(*) as n_snapshots
    from snapshots
    inner join targets
        on snapshots.target_name = targets.target_name
    group by snapshots.target_name, snapshots.universe

),

pair_statistics as (

    select
        target_name,
        universe,
        count(*) as n_pairs,
        {{ exact_mean_12('overlap') }} as mean_overlap,
        {{ exact_stddev_pop_12('overlap') }} as std_overlap,
        {{ exact_mean_12('tau') }} as mean_tau,
        {{ exact_stddev_pop_12('tau') }} as std_tau
    from pairs
    group by target_name, universe

),

joined as (

    select
        snapshot_counts.target_name,
        snapshot_counts.universe,
        snapshot_counts.n_snapshots,
        coalesce(pair_statistics.n_pairs, 0) as n_pairs,
        pair_statistics.mean_overlap,
        pair_statistics.std_overlap,
        pair_statistics.mean_tau,
        pair_statistics.std_tau
    from snapshot_counts
    left join pair_statistics
        on
            snapshot_counts.target_name = pair_statistics.target_name
            and snapshot_counts.universe = pair_statistics.universe

),

final as (

    select
        *,
        case
            when n_snapshots < {{ classification['min_snapshots_for_stability'] }}
                then 'UNKNOWN'
            when
                std_overlap > {{ sql_number(classification['max_std_overlap']) }}
                or std_tau > {{ sql_number(classification['max_std_tau']) }}
                then 'DIVERGED'
            when
                mean_overlap >= {{ sql_number(classification['stable_overlap_min']) }}
                and (mean_tau is null or mean_tau >= {{ sql_number(classification['stable_tau_min']) }})
                then 'STABLE'
            when
                mean_overlap >= {{ sql_number(classification['drifting_overlap_min']) }}
                and (mean_tau is null or mean_tau >= {{ sql_number(classification['drifting_tau_min']) }})
                then 'DRIFTING'
            else 'DIVERGED'
        end as stability_category
    from joined

)

select * from final
