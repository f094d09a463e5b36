{#
    The `metrics` sources on Spark (on-run-start hook; nothing on other engines).
    DuckDB reads them with read_blob globs (models/staging/metrics/_metrics__sources.yml);
    Spark gets, per input kind, a binaryFile table over the whole metrics directory
    (pathGlobFilter on the file name, recursiveFileLookup: no file → no rows, where a
    glob matching nothing would fail) and a view giving DuckDB's read_blob columns:
    filename (plain path, without Spark's file: prefix), content, size,
    last_modified (content is bytes). The view keeps only the files at the depth the
    DuckDB glob matches, plus the empty files of the CLI's listing (Spark skips them).
    Spark's file listing skips names starting with "_" or "." (not guarded yet: such a
    target or snapshot folder is missing from a Spark plan; docs/PORTING.md).
#}

{% macro spark_input_sources() %}
    {%- if target.type == 'spark' and execute -%}
        {%- set metrics_dir = var('metrics_dir', env_var('ROUTER_METRICS_DIR', 'METRICS')) -%}
        {%- set stability_dir = var('stability_dir', env_var('ROUTER_STABILITY_DIR', '')) -%}
        {%- set kinds = [
            ('model_metadata', metrics_dir, 'model_metadata.json', '[^/]+/model_metadata[.]json'),
            ('target_confidence', metrics_dir, 'target_confidence.json', '[^/]+/target_confidence[.]json'),
            ('leakage', metrics_dir, 'leakage.json', '[^/]+/leakage[.]json'),
            ('stability_snapshots', stability_dir or metrics_dir, '*.json',
                '[^/]+/[^/]+/[^/]+[.]json' if stability_dir else '[^/]+/stability/[^/]+/[^/]+[.]json'),
        ] -%}
        {%- do run_query('create schema if not exists router_inputs') -%}
        {#- the CLI's listing of the input files: Spark's file reader skips empty (0-byte)
            files, so they are added from it, to be reported like on DuckDB -#}
        {%- set listing = var('input_listing', env_var('ROUTER_INPUT_LISTING', '')) -%}
        {%- do run_query('drop table if exists router_inputs.input_listing') -%}
        {%- if listing -%}
            {%- do run_query(
                'create table router_inputs.input_listing (input_kind string, file_path string,'
                ~ ' file_size bigint, file_modified_us bigint) using json options (path '
                ~ sql_string(listing) ~ ')'
            ) -%}
        {%- endif -%}
        {%- set listing_kinds = {'model_metadata': 'model_metadata', 'target_confidence': 'target_confidence',
                                 'leakage': 'leakage', 'stability_snapshots': 'stability_snapshot'} -%}
        {%- for name, root, file_filter, below_root in kinds -%}
            {%- set prefix = root.rstrip('/') ~ '/' -%}
            {%- do run_query('drop view if exists router_inputs.' ~ name) -%}
            {%- do run_query('drop table if exists router_inputs.' ~ name ~ '_files') -%}
            {%- do run_query(
                'create table router_inputs.' ~ name ~ '_files using binaryFile options ('
                ~ 'path ' ~ sql_string(root) ~ ', pathGlobFilter ' ~ sql_string(file_filter)
                ~ ", recursiveFileLookup 'true')"
            ) -%}
            {%- do run_query(
                'create view router_inputs.' ~ name ~ ' as'
                ~ ' select filename, content, length as size,'
                ~ ' modificationTime as last_modified'
                ~ ' from (select regexp_replace(path, ' ~ sql_string('^file:') ~ ', ' ~ sql_string('') ~ ') as filename, *'
                ~ ' from router_inputs.' ~ name ~ '_files) as files'
                ~ ' where left(filename, ' ~ (prefix | length) ~ ') = ' ~ sql_string(prefix)
                ~ ' and substr(filename, ' ~ ((prefix | length) + 1) ~ ') rlike ' ~ sql_string('^' ~ below_root ~ '$')
                ~ ((' union all select file_path, cast(' ~ sql_string('') ~ ' as binary), file_size,'
                    ~ ' timestamp_micros(file_modified_us) from router_inputs.input_listing'
                    ~ ' where file_size = 0 and input_kind = ' ~ sql_string(listing_kinds[name])) if listing else '')
            ) -%}
        {%- endfor -%}
        {#- the CLI's run identity (source router.run_info), one JSON object -#}
        {%- set run_info = var('run_info', env_var('ROUTER_RUN_INFO', '')) -%}
        {%- do run_query('drop table if exists router_inputs.run_info') -%}
        {%- if run_info -%}
            {%- do run_query(
                'create table router_inputs.run_info (generated_at string, git_commit string,'
                ~ ' router_version string, config_hash string, config_json string, targets_json string,'
                ~ ' symbols_json string) using json options (path ' ~ sql_string(run_info)
                ~ ", multiLine 'true')"
            ) -%}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
