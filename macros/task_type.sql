{#- Task type from a task_type text: containing CLASSIFICATION → classification, else regression. -#}
{% macro task_class_from_task_type(expr) -%}
    case
        when {{ expr }} is null then null
        when upper({{ expr }}) like '%CLASSIFICATION%' then 'classification'
        else 'regression'
    end
{%- endmacro %}


{#- The metric names of a task type (var `score_metrics`), sorted. -#}
{% macro metric_names_of(task_type) -%}
    {%- set names = [] -%}
    {%- for name, rule in var('score_metrics').items() | sort -%}
        {%- if rule['task_type'] == task_type -%}
            {%- do names.append(name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}


{#- Task type from a metric name (docs/ROUTING_RULES.md §3; var `score_metrics`); null for a metric it does not know. -#}
{% macro task_class_from_metric(expr) -%}
    case
        when lower({{ expr }}) in {{ sql_in_list(metric_names_of('classification')) }}
            then 'classification'
        when lower({{ expr }}) in {{ sql_in_list(metric_names_of('regression')) }}
            then 'regression'
    end
{%- endmacro %}


{#- The largest score magnitude accepted for any metric: a mean of a few scores stays finite. -#}
{% macro score_magnitude_max() %}1e300{% endmacro %}


{#-
    Why a score cannot be one of its metric (var `score_metrics`), or null. `metric` is
    the metric the score is in (null when unknown); a metric not listed takes the range
    of `task_type` (var `score_ranges_by_task_type`).
-#}
{% macro score_range_problem(score, metric, task_type) -%}
    {%- set metrics = var('score_metrics') -%}
    {%- set by_task_type = var('score_ranges_by_task_type') -%}
    coalesce(case
        {%- for name, rule in metrics.items() | sort %}
        when lower({{ metric }}) = '{{ name }}'
            then {{ _outside_range(score, rule['min_score'], rule['max_score'], "'the range of metric " ~ name ~ "'") }}
        {%- endfor %}
        {%- for name, rule in by_task_type.items() | sort %}
        when {{ task_type }} = '{{ name }}'
            then {{ _outside_range(score, rule['min_score'], rule['max_score'],
                                   "'the range of a " ~ name ~ " score' || coalesce(' (metric ' || "
                                   ~ metric ~ " || ' is not one the router knows)', ' (no metric_name given)')") }}
        {%- endfor %}
    end,
    {#- every score, whatever its metric: finite, but a mean of a few beyond this overflows -#}
    case
        when abs({{ score }}) > {{ score_magnitude_max() }}
            then 'score ' || cast({{ score }} as string) || ' is too large (beyond ±1e300, where a mean of scores overflows)'
    end)
{%- endmacro %}


{#-
    A cheap condition every score outside some range of var `score_metrics` (or
    `score_ranges_by_task_type`) meets: below the highest lower bound or above the lowest
    upper bound. Put in front of score_range_problem, it spares most rows the case
    expression (an AUC of 0.61 is in every range).
-#}
{% macro score_maybe_out_of_range(score) -%}
    {%- set lows = [] -%}
    {%- set highs = [] -%}
    {%- for rule in (var('score_metrics').values() | list) + (var('score_ranges_by_task_type').values() | list) -%}
        {%- if rule['min_score'] is not none -%}{%- do lows.append(rule['min_score']) -%}{%- endif -%}
        {%- if rule['max_score'] is not none -%}{%- do highs.append(rule['max_score']) -%}{%- endif -%}
    {%- endfor -%}
    ({% if lows %}{{ score }} < {{ lows | max }} or {% endif %}{% if highs %}{{ score }} > {{ highs | min }} or {% endif -%}
        abs({{ score }}) > {{ score_magnitude_max() }})
{%- endmacro %}


{% macro _outside_range(score, low, high, what) -%}
    {%- if low is none and high is none -%}
        null
    {%- else -%}
        case
            when
                {%- if low is not none %} {{ score }} < {{ low }}{% endif %}
                {%- if low is not none and high is not none %} or{% endif %}
                {%- if high is not none %} {{ score }} > {{ high }}{% endif %}
                then 'score ' || cast({{ score }} as string) || ' is outside {{ _range_text(low, high) }}, ' || {{ what }}
        end
    {%- endif -%}
{%- endmacro %}


{% macro _range_text(low, high) -%}
    {%- if low is none -%}(-∞, {{ high }}]
    {%- elif high is none -%}[{{ low }}, +∞)
    {%- else -%}[{{ low }}, {{ high }}]
    {%- endif -%}
{%- endmacro %}
