{#- Use the configured schema name as is (marts, published, ...), not <target>_<schema>,
    so the published contract reads marts.dim_force exactly as WAREHOUSE.md names it. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
