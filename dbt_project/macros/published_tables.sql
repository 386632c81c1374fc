{#- The one shape of a published count table (docs/WAREHOUSE.md, "Periods and area codes"):
    the rows of its disclosure rows model with each count controlled (value and '[c]'
    marker, macros/disclosure.sql), the revision marker where the source revises, and each
    row's period status (macros/period_status.sql).
    table_name: the published table (its cells in disclosure_positions); rows_model: its
    disclosure rows model; columns: the key and label columns before the counts, in order;
    counts: the controlled counts; carried: columns after the counts, published as they are;
    revised: the rows carry is_revised and its '[r]' marker; period_type: 'quarter',
    'financial_year' or 'month'; status_kinds: [(status kind, column prefix)]. -#}

-- noqa: disable=LT02

{% macro published_count_table(
    table_name, rows_model, columns, counts, carried=[], revised=false, period_type='quarter',
    status_kinds=[('status', '')]
) -%}
    with rows_ as (
        select * from {{ ref(rows_model) }}
    ),

    status as (
        {{ disclosure_status(table_name, counts) }}
    )

    select
        {%- for column in columns %}
            rows_.{{ column }},
        {%- endfor %}
        {%- for column in counts %}
            {{ disclosure_count(column) }},
        {%- endfor %}
        {%- for column in carried %}
            rows_.{{ column }},
        {%- endfor %}
        {%- if revised %}
            rows_.is_revised,
            case when rows_.is_revised then '[r]' end as revised_marker,
        {%- endif %}
        {%- for kind, prefix in status_kinds %}
            {{ period_status_columns(kind, prefix=prefix, period_type=period_type) }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from rows_
    left join status on rows_.row_key = status.row_key
    {{ period_status_join(period_type=period_type) }}
{%- endmacro %}
