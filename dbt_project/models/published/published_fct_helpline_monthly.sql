-- Helpline contacts by month, force area (NULL when not known) and channel, with national
-- totals over the territorial forces, disclosure controlled.
{{ config(alias='fct_helpline_monthly') }}

{%- set counts = ['contacts', 'answered', 'unanswered'] %}

with rows_ as (
    select * from {{ ref('disclosure_rows__helpline') }}
),

status as (
    {{ disclosure_status('fct_helpline_monthly', counts) }}
)

select
    rows_.month,
    rows_.force_code,
    rows_.area_label,
    rows_.channel,
    rows_.region_code,
    {%- for column in counts %}
        {{ disclosure_count(column) }}{% if not loop.last %},{% endif %}
    {%- endfor %}
from rows_
left join status on rows_.row_key = status.row_key
