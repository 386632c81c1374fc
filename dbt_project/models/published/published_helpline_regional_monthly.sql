-- Helpline contacts by month, region and channel ('all' for every channel), disclosure
-- controlled together with fct_helpline_monthly: a region sums its territorial force areas
-- and the contacts whose force area is not known but whose region is.
{{ config(alias='helpline_regional_monthly') }}

{%- set counts = ['contacts', 'answered', 'unanswered'] %}

with rows_ as (
    select * from {{ ref('disclosure_rows__helpline_regions') }}
),

status as (
    {{ disclosure_status('helpline_regional_monthly', counts) }}
)

select
    rows_.month,
    rows_.region_code,
    rows_.area_label,
    rows_.channel,
    {%- for column in counts %}
        {{ disclosure_count(column) }}{% if not loop.last %},{% endif %}
    {%- endfor %}
from rows_
left join status on rows_.row_key = status.row_key
