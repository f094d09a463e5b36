{#
    Render config values and user-supplied names as SQL literals. Names are data:
    every string goes through `sql_string`, which doubles single quotes, so a
    target called  o'brien; drop table x  stays a string.
#}

{% macro sql_string(value) -%}
    {%- if target.type == 'spark' -%}
    {#- Spark SQL reads backslash escapes in string literals: keep a backslash a backslash -#}
    '{{ value | string | replace("\\", "\\\\") | replace("'", "''") }}'
    {%- else -%}
    '{{ value | string | replace("'", "''") }}'
    {%- endif -%}
{%- endmacro %}


{% macro sql_number(value) -%}
    {%- if value is boolean or value is not number -%}
        {{ exceptions.raise_compiler_error("expected a number in the routing config, got " ~ value) }}
    {%- endif -%}
    cast({{ value }} as double)
{%- endmacro %}


{% macro sql_boolean(value) -%}
    {{ 'true' if value else 'false' }}
{%- endmacro %}


{#- A list of strings as a parenthesised IN-list; an empty list matches nothing. -#}
{% macro sql_in_list(values) -%}
    {%- if values | length == 0 -%}
        (null)
    {%- else -%}
        ({% for v in values %}{{ sql_string(v) }}{{ ", " if not loop.last }}{% endfor %})
    {%- endif -%}
{%- endmacro %}


{#- A list of strings as a SQL list literal (typed, so an empty list still has a type). -#}
{% macro sql_string_list(values) -%}
    {{ text_list_of(values | map('string') | list) }}
{%- endmacro %}


{#-
    A score threshold from the config as a SQL expression over the target's task
    type and horizon tier. The threshold is a number, or
    {classification: x, regression: y} where y is a number or
    {default, short, medium, long, very_long}.
-#}
{% macro threshold_expression(spec, task_type_column, horizon_tier_column) -%}
    {%- if spec is mapping -%}
        {%- set regression = spec['regression'] -%}
        case
            when {{ task_type_column }} = 'classification'
                then {{ sql_number(spec['classification']) }}
            {%- if regression is mapping %}
                {%- for tier in ['short', 'medium', 'long', 'very_long'] %}
            when {{ horizon_tier_column }} = '{{ tier }}'
                then {{ sql_number(regression[tier]) }}
                {%- endfor %}
            else {{ sql_number(regression['default']) }}
            {%- else %}
            else {{ sql_number(regression) }}
            {%- endif %}
        end
    {%- else -%}
        {{ sql_number(spec) }}
    {%- endif -%}
{%- endmacro %}


{#- An enumeration of the plan (routes, lane states, stabilities, ...): the list written once in
    dbt_project.yml `vars.enums`; an unknown name stops the compile. -#}
{% macro enum_values(name) -%}
    {%- set enums = var('enums') -%}
    {%- if name not in enums -%}
        {{ exceptions.raise_compiler_error("unknown enumeration '" ~ name ~ "' (dbt_project.yml vars.enums)") }}
    {%- endif -%}
    {{ return(enums[name]) }}
{%- endmacro %}
