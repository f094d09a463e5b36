-- Every decision has at least one reason code, and exactly one
-- human-readable reason per reason code: `reasons` has the length of
-- `reason_codes` and holds no null. Returns one row per offending decision.

with

decisions as (

    select
        target_name,
        symbol,
        reason_codes,
        reasons,
        {{ list_length('reason_codes') }} as n_reason_codes,
        {{ list_length('reasons') }} as n_reasons
    from {{ ref('routing_plan') }}

),

null_reasons as (

    select
        target_name,
        symbol,
        count(*) as n_null_reasons
    from (
        select
            target_name,
            symbol,
            {{ unnest_list('reasons') }} as reason
        from decisions
    ) as reasons_unnested
    where reason is null or trim(reason) = ''
    group by target_name, symbol

)

select
    decisions.*,
    coalesce(null_reasons.n_null_reasons, 0) as n_null_reasons
from decisions
left join null_reasons
    on
        decisions.target_name = null_reasons.target_name
        and decisions.symbol = null_reasons.symbol
where
    decisions.reason_codes is null
    or decisions.reasons is null
    or decisions.n_reason_codes = 0
    or decisions.n_reasons <> decisions.n_reason_codes
    or null_reasons.n_null_reasons > 0
