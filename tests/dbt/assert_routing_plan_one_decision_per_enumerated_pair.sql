-- Every enumerated (target, symbol) pair has exactly one decision in
-- routing_plan, and routing_plan has no other pair (docs/ROUTING_RULES.md §6,
-- "Universe"). The pairs are re-enumerated here from the inputs: the symbols
-- of each selected target's model_metadata.json, or, when var `symbols` names
-- any, exactly those symbols for every selected target.
-- Returns one row per offending pair.

{%- set selected_symbols = run_var('symbols', []) or [] %}

with

targets as (

    select target_name from {{ ref('int_targets_selected') }}

),

enumerated_pairs as (

    {%- if selected_symbols | length > 0 %}

    select distinct
        targets.target_name,
        named_symbols.symbol
    from targets
    cross join (
        {%- for symbol in selected_symbols | unique %}
        select {{ sql_string(symbol) }} as symbol{{ ' union all' if not loop.last }}
        {%- endfor %}
    ) as named_symbols

    {%- else %}

    select distinct
        entries.target_name,
        entries.symbol
    from {{ ref('int_model_metadata_loaded') }} as entries
    inner join targets
        on entries.target_name = targets.target_name
    where entries.problem is null

    {%- endif %}

),

decisions as (

    select
        target_name,
        symbol,
        count(*) as n_decisions
    from {{ ref('routing_plan') }}
    group by target_name, symbol

),

compared as (

    select
        coalesce(enumerated_pairs.target_name, decisions.target_name) as target_name,
        coalesce(enumerated_pairs.symbol, decisions.symbol) as symbol,
        enumerated_pairs.target_name is not null as is_enumerated,
        coalesce(decisions.n_decisions, 0) as n_decisions
    from enumerated_pairs
    full outer join decisions
        on
            enumerated_pairs.target_name = decisions.target_name
            and enumerated_pairs.symbol = decisions.symbol

)

select *
from compared
where not is_enumerated or n_decisions <> 1
