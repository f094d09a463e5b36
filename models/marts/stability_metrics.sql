-- Feature-importance stability per (target, universe): universe ALL feeds the
-- cross-sectional lane, a symbol's universe its symbol lane (docs/ROUTING_RULES.md §4).

with

stability as (

    select * from {{ ref('int_stability_metrics_classified') }}

),

final as (

    select
        target_name,
        universe,
        n_snapshots,
        n_pairs,
        mean_overlap,
        std_overlap,
        mean_tau,
        std_tau,
        stability_category
    from stability

)

select * from final
