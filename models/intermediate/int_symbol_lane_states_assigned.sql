-- The symbol lane's state per (target, symbol) pair (docs/ROUTING_RULES.md §5). The
-- pairs: every symbol of the target's model_metadata.json, or, when var
-- `symbols` names any (`--symbols`), exactly those for every target (a named
-- symbol without metrics gets LOCAL_NO_METRICS).

{%- set routing = cfg('routing') %}
{%- set allowlist = routing['stability_allowlist']['symbol'] %}
{%- set selected_symbols = run_var('symbols', []) or [] %}

with

-- `targets` is read when --symbols names the universe (the other rendering)
targets as (  -- noqa: ST03

    select * from {{ ref('int_targets_selected') }}

),

symbol_lanes as (

    select * from {{ ref('int_symbol_lanes_aggregated') }}

),

thresholds as (

    select * from {{ ref('int_target_thresholds_resolved') }}

),

stability as (

    select * from {{ ref('int_stability_metrics_classified') }}
    where universe <> 'ALL'

),

pairs as (

    {%- if selected_symbols | length > 0 %}

    select
        targets.target_name,
        named_symbols.symbol
    from targets
    cross join (
        {%- for symbol in selected_symbols | unique %}
        select {{ sql_string(symbol) }} as symbol{{ ' union all' if not loop.last }}
        {%- endfor %}
    ) as named_symbols

    {%- else %}

    select
        target_name,
        symbol
    from symbol_lanes

    {%- endif %}

),

lanes as (

    select
        pairs.target_name,
        pairs.symbol,
        symbol_lanes.symbol is not null as has_local_metrics,
        coalesce(symbol_lanes.n_entries, 0) as local_n_entries,
        coalesce(symbol_lanes.successful_families, 0) as local_successful_families,
        symbol_lanes.score as local_score,
        coalesce(symbol_lanes.sample_size, 0) as local_sample_size,
        coalesce(symbol_lanes.failed_model_families, {{ text_list_of([]) }}) as local_failed_model_families,
        coalesce(symbol_lanes.explicit_stability, stability.stability_category, 'UNKNOWN') as local_stability,
        case
            when symbol_lanes.explicit_stability is not null then 'explicit'
            when stability.stability_category is not null then 'snapshots'
            else 'none'
        end as local_stability_source,
        thresholds.local_min_score,
        thresholds.local_strong_score,
        thresholds.experimental_min_score,
        {{ routing['min_sample_size']['symbol'] }} as local_min_sample_size
    from pairs
    inner join thresholds
        on pairs.target_name = thresholds.target_name
    left join symbol_lanes
        on
            pairs.target_name = symbol_lanes.target_name
            and pairs.symbol = symbol_lanes.symbol
    left join stability
        on
            pairs.target_name = stability.target_name
            and pairs.symbol = stability.universe

),

lanes_ruled as (

    select
        *,
        {{ lane_rule(
            has_metrics='has_local_metrics',
            score='local_score',
            sample_size='local_sample_size',
            min_sample_size='local_min_sample_size',
            successful_families='local_successful_families',
            stability='local_stability',
            min_score='local_min_score',
            strong_score='local_strong_score',
            experimental_min_score='experimental_min_score',
            allowlist=allowlist,
        ) }} as local_rule
    from lanes

),

final as (

    select
        *,
        {{ lane_state_from_rule('local_rule') }} as local_state,
        {{ lane_reason_codes('LOCAL', 'local_rule', 'local_score', 'local_min_score', 'local_stability', allowlist) }}
            as local_reason_codes
    from lanes_ruled

)

select * from final
