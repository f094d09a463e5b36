-- The cross-sectional (pooled) lane's metrics per target (docs/ROUTING_RULES.md §4):
-- from target_confidence.json when the file exists; otherwise aggregated from
-- the target's symbols (mean of the symbol scores over symbols with a score,
-- sum of all the symbol sample sizes), which needs at least 2 scored symbols.
-- Successful families: model_families' OK count if given, else the families
-- with an OK entry for the target; null (check not applied) with no family
-- information at all. Stability: explicit, else computed for universe ALL.

with

targets as (

    select * from {{ ref('int_targets_selected') }}

),

target_confidence as (

    select * from {{ ref('int_target_confidence_loaded') }}
    where problem is null

),

model_metadata as (

    select * from {{ ref('int_model_metadata_loaded') }}
    where problem is null

),

symbol_lanes as (

    select * from {{ ref('int_symbol_lanes_aggregated') }}

),

stability as (

    select * from {{ ref('int_stability_metrics_classified') }}
    where universe = 'ALL'

),

symbols_pooled as (

    select
        target_name,
        count(score) as n_scored_symbols,
        {{ exact_mean_12('score') }} as score,
        sum(sample_size) as sample_size
    from symbol_lanes
    group by target_name

),

entry_families as (

    select
        target_name,
        model_family,
        bool_or(status = 'OK' and score is not null and not {{ is_non_finite('score') }}) as has_success,
        bool_or(status = 'FAILED') as has_failure
    from model_metadata
    group by target_name, model_family

),

entry_family_counts as (

    select
        target_name,
        count(*) filter (where has_success) as successful_families,
        {{ sorted_list_agg('case when has_failure and not has_success then model_family end') }}
            as failed_model_families
    from entry_families
    group by target_name

),

declared_families as (

    select
        target_name,
        count(*) filter (where family.status = 'OK') as successful_families,
        {{ sorted_list_agg("case when family.status = 'FAILED' then family.name end") }}
            as failed_model_families
    from (
        select target_name, {{ unnest_list('model_families') }} as family
        from target_confidence
        where model_families is not null
    ) as families
    group by target_name

),

lanes as (

    select
        targets.target_name,
        case
            when targets.has_target_confidence then 'target_confidence'
            when coalesce(symbols_pooled.n_scored_symbols, 0) >= 2 then 'aggregated'
        end as cs_source,
        coalesce(symbols_pooled.n_scored_symbols, 0) as n_scored_symbols,
        case
            when targets.has_target_confidence then target_confidence.score
            when coalesce(symbols_pooled.n_scored_symbols, 0) >= 2 then symbols_pooled.score
        end as cs_score,
        case
            when targets.has_target_confidence then coalesce(target_confidence.sample_size, 0)
            when coalesce(symbols_pooled.n_scored_symbols, 0) >= 2 then symbols_pooled.sample_size
        end as cs_sample_size,
        case
            when target_confidence.model_families is not null then declared_families.successful_families
            else entry_family_counts.successful_families
        end as cs_successful_families,
        coalesce(
            case when target_confidence.model_families is not null then declared_families.failed_model_families end,
            entry_family_counts.failed_model_families,
            {{ text_list_of([]) }}
        ) as cs_failed_model_families,
        target_confidence.stability as explicit_stability,
        stability.stability_category as computed_stability
    from targets
    left join target_confidence
        on targets.target_name = target_confidence.target_name
    left join symbols_pooled
        on targets.target_name = symbols_pooled.target_name
    left join entry_family_counts
        on targets.target_name = entry_family_counts.target_name
    left join declared_families
        on targets.target_name = declared_families.target_name
    left join stability
        on targets.target_name = stability.target_name

),

final as (

    select
        target_name,
        cs_source,
        n_scored_symbols,
        cs_score,
        cs_sample_size,
        cs_successful_families,
        cs_failed_model_families,
        coalesce(explicit_stability, computed_stability, 'UNKNOWN') as cs_stability,
        case
            when explicit_stability is not null then 'explicit'
            when computed_stability is not null then 'snapshots'
            else 'none'
        end as cs_stability_source
    from lanes

)

select * from final
