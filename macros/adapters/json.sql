{#
    Engine-specific JSON handling, behind adapter.dispatch so that another dbt
    adapter only has to add `<adapter>__<macro>` implementations. The DuckDB
    versions parse the file text decoded from the bytes the sources read (read_blob), so that a
    malformed file becomes a reported problem instead of aborting the query.
#}

{% macro _not_ported(name) %}
    {{ exceptions.raise_compiler_error(
        "training_router: macro '" ~ name ~ "' has no implementation for adapter '"
        ~ adapter.type() ~ "'; add " ~ adapter.type() ~ "__" ~ name ~ " in macros/adapters/") }}
{% endmacro %}


{#- true when the text is one well-formed JSON document -#}
{% macro json_is_valid(expr) %}{{ return(adapter.dispatch('json_is_valid', 'training_router')(expr)) }}{% endmacro %}
{% macro default__json_is_valid(expr) %}{{ _not_ported('json_is_valid') }}{% endmacro %}
{% macro duckdb__json_is_valid(expr) %}coalesce(json_valid({{ expr }}), false){% endmacro %}


{#- JSON type name of a value: OBJECT, ARRAY, VARCHAR, BIGINT, UBIGINT, DOUBLE, BOOLEAN, NULL -#}
{% macro json_type_of(expr) %}{{ return(adapter.dispatch('json_type_of', 'training_router')(expr)) }}{% endmacro %}
{% macro default__json_type_of(expr) %}{{ _not_ported('json_type_of') }}{% endmacro %}
{% macro duckdb__json_type_of(expr) %}json_type({{ expr }}){% endmacro %}


{#- true when the JSON value is a number (integer or floating point) -#}
{% macro json_is_number(expr) %}({{ json_type_of(expr) }} in ('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT')){% endmacro %}


{#- An object's members as MAP(text, json); null when the object repeats a key. -#}
{% macro json_object_to_map(expr) %}{{ return(adapter.dispatch('json_object_to_map', 'training_router')(expr)) }}{% endmacro %}
{% macro default__json_object_to_map(expr) %}{{ _not_ported('json_object_to_map') }}{% endmacro %}
{% macro duckdb__json_object_to_map(expr) %}from_json({{ expr }}, '"MAP(VARCHAR, JSON)"'){% endmacro %}


{#- true when an object repeats one of its keys (JSON allows it; we refuse it) -#}
{% macro json_has_duplicate_keys(expr) %}{{ return(adapter.dispatch('json_has_duplicate_keys', 'training_router')(expr)) }}{% endmacro %}
{% macro default__json_has_duplicate_keys(expr) %}{{ _not_ported('json_has_duplicate_keys') }}{% endmacro %}
{% macro duckdb__json_has_duplicate_keys(expr) %}(len(json_keys({{ expr }})) <> len(list_distinct(json_keys({{ expr }})))){% endmacro %}


{#- Selected members of an object as a struct of JSON values (missing → null). -#}
{% macro json_object_fields(expr, fields) %}{{ return(adapter.dispatch('json_object_fields', 'training_router')(expr, fields)) }}{% endmacro %}
{% macro default__json_object_fields(expr, fields) %}{{ _not_ported('json_object_fields') }}{% endmacro %}
{% macro duckdb__json_object_fields(expr, fields) -%}
    from_json({{ expr }}, '{ {%- for f in fields %}"{{ f }}":"JSON"{{ "," if not loop.last }}{% endfor -%} }')
{%- endmacro %}


{#- A JSON number as double (null for JSON null) -#}
{% macro json_to_double(expr) %}{{ return(adapter.dispatch('json_to_double', 'training_router')(expr)) }}{% endmacro %}
{% macro default__json_to_double(expr) %}{{ _not_ported('json_to_double') }}{% endmacro %}
{% macro duckdb__json_to_double(expr) %}try_cast({{ expr }} as double){% endmacro %}


{#- A JSON string as text, unquoted (null when not a string) -#}
{% macro json_to_text(expr) %}{{ return(adapter.dispatch('json_to_text', 'training_router')(expr)) }}{% endmacro %}
{% macro default__json_to_text(expr) %}{{ _not_ported('json_to_text') }}{% endmacro %}
{% macro duckdb__json_to_text(expr) %}(case when json_type({{ expr }}) = 'VARCHAR' then json_extract_string({{ expr }}, '$') end){% endmacro %}


{#- A JSON scalar (string or number) as text, e.g. a run_id given either way -#}
{% macro json_scalar_to_text(expr) %}{{ return(adapter.dispatch('json_scalar_to_text', 'training_router')(expr)) }}{% endmacro %}
{% macro default__json_scalar_to_text(expr) %}{{ _not_ported('json_scalar_to_text') }}{% endmacro %}
{% macro duckdb__json_scalar_to_text(expr) %}(case when json_type({{ expr }}) not in ('NULL', 'OBJECT', 'ARRAY') then json_extract_string({{ expr }}, '$') end){% endmacro %}


{#- true when every element of a JSON array has one of the given JSON types -#}
{% macro json_array_all_of(expr, types) %}{{ return(adapter.dispatch('json_array_all_of', 'training_router')(expr, types)) }}{% endmacro %}
{% macro default__json_array_all_of(expr, types) %}{{ _not_ported('json_array_all_of') }}{% endmacro %}
{% macro duckdb__json_array_all_of(expr, types) -%}
    {#- json_structure merges the element types of an array in one C++ pass: '["VARCHAR"]'
        for strings only; nulls alone (or an empty array) give '["NULL"]', which passes
        here and is caught by the null and emptiness checks of the caller -#}
    (json_structure({{ expr }}) in ({% for t in types %}'["{{ t }}"]', {% endfor %}'["NULL"]'))
{%- endmacro %}


{#- A JSON array of strings / numbers as a typed list -#}
{% macro json_to_text_list(expr) %}{{ return(adapter.dispatch('json_to_text_list', 'training_router')(expr)) }}{% endmacro %}
{% macro default__json_to_text_list(expr) %}{{ _not_ported('json_to_text_list') }}{% endmacro %}
{% macro duckdb__json_to_text_list(expr) %}from_json({{ expr }}, '["VARCHAR"]'){% endmacro %}

{% macro json_to_double_list(expr) %}{{ return(adapter.dispatch('json_to_double_list', 'training_router')(expr)) }}{% endmacro %}
{% macro default__json_to_double_list(expr) %}{{ _not_ported('json_to_double_list') }}{% endmacro %}
{% macro duckdb__json_to_double_list(expr) %}from_json({{ expr }}, '["DOUBLE"]'){% endmacro %}




{#- true when an object has the key (whatever its value, null included) -#}
{% macro json_has_key(expr, key) %}{{ return(adapter.dispatch('json_has_key', 'training_router')(expr, key)) }}{% endmacro %}
{% macro default__json_has_key(expr, key) %}{{ _not_ported('json_has_key') }}{% endmacro %}
{% macro duckdb__json_has_key(expr, key) %}list_contains(json_keys({{ expr }}), {{ sql_string(key) }}){% endmacro %}


{#-
    An object of name → status (e.g. {"NFLX": "BLOCKED"}) as a list of
    struct(name, status) with the status upper-cased; null for JSON null.
-#}
{% macro json_name_status_list(expr) %}{{ return(adapter.dispatch('json_name_status_list', 'training_router')(expr)) }}{% endmacro %}
{% macro default__json_name_status_list(expr) %}{{ _not_ported('json_name_status_list') }}{% endmacro %}
{% macro duckdb__json_name_status_list(expr) -%}
    list_transform(
        map_entries(from_json({{ expr }}, '"MAP(VARCHAR, JSON)"')),
        lambda e: struct_pack(
            name := e.key,
            status := case when json_type(e.value) = 'VARCHAR' then upper(trim(json_extract_string(e.value, '$'))) end
        )
    )
{%- endmacro %}



{#- true when a text holds nothing but JSON white space (spaces, tabs, line breaks) -#}
{% macro text_is_blank(expr) %}{{ return(adapter.dispatch('text_is_blank', 'training_router')(expr)) }}{% endmacro %}
{% macro default__text_is_blank(expr) %}{{ _not_ported('text_is_blank') }}{% endmacro %}
{% macro duckdb__text_is_blank(expr) %}regexp_matches({{ expr }}, '^[ \t\n\r]*$'){% endmacro %}


{#-
    For a text known to be valid JSON: true when the document is an object, read from its
    first character that is not white space, without parsing the text again
-#}
{% macro json_text_starts_object(expr) %}{{ return(adapter.dispatch('json_text_starts_object', 'training_router')(expr)) }}{% endmacro %}
{% macro default__json_text_starts_object(expr) %}{{ _not_ported('json_text_starts_object') }}{% endmacro %}
{% macro duckdb__json_text_starts_object(expr) %}regexp_matches({{ expr }}, '^[ \t\n\r]*[{]'){% endmacro %}


{#-
    The text of an input file read as bytes (the sources read files as blobs, so that a
    file that is not UTF-8 becomes a reported problem instead of aborting the read):
    the UTF-8 decoded text, or null when the bytes are not valid UTF-8.
-#}
{% macro blob_to_utf8(expr) %}{{ return(adapter.dispatch('blob_to_utf8', 'training_router')(expr)) }}{% endmacro %}
{% macro default__blob_to_utf8(expr) %}{{ _not_ported('blob_to_utf8') }}{% endmacro %}
{% macro duckdb__blob_to_utf8(expr) %}try(decode({{ expr }})){% endmacro %}


{#- The text without a leading UTF-8 byte-order mark (U+FEFF), which some editors write. -#}
{% macro text_without_bom(expr) %}{{ return(adapter.dispatch('text_without_bom', 'training_router')(expr)) }}{% endmacro %}
{% macro default__text_without_bom(expr) %}{{ _not_ported('text_without_bom') }}{% endmacro %}
{% macro duckdb__text_without_bom(expr) %}ltrim({{ expr }}, chr(65279)){% endmacro %}


{#-
    true when bytes that are not UTF-8 look like UTF-16: a UTF-16 byte-order mark, or a
    zero byte (JSON text never holds one; UTF-16 holds one beside every ASCII character)
-#}
{% macro blob_looks_like_utf16(expr) %}{{ return(adapter.dispatch('blob_looks_like_utf16', 'training_router')(expr)) }}{% endmacro %}
{% macro default__blob_looks_like_utf16(expr) %}{{ _not_ported('blob_looks_like_utf16') }}{% endmacro %}
{% macro duckdb__blob_looks_like_utf16(expr) -%}
    {#- a blob cast to text shows every byte that is not printable ASCII as \xNN -#}
    (starts_with(cast({{ expr }} as varchar), '\xFF\xFE')
        or starts_with(cast({{ expr }} as varchar), '\xFE\xFF')
        or contains(cast({{ expr }} as varchar), '\x00'))
{%- endmacro %}


{#- true when a text holds a zero character (U+0000) -#}
{% macro text_has_nul(expr) %}{{ return(adapter.dispatch('text_has_nul', 'training_router')(expr)) }}{% endmacro %}
{% macro default__text_has_nul(expr) %}{{ _not_ported('text_has_nul') }}{% endmacro %}
{% macro duckdb__text_has_nul(expr) %}contains({{ expr }}, chr(0)){% endmacro %}


{#- A JSON integer as BIGINT, exactly (not through a double); null when it does not fit or is not one -#}
{% macro json_to_bigint(expr) %}{{ return(adapter.dispatch('json_to_bigint', 'training_router')(expr)) }}{% endmacro %}
{% macro default__json_to_bigint(expr) %}{{ _not_ported('json_to_bigint') }}{% endmacro %}
{% macro duckdb__json_to_bigint(expr) %}(case when json_type({{ expr }}) in ('BIGINT', 'UBIGINT') then try_cast({{ expr }} as bigint) end){% endmacro %}


{#- A JSON value's text as written (a number keeps its digits and exponent) -#}
{% macro json_text(expr) %}{{ return(adapter.dispatch('json_text', 'training_router')(expr)) }}{% endmacro %}
{% macro default__json_text(expr) %}{{ _not_ported('json_text') }}{% endmacro %}
{% macro duckdb__json_text(expr) %}cast({{ expr }} as varchar){% endmacro %}


{#-
    Spark (dbt-spark). A JSON value is a VARIANT (Spark 4): the file text `content` is
    parsed with from_json(..., 'VARIANT'), which like DuckDB accepts NaN and Infinity.
    The macros that take the file text (json_is_valid, json_text_starts_object,
    text_is_blank, json_has_key, json_object_to_map) get a string; json_type_of,
    json_object_fields and json_has_duplicate_keys take either, and know the file text
    by its column name `content` (_spark_variant).
    Differences from DuckDB, all in messages about inputs that are refused anyway: a
    repeated key below the top level makes the whole document "repeat a key" (Spark's
    variant refuses it; DuckDB names the nested object), and of several bad entries of
    a name → status object the first by name is reported (a variant keeps keys sorted).
-#}
{% macro _spark_variant(expr) -%}
    {%- if expr | trim == 'content' -%}from_json({{ expr }}, 'VARIANT'){%- else -%}{{ expr }}{%- endif -%}
{%- endmacro %}

{% macro _spark_variant_type(v) -%}
    (case
        when {{ v }} is null then null
        when schema_of_variant({{ v }}) = 'STRING' then 'VARCHAR'
        when schema_of_variant({{ v }}) in ('BIGINT', 'INT', 'SMALLINT', 'TINYINT') then 'BIGINT'
        when schema_of_variant({{ v }}) in ('DOUBLE', 'FLOAT') or schema_of_variant({{ v }}) like 'DECIMAL%' then 'DOUBLE'
        when schema_of_variant({{ v }}) = 'BOOLEAN' then 'BOOLEAN'
        when schema_of_variant({{ v }}) = 'VOID' then 'NULL'
        when schema_of_variant({{ v }}) like 'OBJECT%' then 'OBJECT'
        when schema_of_variant({{ v }}) like 'ARRAY%' then 'ARRAY'
        else schema_of_variant({{ v }})
    end)
{%- endmacro %}

{% macro spark__json_is_valid(expr) -%}
    coalesce((json_object_keys({{ expr }}) is not null or from_json({{ expr }}, 'VARIANT') is not null)
        and not {{ _spark_json_has_trailing_text(expr) }}, false)
{%- endmacro %}

{#-
    Spark's JSON parsers stop after the first value and ignore what follows it (`{} x`,
    `{}]`, `{} {}`), where DuckDB's json_valid refuses the document. For a text whose first
    value parsed: its strings emptied (so that no bracket or quote inside a string counts),
    a root object or array must end at the last character that is not white space, and no
    bracket may follow the one that closes it; a root scalar must be the only token.
-#}
{% macro _spark_json_has_trailing_text(expr) -%}
    exists(
        array(regexp_replace({{ expr }}, '"[^"\\\\]*+(?:\\\\.[^"\\\\]*+)*+"', '""')),
        s -> case
            when s rlike '^[ \t\n\r]*[\\[{]'
                then not s rlike '[\\]}][ \t\n\r]*$'
                or aggregate(
                    split(regexp_replace(s, '[^\\[\\]{}]', ''), ''),
                    named_struct('depth', 0, 'closed', false, 'after', false),
                    (acc, c) -> named_struct(
                        'depth', acc.depth + if(c in ('{', '['), 1, -1),
                        'closed', acc.closed or acc.depth + if(c in ('{', '['), 1, -1) <= 0,
                        'after', acc.after or acc.closed
                    ),
                    acc -> acc.after
                )
            else not s rlike '^[ \t\n\r]*[^ \t\n\r]+[ \t\n\r]*$'
        end
    )
{%- endmacro %}
{% macro spark__json_type_of(expr) %}{{ _spark_variant_type(_spark_variant(expr)) }}{% endmacro %}
{% macro spark__json_object_to_map(expr) %}from_json({{ expr }}, 'MAP<STRING, VARIANT>'){% endmacro %}
{% macro spark__json_has_duplicate_keys(expr) -%}
    {%- if expr | trim == 'content' -%}
    (size(json_object_keys({{ expr }})) <> size(array_distinct(json_object_keys({{ expr }})))
        or from_json({{ expr }}, 'VARIANT') is null)
    {%- else -%}
    false
    {%- endif -%}
{%- endmacro %}
{% macro spark__json_object_fields(expr, fields) -%}
    named_struct({%- for f in fields %}'{{ f }}', variant_get({{ _spark_variant(expr) }}, '$.{{ f }}'){{ "," if not loop.last }}{% endfor -%})
{%- endmacro %}
{% macro spark__json_to_double(expr) %}try_variant_get({{ expr }}, '$', 'double'){% endmacro %}
{% macro spark__json_to_text(expr) %}(case when schema_of_variant({{ expr }}) = 'STRING' then variant_get({{ expr }}, '$', 'string') end){% endmacro %}
{% macro spark__json_scalar_to_text(expr) -%}
    (case when {{ _spark_variant_type(expr) }} not in ('NULL', 'OBJECT', 'ARRAY') then variant_get({{ expr }}, '$', 'string') end)
{%- endmacro %}
{% macro spark__json_array_all_of(expr, types) -%}
    forall(try_variant_get({{ expr }}, '$', 'array<variant>'), element -> element is null
        or {{ _spark_variant_type('element') }} in ({% for t in types %}'{{ t }}', {% endfor %}'NULL'))
{%- endmacro %}
{% macro spark__json_to_text_list(expr) %}try_variant_get({{ expr }}, '$', 'array<string>'){% endmacro %}
{% macro spark__json_to_double_list(expr) %}try_variant_get({{ expr }}, '$', 'array<double>'){% endmacro %}
{% macro spark__json_has_key(expr, key) %}array_contains(json_object_keys({{ expr }}), {{ sql_string(key) }}){% endmacro %}
{% macro spark__json_name_status_list(expr) -%}
    transform(
        map_entries(try_variant_get({{ expr }}, '$', 'map<string, variant>')),
        e -> named_struct(
            'name', e.key,
            'status', case when schema_of_variant(e.value) = 'STRING' then upper(trim(variant_get(e.value, '$', 'string'))) end
        )
    )
{%- endmacro %}
{% macro spark__text_is_blank(expr) %}({{ expr }} rlike '^[ \t\n\r]*$'){% endmacro %}
{% macro spark__json_text_starts_object(expr) %}({{ expr }} rlike '^[ \t\n\r]*[{]'){% endmacro %}
{% macro spark__json_text(expr) %}to_json({{ expr }}){% endmacro %}
{% macro spark__blob_to_utf8(expr) %}try_validate_utf8(cast({{ expr }} as string)){% endmacro %}
{% macro spark__text_without_bom(expr) %}regexp_replace({{ expr }}, '^\uFEFF+', ''){% endmacro %}
{% macro spark__blob_looks_like_utf16(expr) -%}
    (hex(substr({{ expr }}, 1, 2)) in ('FFFE', 'FEFF') or instr(cast({{ expr }} as string), chr(0)) > 0)
{%- endmacro %}
{% macro spark__text_has_nul(expr) %}(instr({{ expr }}, chr(0)) > 0){% endmacro %}
{% macro spark__json_to_bigint(expr) %}(case when {{ _spark_variant_type(expr) }} = 'BIGINT' then try_variant_get({{ expr }}, '$', 'bigint') end){% endmacro %}
