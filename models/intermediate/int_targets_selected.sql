-- The targets to route: every folder holding model_metadata.json or
-- target_confidence.json, narrowed to var `targets` when it names any
-- (`--targets`). Named targets without a folder are reported by the CLI.
-- depends_on: {{ ref('int_input_problems_collected') }}

{%- set selected_targets = run_var('targets', []) or [] %}

with

model_metadata as (

    select * from {{ ref('int_model_metadata_loaded') }}

),

target_confidence as (

    select * from {{ ref('int_target_confidence_loaded') }}

),

target_folders as (

    select
        target_name,
        true as has_model_metadata,
        false as has_target_confidence
    from model_metadata

    union all

    select
        target_name,
        false as has_model_metadata,
        true as has_target_confidence
    from target_confidence

),

targets as (

    select
        target_name,
        bool_or(has_model_metadata) as has_model_metadata,
        bool_or(has_target_confidence) as has_target_confidence
    from target_folders
    {%- if selected_targets | length > 0 %}
    where target_name in {{ sql_in_list(selected_targets) }}
    {%- endif %}
    group by target_name

),

horizons as (

    select
        *,
        -- in double, then held to BIGINT: a folder named t_9223372036854775807h is a very
        -- long horizon, not an overflow error
        case
            when horizon_minutes_double >= 9.2e18 then 9223372036854775807
            else cast(horizon_minutes_double as bigint)
        end as horizon_minutes
    from (
        select
            *,
            coalesce(
                try_cast(nullif(regexp_extract(target_name, '([0-9]+)m(_|$)', 1), '') as double),
                try_cast(nullif(regexp_extract(target_name, '([0-9]+)h(_|$)', 1), '') as double) * 60,
                try_cast(nullif(regexp_extract(target_name, '([0-9]+)d(_|$)', 1), '') as double) * 1440
            ) as horizon_minutes_double
        from targets
    ) as parsed

),

final as (

    select
        target_name,
        has_model_metadata,
        has_target_confidence,
        horizon_minutes,
        case
            when horizon_minutes is null then 'default'
            when horizon_minutes < 60 then 'short'
            when horizon_minutes < 240 then 'medium'
            when horizon_minutes < 1440 then 'long'
            else 'very_long'
        end as horizon_tier
    from horizons

)

select * from final
