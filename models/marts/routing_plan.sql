-- One routing decision per (target, symbol) pair, with everything that led to
-- it: both lane states, scores, sample sizes, stabilities, leakage statuses,
-- task type, horizon tier, the thresholds applied, machine-readable
-- reason_codes and human-readable reasons (docs/ROUTING_RULES.md §6, §8).
-- noqa: disable=LT02
-- (layout: Jinja loops here emit one column or CASE branch per route / lane with a
-- trailing comma from `loop.last`; sqlfluff cannot indent both renderings at once)

{%- set routing = cfg('routing') %}
{#- the two lanes' reason codes (CS_*, LOCAL_*) explain themselves the same way, each with its own columns -#}
{%- set lanes = [
    {'code': 'CS', 'score': 'cs_score', 'stability': 'cs_stability', 'min_score': 'cs_min_score',
     'strong_score': 'cs_strong_score', 'sample_size': 'cs_sample_size', 'min_sample_size': 'cs_min_sample_size',
     'families': 'cs_successful_families', 'allowlist': 'cross_sectional'},
    {'code': 'LOCAL', 'score': 'local_score', 'stability': 'local_stability', 'min_score': 'local_min_score',
     'strong_score': 'local_strong_score', 'sample_size': 'local_sample_size', 'min_sample_size': 'local_min_sample_size',
     'families': 'local_successful_families', 'allowlist': 'symbol'},
] %}

with

decisions as (

    select * from {{ ref('int_pairs_routed') }}

),

reason_catalogue as (

    select * from {{ ref('reason_codes') }}

),

coded as (

    select
        *,
        {{ list_concat_all([
            compact_list([
                "case when is_target_leakage_blocked then 'LEAKAGE_TARGET' end",
                "case when is_symbol_leakage_blocked then 'LEAKAGE_SYMBOL' end",
                "case when is_cs_short_of_data and is_local_short_of_data then 'INSUFFICIENT_DATA' end",
                "case when route_code <> 'HARD_BLOCK' then route_code end",
            ]),
            'cs_reason_codes',
            'local_reason_codes',
            compact_list([
                "case when 'SUSPECT' in (target_leakage_status, symbol_leakage_status) then 'LEAKAGE_SUSPECT' end",
            ]),
        ]) }} as reason_codes,
        case route_code
            when 'HARD_BLOCK' then case
                when is_target_leakage_blocked then 'LEAKAGE_TARGET'
                when is_symbol_leakage_blocked then 'LEAKAGE_SYMBOL'
                else 'INSUFFICIENT_DATA'
            end
            when 'CS_ONLY_USABLE' then {{ list_first('local_reason_codes') }}
            when 'LOCAL_ONLY_USABLE' then {{ list_first('cs_reason_codes') }}
            when 'BOTH_USABLE' then {{ list_first('local_reason_codes') }}
            when 'EXPERIMENTAL_LANE' then
                case when local_state = 'EXPERIMENTAL' then 'LOCAL_EXPERIMENTAL' else 'CS_EXPERIMENTAL' end
            else route_code
        end as primary_reason_code
    from decisions

),

catalogue_as_map as (

    select {{ map_agg('reason_code', 'reason_text') }} as reason_text_by_code
    from reason_catalogue

),

explained as (

    -- each reason code with its catalogue text and the figures behind it, in code order
    {%- set reason_of_code %}
        {{ map_value('reason_catalogue.reason_text_by_code', 'reason_code') }} || coalesce(' ' || case reason_code
            {%- for lane in lanes %}
            when '{{ lane.code }}_STRONG' then '(' || {{ reason_number(lane.score) }} || ' >= '
                || {{ reason_number(lane.strong_score) }} || ', ' || {{ lane.stability }} || ')'
            when '{{ lane.code }}_WEAK_BUT_OK' then '(' || {{ reason_number(lane.score) }} || ' >= '
                || {{ reason_number(lane.min_score) }} || ', ' || {{ lane.stability }} || ')'
            when '{{ lane.code }}_EXPERIMENTAL' then '(' || {{ reason_number(lane.score) }} || ' >= '
                || {{ reason_number('experimental_min_score') }} || ', ' || {{ lane.stability }} || ')'
            when '{{ lane.code }}_SAMPLE_TOO_SMALL' then '(' || {{ lane.sample_size }} || ' < ' || {{ lane.min_sample_size }} || ')'
            when '{{ lane.code }}_FAMILIES_FAILED' then '(' || {{ lane.families }} || ' < '
                || {{ routing['require_min_successful_families'] }} || ')'
            when '{{ lane.code }}_SCORE_TOO_LOW' then '(' || {{ reason_number(lane.score) }} || ' < '
                || {{ reason_number(lane.min_score) }} || ')'
            when '{{ lane.code }}_STABILITY_NOT_ALLOWED' then '(' || {{ lane.stability }} || ' not in '
                || {{ sql_string(routing['stability_allowlist'][lane.allowlist] | join(', ')) }} || ')'
            {%- endfor %}
            when 'LEAKAGE_TARGET' then '(target leakage BLOCKED)'
            when 'LEAKAGE_SYMBOL' then '(symbol leakage BLOCKED)'
            when 'EXPERIMENTAL_LANE' then '(rank ' || experimental_rank || ' of cap ' || experimental_cap || ')'
            when 'EXPERIMENTAL_CAP' then '(rank ' || experimental_rank || ' > cap ' || experimental_cap || ')'
            when 'LEAKAGE_SUSPECT' then '(target ' || target_leakage_status
                || ', symbol ' || symbol_leakage_status || ')'
        end, '')
    {%- endset %}
    select
        coded.*,
        {{ list_map('coded.reason_codes', 'reason_code', reason_of_code) }} as reasons
    from coded
    cross join catalogue_as_map as reason_catalogue

),

described as (

    -- one sentence per lane (its first reason's catalogue text and its figures) and
    -- per pair (the route, the route's own reason when it blocks or is experimental,
    -- then both lanes): the `reason` of the pair's training job (docs/ROUTING_RULES.md §7)
    select
        explained.*,
        coalesce({{ map_value('reason_catalogue.reason_text_by_code', 'primary_reason_code') }}, explained.primary_reason_code)
            as primary_reason,
        {%- for lane in lanes %}
        {{ map_value('reason_catalogue.reason_text_by_code', list_first(lane.code | lower ~ '_reason_codes')) }}
            || coalesce(' (' || concat_ws(', ',
                case when {{ lane.score }} is not null
                    then coalesce(explained.metric_name, 'score') || ' ' || {{ reason_number(lane.score) }} end,
                {{ lane.stability }},
                cast({{ lane.sample_size }} as string) || ' rows'
            ) || ')', '') as {{ lane.code | lower }}_lane_reason{{ ',' if not loop.last }}
        {%- endfor %}
    from explained
    cross join catalogue_as_map as reason_catalogue

),

final as (

    select
        target_name,
        symbol,
        route,
        route_code,
        primary_reason_code,
        cs_state,
        local_state,
        cs_score,
        local_score,
        cs_sample_size,
        local_sample_size,
        cs_successful_families,
        local_successful_families,
        local_failed_model_families,
        cs_stability,
        local_stability,
        cs_source,
        target_leakage_status,
        symbol_leakage_status,
        task_type,
        metric_name,
        horizon_minutes,
        horizon_tier,
        cs_min_score,
        cs_strong_score,
        local_min_score,
        local_strong_score,
        experimental_min_score,
        cs_min_sample_size,
        local_min_sample_size,
        experimental_score,
        experimental_rank,
        experimental_cap,
        reason_codes,
        reasons,
        primary_reason,
        cs_lane_reason,
        local_lane_reason,
        route
            || ': '
            || case when route in ('ROUTE_BLOCKED', 'ROUTE_EXPERIMENTAL_ONLY') then {{ list_first('reasons') }} || '; ' else '' end
            || cs_lane_reason || ', ' || local_lane_reason as route_reason
    from described

)

select * from final
