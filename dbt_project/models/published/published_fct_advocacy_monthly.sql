-- Advocacy services' monthly caseloads by service and force area, with each service's total
-- and an all-services total, disclosure controlled.
{{ config(alias='fct_advocacy_monthly') }}

{%- set counts = [
    'referrals_received', 'cases_opened', 'cases_closed', 'open_cases_end', 'waiting_list_end',
] %}

with rows_ as (
    select * from {{ ref('disclosure_rows__advocacy') }}
),

status as (
    {{ disclosure_status('fct_advocacy_monthly', counts) }}
)

select
    rows_.month,
    rows_.service_name,
    rows_.force_code,
    rows_.area_label,
    {%- for column in counts %}
        {{ disclosure_count(column) }},
    {%- endfor %}
    rows_.advocate_fte
from rows_
left join status on rows_.row_key = status.row_key
