-- Courses of conduct and possible unrecognised stalking by force and financial year, with
-- national totals, disclosure controlled.
{{ config(alias='fct_courses_of_conduct_yearly') }}

{%- set counts = ['courses_of_conduct', 'recognised_as_stalking', 'possible_unrecognised', 'crimes_in_courses'] %}

with rows_ as (
    select * from {{ ref('disclosure_rows__courses_of_conduct') }}
),

status as (
    {{ disclosure_status('fct_courses_of_conduct_yearly', counts) }}
)

select
    rows_.force_code,
    rows_.area_label,
    rows_.financial_year,
    {%- for column in counts %}
        {{ disclosure_count(column) }}{% if not loop.last %},{% endif %}
    {%- endfor %}
from rows_
left join status on rows_.row_key = status.row_key
