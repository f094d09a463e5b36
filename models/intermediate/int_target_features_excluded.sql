-- Per target with a leakage.json: the features whose leakage status is not in
-- allowed_feature_leakage_status (excluded from every job of the target when
-- require_safe_features_only). Features absent from leakage.json are unknown
-- to the router and not listed.

{%- set routing = cfg('routing') %}

with

leakage as (

    select * from {{ ref('int_leakage_loaded') }}
    where problem is null

),

features as (

    select
        target_name,
        {{ unnest_list('feature_statuses') }} as feature
    from leakage

),

final as (

    select
        target_name,
        {{ sorted_list_agg('feature.name') }} as excluded_features
    from features
    where
        {{ sql_boolean(routing['require_safe_features_only']) }}
        and (feature.status is null or feature.status not in {{ sql_in_list(routing['allowed_feature_leakage_status']) }})
    group by target_name

)

select * from final
