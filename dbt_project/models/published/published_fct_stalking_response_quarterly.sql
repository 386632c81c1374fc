-- The police response to stalking crimes by force and quarter, with national totals,
-- disclosure controlled.
{{ config(alias='fct_stalking_response_quarterly') }}

{%- set counts = [
    'stalking_crimes', 'screened', 'risk_assessed', 'high_risk', 'masip_referred',
    'outcomes_assigned', 'charged_summonsed', 'evidential_difficulties', 'cyber_enabled',
    'domestic',
] %}

with rows_ as (
    select * from {{ ref('disclosure_rows__stalking_response') }}
),

status as (
    {{ disclosure_status('fct_stalking_response_quarterly', counts) }}
)

select
    rows_.force_code,
    rows_.area_label,
    rows_.financial_year,
    rows_.fy_quarter,
    {%- for column in counts %}
        {{ disclosure_count(column) }}{% if not loop.last %},{% endif %}
    {%- endfor %}
from rows_
left join status on rows_.row_key = status.row_key
