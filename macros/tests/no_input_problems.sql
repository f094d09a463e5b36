{#-
    Generic test: the model lists input problems, one row each; every row is a
    failure. Put on int_input_problems_collected, it is what stops `dbt build`
    on bad input (docs/ROUTING_RULES.md §10): the routing models depend on that
    model, so a failure here skips them and no plan is written. The returned
    rows name the input kind, the file and the problem in plain words.
-#}
{% test no_input_problems(model, problem_column='problem') %}

{{ config(severity='error') }}

select *
from {{ model }}
where {{ problem_column }} is not null

{% endtest %}
