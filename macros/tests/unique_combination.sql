{#-
    Generic test: no two rows share the same values in `columns` (a compound
    grain). Returns one row per duplicated combination, with its row count.
    Null is treated as a value (rows that are null in the same columns count
    as duplicates); pair it with not_null on the columns that must be set.

        data_tests:
          - unique_combination:
              arguments:
                columns: [target_name, symbol]
-#}
{% test unique_combination(model, columns) %}

{%- if columns is string %}{% set columns = [columns] %}{% endif %}
{%- if columns | length == 0 %}
    {{ exceptions.raise_compiler_error("unique_combination: `columns` must name at least one column") }}
{%- endif %}

select
    {% for column in columns -%}
    {{ column }},
    {% endfor -%}
    count(*) as n_rows
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
