-- Stalking Protection Order applications by force and quarter, with national totals,
-- disclosure controlled.
{{ config(alias='fct_spo_quarterly') }}

{%- set counts = ['applications', 'granted', 'refused', 'withdrawn', 'pending', 'breaches'] %}

with rows_ as (
    select * from {{ ref('disclosure_rows__spo') }}
),

status as (
    {{ disclosure_status('fct_spo_quarterly', counts) }}
)

select
    rows_.force_code,
    rows_.area_label,
    rows_.financial_year,
    rows_.fy_quarter,
    {%- for column in counts %}
        {{ disclosure_count(column) }},
    {%- endfor %}
    rows_.is_revised,
    case when rows_.is_revised then '[r]' end as revised_marker
from rows_
left join status on rows_.row_key = status.row_key
