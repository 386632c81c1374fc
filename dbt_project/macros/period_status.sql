{#- The period status of a published row (reference.period_status, docs/WAREHOUSE.md "Periods
    and area codes"): the columns and the join, so every published table reads the one rule.
    kind: 'status' (counts of events in the period) or 'outcome_status' (outcome-based
    counts, provisional while outcomes are still being assigned). A period with rows of its
    own but outside the reference's span (e.g. a source whose quarters the crime spine does
    not reach) is a whole period: complete. period_type 'month': a month's row is a whole
    month, complete (no join); 'year_end': a count as at a financial year's end (a training
    return), complete once reported, whatever quarters the crime data cover (no join). -#}
{% macro period_status_columns(kind='status', alias='periods', prefix='', period_type='quarter') -%}
    {%- if period_type in ('month', 'year_end') -%}
        'complete' as {{ prefix }}period_status,
        cast(null as varchar) as {{ prefix }}period_status_marker
    {%- else -%}
        coalesce(nullif({{ alias }}.{{ kind }}, 'no_data'), 'complete') as {{ prefix }}period_status,
        case
            when coalesce(nullif({{ alias }}.{{ kind }}, 'no_data'), 'complete') != 'complete' then '[p]'
        end as {{ prefix }}period_status_marker
    {%- endif -%}
{%- endmacro %}


{#- period_type: 'quarter' (rows keyed by financial_year and fy_quarter), 'financial_year' or
    'month' (nothing to join). -#}
{% macro period_status_join(rows='rows_', period_type='quarter', alias='periods') -%}
    {%- if period_type not in ('month', 'year_end') %}
    left join {{ ref('reference_period_status') }} as {{ alias }}
        on
            {{ alias }}.period_type = '{{ period_type }}'
            and {{ rows }}.financial_year = {{ alias }}.financial_year
            {%- if period_type == 'quarter' %}
                and {{ rows }}.fy_quarter = {{ alias }}.fy_quarter
            {%- endif %}
    {%- endif %}
{%- endmacro %}
