{#-
    Generic test: none of the listed columns is null. One query per model
    instead of one `not_null` test per column: the same assertion, a fraction
    of dbt's per-test overhead (a build has hundreds of such checks). Returns
    the offending rows with the names of their null columns.
-#}
{% test not_null_columns(model, columns) %}

{%- set null_checks = [] %}
{%- for c in columns %}
    {%- do null_checks.append("case when " ~ adapter.quote(c) ~ " is null then '" ~ c ~ "' end") %}
{%- endfor %}

select
    *,
    {{ compact_list(null_checks) }} as null_columns
from {{ model }}
where
    {%- for c in columns %}
    {{ adapter.quote(c) }} is null{{ " or" if not loop.last }}
    {%- endfor %}

{% endtest %}
