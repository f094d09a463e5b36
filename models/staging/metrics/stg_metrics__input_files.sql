-- Every input file present now, with its size and modification time but not its
-- content: what the loaded layer compares with what it holds to find new,
-- changed and removed files. From the CLI's listing when it passes one (var
-- `input_listing`, else env ROUTER_INPUT_LISTING), else from the source globs
-- themselves (DuckDB reads no file body for these columns, but opens every file).

{%- if var('input_listing', env_var('ROUTER_INPUT_LISTING', '')) %}

with

listing as (

    select * from {{ source('router', 'input_listing') }}

),

final as (

    select
        input_kind,
        file_path,
        file_size,
        {{ timestamptz_from_epoch_us('file_modified_us') }} as file_modified_at
    from listing

)

select * from final

{%- else %}

with

model_metadata as (

    select
        filename,
        size,
        last_modified
    from {{ source('metrics', 'model_metadata') }}

),

target_confidence as (

    select
        filename,
        size,
        last_modified
    from {{ source('metrics', 'target_confidence') }}

),

leakage as (

    select
        filename,
        size,
        last_modified
    from {{ source('metrics', 'leakage') }}

),

stability_snapshots as (

    select
        filename,
        size,
        last_modified
    from {{ source('metrics', 'stability_snapshots') }}

),

files as (

    select
        'model_metadata' as input_kind,
        *
    from model_metadata
    union all
    select
        'target_confidence' as input_kind,
        *
    from target_confidence
    union all
    select
        'leakage' as input_kind,
        *
    from leakage
    union all
    select
        'stability_snapshot' as input_kind,
        *
    from stability_snapshots

),

final as (

    select
        input_kind,
        filename as file_path,
        size as file_size,
        last_modified as file_modified_at
    from files

)

select * from final

{%- endif %}
