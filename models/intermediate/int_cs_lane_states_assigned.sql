-- The cross-sectional lane's state per target (docs/ROUTING_RULES.md §5).

{%- set routing = cfg('routing') %}
{%- set allowlist = routing['stability_allowlist']['cross_sectional'] %}

with

cs_lanes as (

    select * from {{ ref('int_cs_lanes_aggregated') }}

),

thresholds as (

    select * from {{ ref('int_target_thresholds_resolved') }}

),

lanes_with_thresholds as (

    select
        cs_lanes.*,
        thresholds.cs_min_score,
        thresholds.cs_strong_score,
        thresholds.experimental_min_score,
        {{ routing['min_sample_size']['cross_sectional'] }} as cs_min_sample_size
    from cs_lanes
    inner join thresholds
        on cs_lanes.target_name = thresholds.target_name

),

lanes_ruled as (

    select
        *,
        {{ lane_rule(
            has_metrics='(cs_score is not null)',
            score='cs_score',
            sample_size='cs_sample_size',
            min_sample_size='cs_min_sample_size',
            successful_families='cs_successful_families',
            stability='cs_stability',
            min_score='cs_min_score',
            strong_score='cs_strong_score',
            experimental_min_score='experimental_min_score',
            allowlist=allowlist,
        ) }} as cs_rule
    from lanes_with_thresholds

),

final as (

    select
        *,
        {{ lane_state_from_rule('cs_rule') }} as cs_state,
        {{ lane_reason_codes('CS', 'cs_rule', 'cs_score', 'cs_min_score', 'cs_stability', allowlist) }}
            as cs_reason_codes
    from lanes_ruled

)

select * from final
