{#
    Aggregates whose result must not depend on the engine or on the order in which rows
    are summed (Spark sums per partition, then merges; a double sum's last digits change
    with the partitioning). The values are taken as integers of a fixed unit (half away
    from zero, which both engines' round() does for a double), summed exactly as
    DECIMAL(38, 0), and rounded to 12 decimals in integer arithmetic; only the last
    steps are IEEE double operations, which give the same bits everywhere.
#}

{#- Mean rounded to 12 decimals (null when no value): values in units of 1e-15 -#}
{% macro exact_mean_12(expr) -%}
    (cast(
        case when sum(cast(round({{ expr }} * 1e15) as decimal(38, 0))) < 0 then -1 else 1 end
        * {{ integer_div(
            'abs(sum(cast(round(' ~ expr ~ ' * 1e15) as decimal(38, 0)))) + count(' ~ expr ~ ') * 500',
            'count(' ~ expr ~ ') * 1000'
        ) }}
    as double) / 1e12)
{%- endmacro %}


{#- Population standard deviation rounded to 12 decimals: values in units of 1e-12,
    n * sum(x^2) - sum(x)^2 exact, then one square root of its (exactly parsed) double -#}
{% macro exact_stddev_pop_12(expr) -%}
    {%- set x = 'cast(round(' ~ expr ~ ' * 1e12) as decimal(38, 0))' -%}
    {%- set n = 'count(' ~ expr ~ ')' -%}
    (round(
        sqrt(cast(cast({{ n }} * sum({{ x }} * {{ x }}) - sum({{ x }}) * sum({{ x }}) as string) as double))
            / {{ n }}
    ) / 1e12)
{%- endmacro %}


{#- Integer division of non-negative integers, truncated -#}
{% macro integer_div(numerator, denominator) %}{{ return(adapter.dispatch('integer_div', 'training_router')(numerator, denominator)) }}{% endmacro %}
{% macro default__integer_div(numerator, denominator) %}{{ _not_ported('integer_div') }}{% endmacro %}
{% macro duckdb__integer_div(numerator, denominator) %}(cast({{ numerator }} as hugeint) // cast({{ denominator }} as hugeint)){% endmacro %}
{% macro spark__integer_div(numerator, denominator) %}(({{ numerator }}) div ({{ denominator }})){% endmacro %}
