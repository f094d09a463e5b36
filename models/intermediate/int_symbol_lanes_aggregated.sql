-- The symbol lane's metrics per (target, symbol), from the target's
-- model_metadata.json (docs/ROUTING_RULES.md §4): successful families = entries with
-- status OK and a finite score; score = their mean; sample size = the max over
-- the entries (missing counts as 0); explicit stability if an entry gives one
-- (the least stable when entries disagree). Means are rounded to 12 decimals
-- so that float noise never decides a threshold (docs/DESIGN.md), and summed
-- exactly so that every engine gets the same bits (macros/exact_stats.sql).

with

model_metadata as (

    select * from {{ ref('int_model_metadata_loaded') }}

),

targets as (

    select * from {{ ref('int_targets_selected') }}

),

entries as (

    select
        model_metadata.*,
        model_metadata.status = 'OK'
        and model_metadata.score is not null
        and not {{ is_non_finite('model_metadata.score') }} as is_successful
    from model_metadata
    inner join targets
        on model_metadata.target_name = targets.target_name
    where model_metadata.problem is null

),

symbol_lanes as (

    select
        target_name,
        symbol,
        count(*) as n_entries,
        count(distinct case when is_successful then model_family end) as successful_families,
        {{ exact_mean_12('case when is_successful then score end') }} as score,
        max(coalesce(sample_size, 0)) as sample_size,
        -- the least stable of the explicit stabilities, if any entry gives one
        case max(
            case stability
                when 'STABLE' then 1
                when 'UNKNOWN' then 2
                when 'DRIFTING' then 3
                when 'DIVERGED' then 4
            end
        )
            when 1 then 'STABLE'
            when 2 then 'UNKNOWN'
            when 3 then 'DRIFTING'
            when 4 then 'DIVERGED'
        end as explicit_stability,
        {{ sorted_list_agg("case when status = 'FAILED' then model_family end") }} as failed_model_families
    from entries
    group by target_name, symbol

),

final as (

    select * from symbol_lanes

)

select * from final
