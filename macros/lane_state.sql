{#
    The lane-state rules of docs/ROUTING_RULES.md §5, shared by the cross-sectional
    and the symbol lane. `lane_rule` is the first rule that matches, in the
    spec's order; the state and the reason codes follow from it.
#}

{% macro lane_rule(has_metrics, score, sample_size, min_sample_size, successful_families,
                   stability, min_score, strong_score, experimental_min_score, allowlist) -%}
    {%- set routing = cfg('routing') -%}
    case
        -- 1. no metrics
        when not {{ has_metrics }} then 'NO_METRICS'
        -- 2. sample size below the lane's minimum
        when {{ sample_size }} < {{ min_sample_size }} then 'SAMPLE_TOO_SMALL'
        -- 3. too few successful model families (null: no family information, rule skipped)
        when {{ successful_families }} < {{ routing['require_min_successful_families'] }} then 'FAMILIES_FAILED'
        -- 4. strong score, allowed stability
        when {{ score }} >= {{ strong_score }} and {{ stability }} in {{ sql_in_list(allowlist) }} then 'STRONG'
        -- 5. minimum score, allowed stability
        when {{ score }} >= {{ min_score }} and {{ stability }} in {{ sql_in_list(allowlist) }} then 'WEAK_BUT_OK'
        -- 6. experimental lane
        when {{ sql_boolean(routing['enable_experimental_lane']) }}
            and {{ score }} >= {{ experimental_min_score }}
            and {{ stability }} in {{ sql_in_list(routing['experimental']['allowed_stabilities']) }}
            then 'EXPERIMENTAL'
        -- 7. otherwise disallowed: score too low and/or stability not allowed
        else 'REJECTED'
    end
{%- endmacro %}


{% macro lane_state_from_rule(rule) -%}
    case when {{ rule }} in ('STRONG', 'WEAK_BUT_OK', 'EXPERIMENTAL') then {{ rule }} else 'DISALLOWED' end
{%- endmacro %}


{#- The lane's reason codes: one, or for rule 7 whichever of the two applies (both if both). -#}
{% macro lane_reason_codes(prefix, rule, score, min_score, stability, allowlist) -%}
    case
        when {{ rule }} = 'REJECTED' then {{ compact_list([
            "case when not coalesce(" ~ score ~ " >= " ~ min_score ~ ", false) then '" ~ prefix ~ "_SCORE_TOO_LOW' end",
            "case when " ~ stability ~ " not in " ~ sql_in_list(allowlist) ~ " then '" ~ prefix ~ "_STABILITY_NOT_ALLOWED' end",
        ]) }}
        else {{ compact_list([sql_string(prefix ~ '_') ~ ' || ' ~ rule]) }}
    end
{%- endmacro %}
