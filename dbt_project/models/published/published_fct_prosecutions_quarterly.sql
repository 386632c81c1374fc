-- CPS decisions, prosecutions and convictions by force area, quarter and offence, with
-- national totals, disclosure controlled.
{{ config(alias='fct_prosecutions_quarterly') }}

{%- set counts = ['pre_charge_decisions', 'charged', 'prosecutions_completed', 'convictions'] %}

with rows_ as (
    select * from {{ ref('disclosure_rows__prosecutions') }}
),

status as (
    {{ disclosure_status('fct_prosecutions_quarterly', counts) }}
)

select
    rows_.force_code,
    rows_.area_label,
    rows_.financial_year,
    rows_.fy_quarter,
    rows_.offence_act,
    rows_.is_stalking_offence,
    rows_.cps_area,
    {%- for column in counts %}
        {{ disclosure_count(column) }}{% if not loop.last %},{% endif %}
    {%- endfor %}
from rows_
left join status on rows_.row_key = status.row_key
