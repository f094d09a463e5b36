-- One routing decision per (target, symbol) pair, with everything that led to
-- it: both lane states, scores, sample sizes, stabilities, leakage statuses,
-- task type, horizon tier, the thresholds applied, machine-readable
-- reason_codes and human-readable reasons (ROUTING_SPEC.md §6, §8).

{%- set routing = cfg('routing') %}

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

codes_unnested as (

    select
        target_name,
        symbol,
        {{ unnest_with_position('reason_codes', 'reason_code', 'reason_position') }}
    from coded

),

codes_explained as (

    select
        codes_unnested.target_name,
        codes_unnested.symbol,
        codes_unnested.reason_position,
        reason_catalogue.reason_text || coalesce(' ' || case codes_unnested.reason_code
            when 'CS_STRONG' then '(' || {{ reason_number('coded.cs_score') }} || ' >= '
                || {{ reason_number('coded.cs_strong_score') }} || ', ' || coded.cs_stability || ')'
            when 'CS_WEAK_BUT_OK' then '(' || {{ reason_number('coded.cs_score') }} || ' >= '
                || {{ reason_number('coded.cs_min_score') }} || ', ' || coded.cs_stability || ')'
            when 'CS_EXPERIMENTAL' then '(' || {{ reason_number('coded.cs_score') }} || ' >= '
                || {{ reason_number('coded.experimental_min_score') }} || ', ' || coded.cs_stability || ')'
            when 'CS_SAMPLE_TOO_SMALL' then '(' || coded.cs_sample_size || ' < ' || coded.cs_min_sample_size || ')'
            when 'CS_FAMILIES_FAILED' then '(' || coded.cs_successful_families || ' < '
                || {{ routing['require_min_successful_families'] }} || ')'
            when 'CS_SCORE_TOO_LOW' then '(' || {{ reason_number('coded.cs_score') }} || ' < '
                || {{ reason_number('coded.cs_min_score') }} || ')'
            when 'CS_STABILITY_NOT_ALLOWED' then '(' || coded.cs_stability || ' not in '
                || {{ sql_string(routing['stability_allowlist']['cross_sectional'] | join(', ')) }} || ')'
            when 'LOCAL_STRONG' then '(' || {{ reason_number('coded.local_score') }} || ' >= '
                || {{ reason_number('coded.symbol_strong_score') }} || ', ' || coded.local_stability || ')'
            when 'LOCAL_WEAK_BUT_OK' then '(' || {{ reason_number('coded.local_score') }} || ' >= '
                || {{ reason_number('coded.symbol_min_score') }} || ', ' || coded.local_stability || ')'
            when 'LOCAL_EXPERIMENTAL' then '(' || {{ reason_number('coded.local_score') }} || ' >= '
                || {{ reason_number('coded.experimental_min_score') }} || ', ' || coded.local_stability || ')'
            when 'LOCAL_SAMPLE_TOO_SMALL' then '(' || coded.local_sample_size || ' < ' || coded.local_min_sample_size || ')'
            when 'LOCAL_FAMILIES_FAILED' then '(' || coded.local_successful_families || ' < '
                || {{ routing['require_min_successful_families'] }} || ')'
            when 'LOCAL_SCORE_TOO_LOW' then '(' || {{ reason_number('coded.local_score') }} || ' < '
                || {{ reason_number('coded.symbol_min_score') }} || ')'
            when 'LOCAL_STABILITY_NOT_ALLOWED' then '(' || coded.local_stability || ' not in '
                || {{ sql_string(routing['stability_allowlist']['symbol'] | join(', ')) }} || ')'
            when 'LEAKAGE_TARGET' then '(target leakage BLOCKED)'
            when 'LEAKAGE_SYMBOL' then '(symbol leakage BLOCKED)'
            when 'EXPERIMENTAL_LANE' then '(rank ' || coded.experimental_rank || ' of cap ' || coded.experimental_cap || ')'
            when 'EXPERIMENTAL_CAP' then '(rank ' || coded.experimental_rank || ' > cap ' || coded.experimental_cap || ')'
            when 'LEAKAGE_SUSPECT' then '(target ' || coded.target_leakage_status
                || ', symbol ' || coded.symbol_leakage_status || ')'
        end, '') as reason
    from codes_unnested
    inner join coded
        on
            codes_unnested.target_name = coded.target_name
            and codes_unnested.symbol = coded.symbol
    left join reason_catalogue
        on codes_unnested.reason_code = reason_catalogue.reason_code

),

reasons as (

    select
        target_name,
        symbol,
        {{ ordered_list_agg('reason', 'reason_position') }} as reasons
    from codes_explained
    group by target_name, symbol

),

final as (

    select
        coded.target_name,
        coded.symbol,
        coded.route,
        coded.route_code,
        coded.primary_reason_code,
        coded.cs_state,
        coded.local_state,
        coded.cs_score,
        coded.local_score,
        coded.cs_sample_size,
        coded.local_sample_size,
        coded.cs_successful_families,
        coded.local_successful_families,
        coded.local_failed_model_families,
        coded.cs_stability,
        coded.local_stability,
        coded.cs_source,
        coded.target_leakage_status,
        coded.symbol_leakage_status,
        coded.task_type,
        coded.metric_name,
        coded.horizon_minutes,
        coded.horizon_tier,
        coded.cs_min_score,
        coded.cs_strong_score,
        coded.symbol_min_score,
        coded.symbol_strong_score,
        coded.experimental_min_score,
        coded.cs_min_sample_size,
        coded.local_min_sample_size,
        coded.experimental_score,
        coded.experimental_rank,
        coded.experimental_cap,
        coded.reason_codes,
        reasons.reasons
    from coded
    inner join reasons
        on
            coded.target_name = reasons.target_name
            and coded.symbol = reasons.symbol

)

select * from final
