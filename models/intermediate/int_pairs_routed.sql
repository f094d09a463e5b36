-- The router (docs/ROUTING_RULES.md §6): one decision per (target, symbol) pair.
-- `route_code` is the first rule that matches, in the spec's order; the route
-- follows from it.

{%- set routing = cfg('routing') %}
{%- set both_route = {
    'ROUTE_BOTH': 'ROUTE_BOTH',
    'PREFER_CS': 'ROUTE_CROSS_SECTIONAL',
    'PREFER_SYMBOL': 'ROUTE_SYMBOL_SPECIFIC',
}[routing['both_strong_behavior']] %}
{%- set fraction = routing['experimental']['max_fraction_symbols_per_target'] %}

with

symbol_lanes as (

    select * from {{ ref('int_symbol_lane_states_assigned') }}

),

cs_lanes as (

    select * from {{ ref('int_cs_lane_states_assigned') }}

),

thresholds as (

    select * from {{ ref('int_target_thresholds_resolved') }}

),

leakage as (

    select * from {{ ref('int_leakage_loaded') }}
    where problem is null

),

symbol_leakage as (

    select
        target_name,
        entry.name as symbol,
        entry.status as symbol_leakage_status
    from (
        select
            target_name,
            {{ unnest_list('symbol_statuses') }} as entry
        from leakage
    ) as entries

),

pairs as (

    select
        symbol_lanes.target_name,
        symbol_lanes.symbol,
        thresholds.task_type,
        thresholds.metric_name,
        thresholds.horizon_minutes,
        thresholds.horizon_tier,
        cs_lanes.cs_source,
        cs_lanes.cs_score,
        cs_lanes.cs_sample_size,
        cs_lanes.cs_min_sample_size,
        cs_lanes.cs_successful_families,
        cs_lanes.cs_stability,
        cs_lanes.cs_min_score,
        cs_lanes.cs_strong_score,
        cs_lanes.cs_state,
        cs_lanes.cs_reason_codes,
        symbol_lanes.local_score,
        symbol_lanes.local_sample_size,
        symbol_lanes.local_min_sample_size,
        symbol_lanes.local_successful_families,
        symbol_lanes.local_failed_model_families,
        symbol_lanes.local_stability,
        symbol_lanes.local_min_score,
        symbol_lanes.local_strong_score,
        symbol_lanes.experimental_min_score,
        symbol_lanes.local_state,
        symbol_lanes.local_reason_codes,
        coalesce(leakage.target_leakage_status, 'UNKNOWN') as target_leakage_status,
        coalesce(symbol_leakage.symbol_leakage_status, 'UNKNOWN') as symbol_leakage_status
    from symbol_lanes
    inner join cs_lanes
        on symbol_lanes.target_name = cs_lanes.target_name
    inner join thresholds
        on symbol_lanes.target_name = thresholds.target_name
    left join leakage
        on symbol_lanes.target_name = leakage.target_name
    left join symbol_leakage
        on
            symbol_lanes.target_name = symbol_leakage.target_name
            and symbol_lanes.symbol = symbol_leakage.symbol

),

lanes_summarised as (

    select
        *,
        {{ sql_boolean(routing['block_on_leakage']) }} and target_leakage_status = 'BLOCKED'
            as is_target_leakage_blocked,
        {{ sql_boolean(routing['block_on_leakage']) }} and symbol_leakage_status = 'BLOCKED'
            as is_symbol_leakage_blocked,
        {{ list_has('cs_reason_codes', "'CS_NO_METRICS'") }}
        or {{ list_has('cs_reason_codes', "'CS_SAMPLE_TOO_SMALL'") }}
            as is_cs_short_of_data,
        {{ list_has('local_reason_codes', "'LOCAL_NO_METRICS'") }}
        or {{ list_has('local_reason_codes', "'LOCAL_SAMPLE_TOO_SMALL'") }}
            as is_local_short_of_data,
        cs_state in ('STRONG', 'WEAK_BUT_OK') as is_cs_usable,
        local_state in ('STRONG', 'WEAK_BUT_OK') as is_local_usable,
        count(*) over (partition by target_name) as n_decisions_for_target
    from pairs

),

hard_blocks_flagged as (

    select
        *,
        is_target_leakage_blocked
        or is_symbol_leakage_blocked
        or (is_cs_short_of_data and is_local_short_of_data)
            as is_hard_blocked
    from lanes_summarised

),

-- pairs that reach rule 5 (experimental lane), ranked for the per-target cap
experimental_ranked as (

    select
        *,
        {{ sql_boolean(routing['enable_experimental_lane']) }}
        and not is_hard_blocked
        and not is_cs_usable
        and not is_local_usable
        and (cs_state = 'EXPERIMENTAL' or local_state = 'EXPERIMENTAL')
            as is_experimental_candidate,
        case
            when local_state = 'EXPERIMENTAL' then local_score
            else cs_score
        end as experimental_score,
        {%- if fraction == 0 %}
        0 as experimental_cap
        {%- else %}
        greatest(1, cast(floor({{ sql_number(fraction) }} * n_decisions_for_target) as bigint))
            as experimental_cap
        {%- endif %}
    from hard_blocks_flagged

),

experimental_ranks as (

    select
        *,
        case
            when is_experimental_candidate
                then row_number() over (
                    partition by target_name, is_experimental_candidate
                    order by experimental_score desc, symbol asc
                )
        end as experimental_rank
    from experimental_ranked

),

routed as (

    select
        *,
        case
            -- 1. hard blocks: leakage (when block_on_leakage), or no data in either lane
            when is_hard_blocked then 'HARD_BLOCK'
            -- 2. only the cross-sectional lane is usable
            when is_cs_usable and not is_local_usable then 'CS_ONLY_USABLE'
            -- 3. only the symbol lane is usable
            when is_local_usable and not is_cs_usable then 'LOCAL_ONLY_USABLE'
            -- 4. both usable: both_strong_behavior decides
            when is_cs_usable and is_local_usable then 'BOTH_USABLE'
            -- 5. experimental lane, within the per-target cap
            when is_experimental_candidate and experimental_rank <= experimental_cap then 'EXPERIMENTAL_LANE'
            when is_experimental_candidate then 'EXPERIMENTAL_CAP'
            -- 6. nothing else matched
            else 'NO_RULE_MATCH'
        end as route_code
    from experimental_ranks

),

final as (

    select
        *,
        case route_code
            when 'CS_ONLY_USABLE' then 'ROUTE_CROSS_SECTIONAL'
            when 'LOCAL_ONLY_USABLE' then 'ROUTE_SYMBOL_SPECIFIC'
            when 'BOTH_USABLE' then '{{ both_route }}'
            when 'EXPERIMENTAL_LANE' then 'ROUTE_EXPERIMENTAL_ONLY'
            else 'ROUTE_BLOCKED'
        end as route
    from routed

)

select * from final
