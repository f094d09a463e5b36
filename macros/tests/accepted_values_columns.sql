{#-
    Generic test: each listed column holds only its accepted values (nulls
    pass, as with dbt's accepted_values; pair with not_null_columns). One query
    per model instead of one test per column, the same assertion with a
    fraction of dbt's per-test overhead. Returns the offending rows with the
    names of the columns that are off. A column's values are a list, or the name
    of an enumeration of dbt_project.yml `vars.enums` (e.g. `route: routes`).
-#}
{% test accepted_values_columns(model, values_by_column) %}

{%- set checks = [] %}
{%- for column, accepted in values_by_column.items() %}
    {%- set values = enum_values(accepted) if accepted is string else accepted %}
    {%- do checks.append(
        "case when " ~ adapter.quote(column) ~ " not in " ~ sql_in_list(values) ~ " then '" ~ column ~ "' end"
    ) %}
{%- endfor %}

select *
from (
    select
        *,
        {{ compact_list(checks) }} as columns_off
    from {{ model }}
) as checked
where {{ list_length('columns_off') }} > 0

{% endtest %}
