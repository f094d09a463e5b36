{#- Task type from a task_type text: containing CLASSIFICATION → classification, else regression. -#}
{% macro task_class_from_task_type(expr) -%}
    case
        when {{ expr }} is null then null
        when upper({{ expr }}) like '%CLASSIFICATION%' then 'classification'
        else 'regression'
    end
{%- endmacro %}


{#- Task type from a metric name (ROUTING_SPEC.md §3); null for a metric it does not know. -#}
{% macro task_class_from_metric(expr) -%}
    case
        when lower({{ expr }}) in {{ sql_in_list(['auc', 'roc_auc', 'pr_auc', 'accuracy', 'f1', 'logloss']) }}
            then 'classification'
        when lower({{ expr }}) in {{ sql_in_list(['r2', 'rmse', 'mae', 'ic']) }}
            then 'regression'
    end
{%- endmacro %}
