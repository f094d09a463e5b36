{#
    Engine-specific list and path functions, behind adapter.dispatch. DuckDB lists
    are 1-based and its lambdas use the `lambda x: ...` syntax (DuckDB 2.0).
#}

{#- The n-th path segment counted from the end (-1 = file name, -2 = its folder, ...) -#}
{% macro path_segment(expr, index_from_end) %}{{ return(adapter.dispatch('path_segment', 'training_router')(expr, index_from_end)) }}{% endmacro %}
{% macro default__path_segment(expr, index_from_end) %}{{ _not_ported('path_segment') }}{% endmacro %}
{% macro duckdb__path_segment(expr, index_from_end) %}string_split(replace({{ expr }}, '\', '/'), '/')[{{ index_from_end }}]{% endmacro %}


{% macro list_length(expr) %}{{ return(adapter.dispatch('list_length', 'training_router')(expr)) }}{% endmacro %}
{% macro default__list_length(expr) %}{{ _not_ported('list_length') }}{% endmacro %}
{% macro duckdb__list_length(expr) %}len({{ expr }}){% endmacro %}


{#- true when a list holds a value twice -#}
{% macro list_has_duplicates(expr) %}{{ return(adapter.dispatch('list_has_duplicates', 'training_router')(expr)) }}{% endmacro %}
{% macro default__list_has_duplicates(expr) %}{{ _not_ported('list_has_duplicates') }}{% endmacro %}
{% macro duckdb__list_has_duplicates(expr) %}(len(list_distinct({{ expr }})) <> list_aggregate({{ expr }}, 'count')){% endmacro %}


{#- true when a list holds a null -#}
{% macro list_has_nulls(expr) %}{{ return(adapter.dispatch('list_has_nulls', 'training_router')(expr)) }}{% endmacro %}
{% macro default__list_has_nulls(expr) %}{{ _not_ported('list_has_nulls') }}{% endmacro %}
{% macro duckdb__list_has_nulls(expr) %}(list_aggregate({{ expr }}, 'count') <> len({{ expr }})){% endmacro %}


{#- true when a list of doubles holds NaN or ±Infinity -#}
{% macro list_has_non_finite(expr) %}{{ return(adapter.dispatch('list_has_non_finite', 'training_router')(expr)) }}{% endmacro %}
{% macro default__list_has_non_finite(expr) %}{{ _not_ported('list_has_non_finite') }}{% endmacro %}
{% macro duckdb__list_has_non_finite(expr) %}(not isfinite(list_max({{ expr }})) or not isfinite(list_min({{ expr }}))){% endmacro %}


{% macro is_non_finite(expr) %}{{ return(adapter.dispatch('is_non_finite', 'training_router')(expr)) }}{% endmacro %}
{% macro default__is_non_finite(expr) %}{{ _not_ported('is_non_finite') }}{% endmacro %}
{% macro duckdb__is_non_finite(expr) %}(isnan({{ expr }}) or isinf({{ expr }})){% endmacro %}


{#-
    Features ranked by importance descending; ties keep list order. Without
    importances, the list order is the ranking.
-#}
{% macro ranked_features(features, importances) %}{{ return(adapter.dispatch('ranked_features', 'training_router')(features, importances)) }}{% endmacro %}
{% macro default__ranked_features(features, importances) %}{{ _not_ported('ranked_features') }}{% endmacro %}
{% macro duckdb__ranked_features(features, importances) -%}
    case
        when {{ importances }} is null then {{ features }}
        -- grade (sort the positions) by (-importance, position): ties keep list order
        else list_select(
            {{ features }},
            list_grade_up(list_transform({{ importances }}, lambda importance, position: {'n': -importance, 'i': position}))
        )
    end
{%- endmacro %}


{#- The first k elements of a list -#}
{% macro list_head(expr, k) %}{{ return(adapter.dispatch('list_head', 'training_router')(expr, k)) }}{% endmacro %}
{% macro default__list_head(expr, k) %}{{ _not_ported('list_head') }}{% endmacro %}
{% macro duckdb__list_head(expr, k) %}list_slice({{ expr }}, 1, {{ k }}){% endmacro %}


{#- Jaccard similarity of two lists taken as sets; null when both are empty -#}
{% macro jaccard_similarity(left, right) %}{{ return(adapter.dispatch('jaccard_similarity', 'training_router')(left, right)) }}{% endmacro %}
{% macro default__jaccard_similarity(left, right) %}{{ _not_ported('jaccard_similarity') }}{% endmacro %}
{% macro duckdb__jaccard_similarity(left, right) -%}
    (cast(len(list_intersect({{ left }}, {{ right }})) as double)
        / nullif(len(list_distinct(list_concat({{ left }}, {{ right }}))), 0))
{%- endmacro %}


{#-
    The positions in `right` of the names of `left` that `right` also holds, in
    `left` order: the input of a Kendall tau over the shared names.
-#}
{% macro shared_rank_positions(left, right) %}{{ return(adapter.dispatch('shared_rank_positions', 'training_router')(left, right)) }}{% endmacro %}
{% macro default__shared_rank_positions(left, right) %}{{ _not_ported('shared_rank_positions') }}{% endmacro %}
{% macro duckdb__shared_rank_positions(left, right) -%}
    list_filter(
        list_transform({{ left }}, lambda name: list_position({{ right }}, name)),
        lambda position: position is not null
    )
{%- endmacro %}


{#-
    Kendall tau of two rankings over their shared names, from the right-hand
    positions taken in left-hand order (see shared_rank_positions):
    (concordant - discordant) / (n (n - 1) / 2) = 1 - 4 * inversions / (n (n - 1)).
    Null when fewer than 3 names are shared.
-#}
{% macro kendall_tau_from_positions(positions) %}{{ return(adapter.dispatch('kendall_tau_from_positions', 'training_router')(positions)) }}{% endmacro %}
{% macro default__kendall_tau_from_positions(positions) %}{{ _not_ported('kendall_tau_from_positions') }}{% endmacro %}
{% macro duckdb__kendall_tau_from_positions(positions) -%}
    case
        when len({{ positions }}) >= 3
            then 1.0 - 4.0 * (
                case
                    -- inversions in one left-to-right pass: a 128-bit mask of the positions
                    -- seen so far; the set bits above x are the earlier, larger positions
                    when list_max({{ positions }}) <= 126
                        then list_reduce(
                            {{ positions }},
                            lambda acc, x: {'m': acc.m | (1::hugeint << x), 'c': acc.c + bit_count(acc.m >> x)},
                            {'m': 0::hugeint, 'c': 0::bigint}
                        ).c
                    else list_sum(list_transform(
                        {{ positions }},
                        lambda x, i: len(list_filter(list_slice({{ positions }}, i + 1, len({{ positions }})), lambda y: y < x))
                    ))
                end
            ) / (len({{ positions }}) * (len({{ positions }}) - 1))
    end
{%- endmacro %}


{#- The first struct(name, status) of a list whose status is null or not in `allowed` -#}
{% macro first_unlisted_status(entries, allowed) %}{{ return(adapter.dispatch('first_unlisted_status', 'training_router')(entries, allowed)) }}{% endmacro %}
{% macro default__first_unlisted_status(entries, allowed) %}{{ _not_ported('first_unlisted_status') }}{% endmacro %}
{% macro duckdb__first_unlisted_status(entries, allowed) -%}
    list_filter({{ entries }}, lambda e: e.status is null or e.status not in {{ sql_in_list(allowed) }})[1]
{%- endmacro %}


{#- Aggregate: an order-independent digest of a group's text values (md5 of the sorted values) -#}
{% macro text_set_digest(expr) %}{{ return(adapter.dispatch('text_set_digest', 'training_router')(expr)) }}{% endmacro %}
{% macro default__text_set_digest(expr) %}{{ _not_ported('text_set_digest') }}{% endmacro %}
{% macro duckdb__text_set_digest(expr) %}md5(string_agg({{ expr }}, chr(10) order by {{ expr }})){% endmacro %}


{#- A time given as microseconds since the Unix epoch, as a timestamp with time zone
    equal to what the engine's file reader reports as a file's modification time -#}
{% macro timestamptz_from_epoch_us(expr) %}{{ return(adapter.dispatch('timestamptz_from_epoch_us', 'training_router')(expr)) }}{% endmacro %}
{% macro default__timestamptz_from_epoch_us(expr) %}{{ _not_ported('timestamptz_from_epoch_us') }}{% endmacro %}
{% macro duckdb__timestamptz_from_epoch_us(expr) %}timezone('UTC', make_timestamp({{ expr }})){% endmacro %}


{#- Spark (dbt-spark): arrays are 1-based for element_at/slice, lambdas are `x -> ...` and
    transform's index is 0-based; ANSI mode raises on a bad index, hence try_element_at. -#}
{% macro spark__path_segment(expr, index_from_end) %}element_at(split(replace({{ expr }}, '\\', '/'), '/'), {{ index_from_end }}){% endmacro %}
{% macro spark__list_length(expr) %}size({{ expr }}){% endmacro %}
{% macro spark__list_has_duplicates(expr) -%}
    (size(array_distinct(filter({{ expr }}, e -> e is not null))) <> size(filter({{ expr }}, e -> e is not null)))
{%- endmacro %}
{% macro spark__list_has_nulls(expr) %}exists({{ expr }}, e -> e is null){% endmacro %}
{% macro spark__list_has_non_finite(expr) %}exists({{ expr }}, e -> isnan(e) or abs(e) = double('Infinity')){% endmacro %}
{% macro spark__is_non_finite(expr) %}(isnan({{ expr }}) or abs({{ expr }}) = double('Infinity')){% endmacro %}
{% macro spark__ranked_features(features, importances) -%}
    case
        when {{ importances }} is null then {{ features }}
        -- sort (-importance, position): ties keep list order
        else transform(
            array_sort(transform({{ features }}, (feature, i) -> named_struct(
                'n', -try_element_at({{ importances }}, i + 1), 'i', i, 'feature', feature))),
            s -> s.feature
        )
    end
{%- endmacro %}
{% macro spark__list_head(expr, k) %}slice({{ expr }}, 1, {{ k }}){% endmacro %}
{% macro spark__jaccard_similarity(left, right) -%}
    (cast(size(array_intersect({{ left }}, {{ right }})) as double)
        / nullif(size(array_union({{ left }}, {{ right }})), 0))
{%- endmacro %}
{% macro spark__shared_rank_positions(left, right) -%}
    filter(transform({{ left }}, name -> array_position({{ right }}, name)), position -> position > 0)
{%- endmacro %}
{% macro spark__kendall_tau_from_positions(positions) -%}
    case
        when size({{ positions }}) >= 3
            then cast(1 as double) - 4 * cast(aggregate(
                transform({{ positions }}, (x, i) -> size(filter(slice({{ positions }}, i + 2, size({{ positions }})), y -> y < x))),
                cast(0 as bigint),
                (acc, n) -> acc + n
            ) as double) / cast(size({{ positions }}) * (size({{ positions }}) - 1) as double)
    end
{%- endmacro %}
{% macro spark__first_unlisted_status(entries, allowed) -%}
    try_element_at(filter({{ entries }}, e -> e.status is null or e.status not in {{ sql_in_list(allowed) }}), 1)
{%- endmacro %}
{% macro spark__text_set_digest(expr) %}md5(array_join(array_sort(collect_list({{ expr }})), chr(10))){% endmacro %}
{% macro spark__timestamptz_from_epoch_us(expr) %}timestamp_micros({{ expr }}){% endmacro %}
