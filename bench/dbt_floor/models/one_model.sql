{{ config(materialized='table') }}

select 1 as one
