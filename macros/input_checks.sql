{#
    Plain-words problems found in an input file, as SQL expressions yielding a
    message or null. Staging models put them in a `problem` column;
    int_input_problems_collected gathers them, and its test stops the build
    (docs/ROUTING_RULES.md §10: never a silent wrong plan).
#}

{#-
    The whole file: valid JSON holding one object, without repeated keys. `is_valid`: a
    column already holding json_is_valid(content), if the model has one. The conditions
    avoid parsing the text again (a valid document is an object when its first
    character that is not white space is a brace); only the message for a document
    that is not an object names its type.
-#}
{% macro json_file_problem(content, what, is_valid=none) -%}
    case
        when {{ text_is_blank(content) }}
            then 'is empty; expected {{ what }}'
        when not {{ is_valid or json_is_valid(content) }}
            then 'is not valid JSON (truncated or malformed); expected {{ what }}'
        when not {{ json_text_starts_object(content) }}
            then 'holds a JSON ' || lower({{ json_type_of(content) }}) || ' where {{ what }} belongs'
        when {{ json_has_duplicate_keys(content) }}
            then 'repeats a key at its top level'
    end
{%- endmacro %}


{#-
    The file's bytes: UTF-8 (a leading byte-order mark is accepted and dropped, see
    text_without_bom); anything else is refused with what it looks like. `raw` is the
    file as bytes, `decoded` its UTF-8 text or null (blob_to_utf8).
-#}
{% macro encoding_problem(raw, decoded) -%}
    case
        when {{ raw }} is null then null
        when {{ decoded }} is null and {{ blob_looks_like_utf16(raw) }}
            then 'is not UTF-8 (looks like UTF-16): save it as UTF-8'
        when {{ decoded }} is null
            then 'is not UTF-8 (it holds bytes that are not UTF-8 text): save it as UTF-8'
        when {{ text_has_nul(decoded) }}
            then 'is not UTF-8 (looks like UTF-16): save it as UTF-8'
    end
{%- endmacro %}


{#-
    The columns every staging model takes from an input file read as bytes (the `source`
    CTE of stg_metrics__*): its name, size and time, the hash of its bytes, its text as
    UTF-8 without a leading byte-order mark, and what is wrong with its encoding, if anything.
-#}
{% macro decoded_file_columns(raw='source.content') -%}
        filename,
        size,
        last_modified,
        md5({{ raw }}) as content_hash,
        {{ text_without_bom(blob_to_utf8(raw)) }} as content,
        {{ encoding_problem(raw, blob_to_utf8(raw)) }} as encoding_problem
{%- endmacro %}


{#- true when a JSON number that is not finite was written as NaN or Infinity (not as a huge number) -#}
{% macro _written_non_finite(field) -%}
    (lower(ltrim({{ json_text(field) }}, '-+')) in ('nan', 'infinity', 'inf'))
{%- endmacro %}


{#- A JSON number as shown in a message: an integer with all its digits, a fraction as DuckDB prints a double (1e+20) -#}
{% macro _number_text(field) -%}
    (case
        when {{ json_type_of(field) }} = 'DOUBLE' and not {{ is_non_finite(json_to_double(field)) }}
            then cast({{ json_to_double(field) }} as string)
        else {{ json_text(field) }}
    end)
{%- endmacro %}


{#- A number that must be finite, or null. `field` is a JSON value. -#}
{% macro number_problem(field, label) -%}
    case
        when {{ field }} is null or {{ json_type_of(field) }} = 'NULL' then null
        when not {{ json_is_number(field) }}
            then '{{ label }} must be a number, found ' || {{ json_type_label(field) }}
        when {{ is_non_finite(json_to_double(field)) }} and {{ _written_non_finite(field) }}
            then '{{ label }} is NaN or Infinity, which is not a usable number'
        when {{ is_non_finite(json_to_double(field)) }}
            then '{{ label }} ' || {{ json_text(field) }} || ' is too large for a number (beyond ±1.8e308)'
    end
{%- endmacro %}


{#- A sample size: a whole, non-negative number that fits a BIGINT, or null. -#}
{% macro sample_size_problem(field, label) -%}
    case
        when {{ field }} is null or {{ json_type_of(field) }} = 'NULL' then null
        when not {{ json_is_number(field) }}
            then '{{ label }} must be a whole number, found ' || {{ json_type_label(field) }}
        when {{ is_non_finite(json_to_double(field)) }} and {{ _written_non_finite(field) }}
            then '{{ label }} is NaN or Infinity'
        when {{ json_to_double(field) }} < 0
            then '{{ label }} must not be negative, found ' || {{ _number_text(field) }}
        when {{ is_non_finite(json_to_double(field)) }}
            or {{ json_to_double(field) }} > 9223372036854775807
            or ({{ json_to_double(field) }} = 9223372036854775807 and {{ json_to_bigint(field) }} is null)
            then '{{ label }} ' || {{ _number_text(field) }} || ' is too large (max 9223372036854775807)'
        when {{ json_to_double(field) }} <> floor({{ json_to_double(field) }})
            then '{{ label }} must be a whole number, found ' || cast({{ json_to_double(field) }} as string)
    end
{%- endmacro %}


{#- A sample size as BIGINT: exact for an integer (not through a double), null when it does not fit. -#}
{% macro json_to_sample_size(field) -%}
    coalesce({{ json_to_bigint(field) }}, try_cast({{ json_to_double(field) }} as bigint))
{%- endmacro %}


{#- A name from a closed list (upper-cased before the check), or null. -#}
{% macro name_problem(field, label, allowed) -%}
    case
        when {{ field }} is null or {{ json_type_of(field) }} = 'NULL' then null
        when {{ json_type_of(field) }} <> 'VARCHAR'
            then '{{ label }} must be one of {{ allowed | join(", ") }}, found ' || {{ json_type_label(field) }}
        when upper(trim({{ json_to_text(field) }})) not in {{ sql_in_list(allowed) }}
            then '{{ label }} must be one of {{ allowed | join(", ") }}, found "' || {{ json_to_text(field) }} || '"'
    end
{%- endmacro %}


{#- Free text, or null. -#}
{% macro text_problem(field, label) -%}
    case
        when {{ field }} is null or {{ json_type_of(field) }} = 'NULL' then null
        when {{ json_type_of(field) }} <> 'VARCHAR'
            then '{{ label }} must be text, found ' || {{ json_type_label(field) }}
    end
{%- endmacro %}


{#- How a JSON value reads in a message: a string "x", a boolean true, an array, ... -#}
{% macro json_type_label(field) -%}
    case {{ json_type_of(field) }}
        when 'VARCHAR' then 'the string ' || {{ json_text(field) }}
        when 'BOOLEAN' then 'the boolean ' || {{ json_text(field) }}
        when 'OBJECT' then 'an object'
        when 'ARRAY' then 'an array'
        else lower({{ json_type_of(field) }}) || ' ' || {{ json_text(field) }}
    end
{%- endmacro %}


{#- A normalised name: upper-cased text of a JSON string. -#}
{% macro json_to_name(field) -%}
    upper(trim({{ json_to_text(field) }}))
{%- endmacro %}


{#- An object of name → status, every status from a closed list; or null. -#}
{% macro name_status_object_problem(field, label, allowed) -%}
    case
        when {{ field }} is null or {{ json_type_of(field) }} = 'NULL' then null
        when {{ json_type_of(field) }} <> 'OBJECT'
            then '{{ label }} must be an object of name → status, found ' || {{ json_type_label(field) }}
        when {{ json_has_duplicate_keys(field) }}
            then '{{ label }} repeats a name'
        when {{ first_unlisted_status(json_name_status_list(field), allowed) }} is not null
            then '{{ label }}: "' || {{ first_unlisted_status(json_name_status_list(field), allowed) }}.name
                || '" has status '
                || coalesce('"' || {{ first_unlisted_status(json_name_status_list(field), allowed) }}.status || '"', 'that is not text')
                || ', expected one of {{ allowed | join(", ") }}'
    end
{%- endmacro %}
