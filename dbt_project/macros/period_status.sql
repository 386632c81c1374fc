{#- The period status of a published row (reference.period_status, docs/WAREHOUSE.md "Periods
    and area codes"): the columns and the join, so every published table reads the one rule.
    kind: 'status' (counts of events in the period) or 'outcome_status' (outcome-based
    counts, provisional while outcomes are still being assigned). A period with rows of its
    own but outside the reference's span (e.g. a source whose quarters the crime spine does
    not reach) is a whole period: complete. -#}
{% macro period_status_columns(kind='status', alias='periods', prefix='') -%}
    coalesce(nullif({{ alias }}.{{ kind }}, 'no_data'), 'complete') as {{ prefix }}period_status,
    case
        when coalesce(nullif({{ alias }}.{{ kind }}, 'no_data'), 'complete') != 'complete' then '[p]'
    end as {{ prefix }}period_status_marker
{%- endmacro %}


{#- period_type: 'quarter' (rows keyed by financial_year and fy_quarter) or 'financial_year'. -#}
{% macro period_status_join(rows='rows_', period_type='quarter', alias='periods') -%}
    left join {{ ref('reference_period_status') }} as {{ alias }}
        on
            {{ alias }}.period_type = '{{ period_type }}'
            and {{ rows }}.financial_year = {{ alias }}.financial_year
            {%- if period_type == 'quarter' %}
                and {{ rows }}.fy_quarter = {{ alias }}.fy_quarter
            {%- endif %}
{%- endmacro %}
