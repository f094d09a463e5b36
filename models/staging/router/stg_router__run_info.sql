-- What the CLI knows about this run (generated_at honouring SOURCE_DATE_EPOCH,
-- git commit, router version, config hash and the validated config, the
-- --targets/--symbols selection), read from the JSON file it writes before the
-- build (var `run_info`, else env ROUTER_RUN_INFO). `dbt build` alone has no
-- such file: the build time, the effective config of the vars, and no hash or
-- commit (null) stand in.

{%- if var('run_info', env_var('ROUTER_RUN_INFO', '')) %}

with

run_info as (

    select * from {{ source('router', 'run_info') }}

),

final as (

    select
        generated_at,
        git_commit,
        router_version,
        config_hash,
        config_json,
        targets_json,
        symbols_json
    from run_info

)

select * from final

{%- else %}

with

final as (

    select
        {{ utc_now_iso() }} as generated_at,
        cast(null as string) as git_commit,
        cast(null as string) as router_version,
        cast(null as string) as config_hash,
        {{ sql_string(tojson(routing_config())) }} as config_json,
        {{ sql_string(tojson(run_var('targets', []) or [])) }} as targets_json,
        {{ sql_string(tojson(run_var('symbols', []) or [])) }} as symbols_json

)

select * from final

{%- endif %}
