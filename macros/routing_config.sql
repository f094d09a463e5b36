{#
    The effective routing configuration: the defaults declared once in
    dbt_project.yml (var `routing_defaults`) with the user's `routing` and
    `training_plan` vars deep-merged over them. The Python CLI validates a
    user's routing_config.yaml before any SQL runs and passes it in as those
    two settings (see run_var); `dbt build` alone uses the defaults.
#}

{% macro _deep_merge(base, override) %}
    {%- set merged = {} -%}
    {%- for key, value in base.items() -%}
        {%- do merged.update({key: value}) -%}
    {%- endfor -%}
    {%- for key, value in (override or {}).items() -%}
        {%- if key in merged and merged[key] is mapping and value is mapping -%}
            {%- do merged.update({key: _deep_merge(merged[key], value)}) -%}
        {%- else -%}
            {%- do merged.update({key: value}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(merged) }}
{% endmacro %}


{#-
    A run setting that is a value rather than a path: the dbt var when one is given
    (`dbt build --vars ...`), else the JSON in environment variable ROUTER_<NAME>,
    else `default`. The CLI passes its settings this second way: dbt re-parses the
    whole project when any --vars value changes, but only the files that read an
    environment variable when that variable changes (docs/DESIGN.md, "Parsing").

    While dbt parses (`execute` is false) the setting is not read at all and the
    default stands in: dbt records the environment variables a file reads while
    parsing it and re-parses that file when one changes, so reading them here would
    cost a partial parse (+2 s) on every config change. The values matter only when
    the SQL is compiled, and compiling renders each file again with the current
    environment. A ref() that only a non-default setting reaches must therefore be
    declared with a `-- depends_on:` comment.
-#}
{% macro run_var(name, default) %}
    {%- if not execute -%}
        {{ return(default) }}
    {%- endif -%}
    {%- set given = var(name, none) -%}
    {%- if given is not none -%}
        {{ return(given) }}
    {%- endif -%}
    {%- set from_env = env_var('ROUTER_' ~ (name | upper), '') -%}
    {{ return(fromjson(from_env) if from_env else default) }}
{% endmacro %}


{#-
    A user's score threshold over the default one (python/training_router/config.py
    `_merge_threshold` does the same): a number replaces the whole threshold; a mapping
    replaces only the task type or regression tiers it names, a default given as one
    number being spread first over what the mapping leaves out.
-#}
{% macro _merge_threshold(base, override) %}
    {%- if override is not mapping or base is boolean or not (base is number or base is mapping) -%}
        {{ return(override) }}
    {%- endif -%}
    {%- set merged = {'classification': base, 'regression': base} if base is number else _deep_merge(base, {}) -%}
    {%- for part, value in override.items() -%}
        {%- set below = merged.get(part) -%}
        {%- if part == 'regression' and value is mapping and below is number -%}
            {%- set below = {'default': below, 'short': below, 'medium': below, 'long': below, 'very_long': below} -%}
        {%- endif -%}
        {%- if below is mapping and value is mapping -%}
            {%- do merged.update({part: _deep_merge(below, value)}) -%}
        {%- else -%}
            {%- do merged.update({part: value}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(merged) }}
{% endmacro %}


{% macro routing_config() %}
    {%- set defaults = var('routing_defaults') -%}
    {%- set user_routing = run_var('routing', {}) or {} -%}
    {%- set routing = _deep_merge(defaults['routing'], user_routing) -%}
    {#- the score thresholds merge by their own rule, at every level -#}
    {%- for lane, key in [('cross_sectional', 'min_score'), ('cross_sectional', 'strong_score'),
                          ('symbol', 'min_score'), ('symbol', 'strong_score'), ('experimental', 'min_score')] -%}
        {%- set given = (user_routing.get(lane) or {}) -%}
        {%- if given is mapping and key in given -%}
            {%- do routing[lane].update({key: _merge_threshold(defaults['routing'][lane][key], given[key])}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set effective = {
        'routing': routing,
        'training_plan': _deep_merge(defaults['training_plan'], run_var('training_plan', {})),
    } -%}
    {{ return(effective) }}
{% endmacro %}


{#- Look up one key of the effective config by dotted path, e.g. cfg('routing.min_sample_size.symbol'). -#}
{% macro cfg(path) %}
    {%- set node = namespace(value=routing_config()) -%}
    {%- for part in path.split('.') -%}
        {%- if node.value is not mapping or part not in node.value -%}
            {{ exceptions.raise_compiler_error("routing config has no key '" ~ path ~ "'") }}
        {%- endif -%}
        {%- set node.value = node.value[part] -%}
    {%- endfor -%}
    {{ return(node.value) }}
{% endmacro %}
