-- Per target, the number of ROUTE_EXPERIMENTAL_ONLY decisions is at most the
-- cap, recomputed here from the config (docs/ROUTING_RULES.md §6, rule 5):
-- 0 when the experimental lane is off or the fraction is 0, else
-- max(1, floor(fraction × decisions for the target)), blocked pairs included.
-- Returns one row per target over its cap.

{%- set enabled = cfg('routing.enable_experimental_lane') %}
{%- set fraction = cfg('routing.experimental.max_fraction_symbols_per_target') %}

with

per_target as (

    select
        target_name,
        count(*) as n_decisions,
        count(*) filter (where route = 'ROUTE_EXPERIMENTAL_ONLY') as n_experimental
    from {{ ref('routing_plan') }}
    group by target_name

),

capped as (

    select
        *,
        {%- if not enabled or fraction == 0 %}
        0 as expected_cap
        {%- else %}
        greatest(1, cast(floor({{ sql_number(fraction) }} * n_decisions) as bigint)) as expected_cap
        {%- endif %}
    from per_target

)

select *
from capped
where n_experimental > expected_cap
