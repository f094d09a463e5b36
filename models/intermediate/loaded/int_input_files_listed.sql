-- Every input file present at this run, with its size and modification time:
-- what the loaded models compare with the files they hold.

with

input_files as (

    select * from {{ ref('stg_metrics__input_files') }}

),

final as (

    select
        input_kind,
        file_path,
        file_size,
        file_modified_at
    from input_files

)

select * from final
