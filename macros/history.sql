{#
    The plan history (models/history): retention, and the one definition of a
    route change between two kept plans.
#}

{#- How many published plans the history keeps: var/env history_keep_plans, else history_defaults.keep_plans. -#}
{% macro history_keep_plans() %}
    {%- set keep = run_var('history_keep_plans', none) -%}
    {%- if keep is none or keep == '' -%}
        {%- set keep = var('history_defaults')['keep_plans'] -%}
    {%- endif -%}
    {%- if keep is not number or keep < 2 or keep != keep | int -%}
        {{ exceptions.raise_compiler_error("history_keep_plans must be a whole number >= 2, got " ~ keep) }}
    {%- endif -%}
    {{ return(keep | int) }}
{% endmacro %}


{#-
    The DuckDB table macro route_changes_between(plan_before, plan_after): the
    pairs whose route differs between two plans kept in routing_history, plus
    the pairs only one of them has (change_kind 'appeared': route_before null;
    'disappeared': route_after null). Created in the database by route_changes'
    pre-hook, so that route_changes, the CLI's --compare and a user's SQL share it:
        select * from route_changes_between('5c5d0e1f2a3b4c5d', '9a8b7c6d5e4f3a2b');
    The relation is named without its catalog: the file is opened under other names.
-#}
{% macro create_route_changes_macro() %}
    {%- set history = ref('routing_history').identifier %}
    create or replace macro route_changes_between(plan_before, plan_after) as table
    with
    before as (
        select * from {{ history }} where plan_id = plan_before
    ),
    after as (
        select * from {{ history }} where plan_id = plan_after
    ),
    paired as (
        select
            coalesce(after.target_name, before.target_name) as target_name,
            coalesce(after.symbol, before.symbol) as symbol,
            case
                when before.route is null then 'appeared'
                when after.route is null then 'disappeared'
                else 'changed'
            end as change_kind,
            before.route as route_before,
            after.route as route_after,
            before.reason_codes as reason_codes_before,
            after.reason_codes as reason_codes_after,
            before.primary_reason_code as primary_reason_code_before,
            after.primary_reason_code as primary_reason_code_after,
            before.cs_state as cs_state_before,
            after.cs_state as cs_state_after,
            before.local_state as local_state_before,
            after.local_state as local_state_after,
            before.reasons as reasons_before,
            after.reasons as reasons_after
        from before
        full outer join after
            on before.target_name = after.target_name and before.symbol = after.symbol
        where before.route is distinct from after.route
    )
    select plan_before as previous_plan_id, plan_after as plan_id, * from paired
{% endmacro %}
