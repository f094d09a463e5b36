{#- A list of the non-null values among `items` (SQL expressions), in order. -#}
{% macro compact_list(items) %}{{ return(adapter.dispatch('compact_list', 'training_router')(items)) }}{% endmacro %}
{% macro default__compact_list(items) %}{{ _not_ported('compact_list') }}{% endmacro %}
{% macro duckdb__compact_list(items) -%}
    list_filter([{{ items | join(', ') }}], lambda item: item is not null)
{%- endmacro %}


{#- true when the list holds the value -#}
{% macro list_has(list_expr, value_expr) %}{{ return(adapter.dispatch('list_has', 'training_router')(list_expr, value_expr)) }}{% endmacro %}
{% macro default__list_has(list_expr, value_expr) %}{{ _not_ported('list_has') }}{% endmacro %}
{% macro duckdb__list_has(list_expr, value_expr) %}list_contains({{ list_expr }}, {{ value_expr }}){% endmacro %}


{#- Aggregate: the distinct non-null values of a column as a sorted list -#}
{% macro sorted_list_agg(expr) %}{{ return(adapter.dispatch('sorted_list_agg', 'training_router')(expr)) }}{% endmacro %}
{% macro default__sorted_list_agg(expr) %}{{ _not_ported('sorted_list_agg') }}{% endmacro %}
{% macro duckdb__sorted_list_agg(expr) -%}
    coalesce(list_sort(list_distinct(list({{ expr }}))), cast([] as varchar[]))
{%- endmacro %}


{#- Aggregate: values as a list in the given order -#}
{% macro ordered_list_agg(expr, order_by) %}{{ return(adapter.dispatch('ordered_list_agg', 'training_router')(expr, order_by)) }}{% endmacro %}
{% macro default__ordered_list_agg(expr, order_by) %}{{ _not_ported('ordered_list_agg') }}{% endmacro %}
{% macro duckdb__ordered_list_agg(expr, order_by) -%}
    list({{ expr }} order by {{ order_by }})
{%- endmacro %}


{#- A number for a human-readable reason: rounded to 4 decimals -#}
{% macro reason_number(expr) -%}
    coalesce(cast(round({{ expr }}, 4) as varchar), 'none')
{%- endmacro %}


{#- In a select list: the elements of a list with their 1-based positions, one row each -#}
{% macro unnest_with_position(list_expr, value_alias, position_alias) %}{{ return(adapter.dispatch('unnest_with_position', 'training_router')(list_expr, value_alias, position_alias)) }}{% endmacro %}
{% macro default__unnest_with_position(list_expr, value_alias, position_alias) %}{{ _not_ported('unnest_with_position') }}{% endmacro %}
{% macro duckdb__unnest_with_position(list_expr, value_alias, position_alias) -%}
    unnest({{ list_expr }}) as {{ value_alias }},
    generate_subscripts({{ list_expr }}, 1) as {{ position_alias }}
{%- endmacro %}


{#- The first element of a list (null when empty) -#}
{% macro list_first(expr) %}{{ return(adapter.dispatch('list_first', 'training_router')(expr)) }}{% endmacro %}
{% macro default__list_first(expr) %}{{ _not_ported('list_first') }}{% endmacro %}
{% macro duckdb__list_first(expr) %}({{ expr }})[1]{% endmacro %}


{#- The concatenation of several lists -#}
{% macro list_concat_all(lists) %}{{ return(adapter.dispatch('list_concat_all', 'training_router')(lists)) }}{% endmacro %}
{% macro default__list_concat_all(lists) %}{{ _not_ported('list_concat_all') }}{% endmacro %}
{% macro duckdb__list_concat_all(lists) %}list_concat({{ lists | join(', ') }}){% endmacro %}


{#- Each element of a list turned by an expression of `element` (which may also read the row's columns) -#}
{% macro list_map(list_expr, element, expr) %}{{ return(adapter.dispatch('list_map', 'training_router')(list_expr, element, expr)) }}{% endmacro %}
{% macro default__list_map(list_expr, element, expr) %}{{ _not_ported('list_map') }}{% endmacro %}
{% macro duckdb__list_map(list_expr, element, expr) -%}
    list_transform({{ list_expr }}, lambda {{ element }}: {{ expr }})
{%- endmacro %}


{#- Aggregate: a lookup table of key → value as one value (keys unique), read with map_value -#}
{% macro map_agg(key_expr, value_expr) %}{{ return(adapter.dispatch('map_agg', 'training_router')(key_expr, value_expr)) }}{% endmacro %}
{% macro default__map_agg(key_expr, value_expr) %}{{ _not_ported('map_agg') }}{% endmacro %}
{% macro duckdb__map_agg(key_expr, value_expr) -%}
    map_from_entries(list({'key': {{ key_expr }}, 'value': {{ value_expr }}}))
{%- endmacro %}


{#- The value of a key in a map_agg lookup; null when the key is absent -#}
{% macro map_value(map_expr, key_expr) %}{{ return(adapter.dispatch('map_value', 'training_router')(map_expr, key_expr)) }}{% endmacro %}
{% macro default__map_value(map_expr, key_expr) %}{{ _not_ported('map_value') }}{% endmacro %}
{% macro duckdb__map_value(map_expr, key_expr) %}map_extract_value({{ map_expr }}, {{ key_expr }}){% endmacro %}
