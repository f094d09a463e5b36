{#
    Engine-specific SQL of the plan identity and history models (see json.sql for
    the dispatch pattern). The history models themselves are DuckDB-only (disabled on other targets; after a
    Spark build the CLI runs them on the DuckDB copy, python/training_router/spark_engine.py).
#}

{#- hex sha256 of the rows' texts concatenated in the order of `order_by` ('' when there are none) -#}
{% macro ordered_text_sha256(expr, order_by) %}{{ return(adapter.dispatch('ordered_text_sha256', 'training_router')(expr, order_by)) }}{% endmacro %}
{% macro default__ordered_text_sha256(expr, order_by) %}{{ _not_ported('ordered_text_sha256') }}{% endmacro %}
{% macro duckdb__ordered_text_sha256(expr, order_by) %}sha256(coalesce(string_agg({{ expr }}, '' order by {{ order_by }}), '')){% endmacro %}
{% macro spark__ordered_text_sha256(expr, order_by) -%}
    {#- collect_list has no order: sort structs whose first fields are the order_by columns -#}
    sha2(array_join(transform(
        array_sort(collect_list(struct(
            {%- for column in order_by.split(',') %}{{ column | trim }} as o{{ loop.index }}, {% endfor %}{{ expr }} as v))),
        s -> s.v), ''), 256)
{%- endmacro %}


{#- hex sha256 of one text -#}
{% macro text_sha256(expr) %}{{ return(adapter.dispatch('text_sha256', 'training_router')(expr)) }}{% endmacro %}
{% macro default__text_sha256(expr) %}{{ _not_ported('text_sha256') }}{% endmacro %}
{% macro duckdb__text_sha256(expr) %}sha256({{ expr }}){% endmacro %}
{% macro spark__text_sha256(expr) %}sha2({{ expr }}, 256){% endmacro %}


{#- the time of the build as ISO 8601 text in UTC, e.g. 2026-11-29T23:59:00Z -#}
{% macro utc_now_iso() %}{{ return(adapter.dispatch('utc_now_iso', 'training_router')()) }}{% endmacro %}
{% macro default__utc_now_iso() %}{{ _not_ported('utc_now_iso') }}{% endmacro %}
{% macro duckdb__utc_now_iso() %}strftime(now() at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ'){% endmacro %}
{% macro spark__utc_now_iso() %}date_format(current_timestamp(), "yyyy-MM-dd'T'HH:mm:ss'Z'"){% endmacro %}
