{#
    The loaded layer (models/intermediate/loaded) keeps the parsed inputs between
    runs. On an incremental run only files that are new or whose size or
    modification time changed are read again (the quick check of rsync and make);
    the filter is a constant list, which DuckDB applies right after the file reader,
    before the parse (DuckDB 2.0's read_blob still reads every file of its glob: it does
    not prune by file name; docs/DESIGN.md, "Loaded layer"). A changed file's rows are replaced
    (delete+insert on file_path); rows of removed files are deleted by
    `delete_stale_input_rows` (post-hook).

    DuckDB only: on Spark these models are plain tables rebuilt in full on every run
    (Parquet tables have no delete+insert; a Delta/Iceberg `merge` would be the port),
    and the post-hooks render nothing.
#}

{% macro loaded_materialization() -%}
    {{ return('incremental' if target.type == 'duckdb' else 'table') }}
{%- endmacro %}

{% macro changed_input_files_filter(input_kind) -%}
    {%- if is_incremental() -%}
        {%- set query -%}
            select listed.file_path
            from {{ ref('int_input_files_listed') }} as listed
            left join (
                select distinct file_path, file_size, file_modified_at from {{ this }}
            ) as loaded
                on
                    listed.file_path = loaded.file_path
                    and listed.file_size = loaded.file_size
                    and listed.file_modified_at = loaded.file_modified_at
            where listed.input_kind = {{ sql_string(input_kind) }} and loaded.file_path is null
            order by listed.file_path
        {%- endset -%}
        {%- set changed = run_query(query).columns[0].values() if execute else [] -%}
        {%- if changed | length == 0 %}
    where false
        {%- else %}
    where file_path in {{ sql_in_list(changed) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#-
    Rows of files no longer listed (removed) are deleted. Rows whose size or
    modification time differ from the listing are KEPT: they were read from a
    file that changed after it was listed, and deleting them would drop that
    file's rows from the plan without a word. The CLI lists the files again
    after the build and builds again (or stops, naming them) when any differs
    (python/training_router/build.py).
-#}
{% macro delete_stale_input_rows(input_kind) -%}
    {%- if loaded_materialization() == 'incremental' %}
    delete from {{ this }}
    where not exists (
        select 1
        from {{ ref('int_input_files_listed') }} as listed
        where
            listed.input_kind = {{ sql_string(input_kind) }}
            and listed.file_path = {{ this }}.file_path
    )
    {%- endif %}
{%- endmacro %}


{#-
    One row per (target, universe) of snapshot files, with a digest of the set
    (every file's path and content hash): int_stability_pairs_compared compares
    a universe again only when this digest (or top_k) changed.
-#}
{% macro snapshot_set_fingerprints(snapshots) -%}
    select
        target_name,
        universe,
        {{ text_set_digest("file_path || '|' || coalesce(content_hash, '')") }} as snapshot_set_hash
    from {{ snapshots }}
    group by target_name, universe
{%- endmacro %}


{% macro delete_stale_snapshot_pairs() -%}
    {%- if loaded_materialization() == 'incremental' %}
    delete from {{ this }}
    where not exists (
        select 1
        from (
            {{ snapshot_set_fingerprints(
                '(select * from ' ~ ref('int_stability_snapshots_loaded') ~ ' where problem is null)'
            ) }}
        ) as current_sets
        where
            current_sets.target_name = {{ this }}.target_name
            and current_sets.universe = {{ this }}.universe
            and current_sets.snapshot_set_hash = {{ this }}.snapshot_set_hash
    )
    {%- endif %}
{%- endmacro %}
