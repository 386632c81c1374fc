{#- Financial periods as the Home Office publishes them: April-March years, April-June is Q1. -#}

{% macro financial_year(date_expr) -%}
    (
        cast(year({{ date_expr }}) - case when month({{ date_expr }}) < 4 then 1 else 0 end as varchar)
        || '/'
        || lpad(
            cast((year({{ date_expr }}) + case when month({{ date_expr }}) < 4 then 0 else 1 end) % 100 as varchar),
            2,
            '0'
        )
    )
{%- endmacro %}

{% macro fy_quarter(date_expr) -%}
    ('Q' || cast(((month({{ date_expr }}) + 8) % 12) // 3 + 1 as varchar))
{%- endmacro %}

{% macro quarter_start(financial_year, fy_quarter) -%}
    {#- First day of a financial quarter, from '2024/25' and 'Q1'. -#}
    (
        make_date(cast(left({{ financial_year }}, 4) as integer), 4, 1)
        + to_months(3 * (cast(right({{ fy_quarter }}, 1) as integer) - 1))
    )
{%- endmacro %}

{% macro raw_parquet(source_name) -%}
    {#- Every committed submission of a source plus the empty schema file, read by name. -#}
    read_parquet(
        '{{ var("data_dir") }}/raw/{{ source_name }}/*/*.parquet', union_by_name = true
    )
{%- endmacro %}
