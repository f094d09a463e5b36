-- With routing.block_on_leakage, a pair whose target or symbol leakage status
-- is BLOCKED (read from the leakage input, not from routing_plan's own
-- columns) is ROUTE_BLOCKED and carries LEAKAGE_TARGET / LEAKAGE_SYMBOL
-- (docs/ROUTING_RULES.md §6, rule 1). Without block_on_leakage those codes never
-- appear. Returns one row per offending decision.

{%- set block_on_leakage = cfg('routing.block_on_leakage') %}

with

leakage as (

    select * from {{ ref('int_leakage_loaded') }}
    where problem is null

),

symbol_leakage as (

    select
        entries.target_name,
        entries.entry.name as symbol,
        entries.entry.status as symbol_leakage_status
    from (
        select
            target_name,
            {{ unnest_list('symbol_statuses') }} as entry
        from leakage
    ) as entries

),

decisions as (

    select
        routing_plan.target_name,
        routing_plan.symbol,
        routing_plan.route,
        routing_plan.reason_codes,
        coalesce(leakage.target_leakage_status, 'UNKNOWN') = 'BLOCKED' as is_target_blocked,
        coalesce(symbol_leakage.symbol_leakage_status, 'UNKNOWN') = 'BLOCKED' as is_symbol_blocked
    from {{ ref('routing_plan') }} as routing_plan
    left join leakage
        on routing_plan.target_name = leakage.target_name
    left join symbol_leakage
        on
            routing_plan.target_name = symbol_leakage.target_name
            and routing_plan.symbol = symbol_leakage.symbol

)

-- (layout: one of two Jinja-chosen conditions; sqlfluff cannot indent both renderings at once)
-- noqa: disable=LT02
select *
from decisions
where
    {%- if block_on_leakage %}
    (
        (is_target_blocked or is_symbol_blocked)
        and route <> 'ROUTE_BLOCKED'
    )
    or (is_target_blocked and not {{ list_has('reason_codes', "'LEAKAGE_TARGET'") }})
    or (is_symbol_blocked and not {{ list_has('reason_codes', "'LEAKAGE_SYMBOL'") }})
    or (not is_target_blocked and {{ list_has('reason_codes', "'LEAKAGE_TARGET'") }})
    or (not is_symbol_blocked and {{ list_has('reason_codes', "'LEAKAGE_SYMBOL'") }})
    {%- else %}
    {{ list_has('reason_codes', "'LEAKAGE_TARGET'") }}
    or {{ list_has('reason_codes', "'LEAKAGE_SYMBOL'") }}
    {%- endif %}
