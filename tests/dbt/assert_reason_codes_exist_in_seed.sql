-- Every reason code a decision carries (routing_plan.reason_codes and
-- primary_reason_code) and every cross-sectional lane code in
-- routing_targets.cs_reason_codes is in the seed reason_codes, and no code
-- is null. Returns one row per unknown code occurrence.

with

catalogue as (

    select reason_code from {{ ref('reason_codes') }}

),

used_codes as (

    select
        'routing_plan.reason_codes' as used_in,
        target_name,
        symbol,
        {{ unnest_list('reason_codes') }} as reason_code
    from {{ ref('routing_plan') }}

    union all

    select
        'routing_plan.primary_reason_code' as used_in,
        target_name,
        symbol,
        primary_reason_code as reason_code
    from {{ ref('routing_plan') }}

    union all

    select
        'routing_targets.cs_reason_codes' as used_in,
        target_name,
        cast(null as string) as symbol,
        {{ unnest_list('cs_reason_codes') }} as reason_code
    from {{ ref('routing_targets') }}

)

select used_codes.*
from used_codes
left join catalogue
    on used_codes.reason_code = catalogue.reason_code
where catalogue.reason_code is null
