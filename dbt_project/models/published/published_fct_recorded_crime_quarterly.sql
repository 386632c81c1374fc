-- Crimes recorded by force, quarter and offence, with national totals, disclosure controlled.
{{ config(alias='fct_recorded_crime_quarterly') }}

with rows_ as (
    select * from {{ ref('disclosure_rows__recorded_crime') }}
),

status as (
    {{ disclosure_status('fct_recorded_crime_quarterly', ['crimes']) }}
)

select
    rows_.force_code,
    rows_.area_label,
    rows_.financial_year,
    rows_.fy_quarter,
    rows_.offence_code,
    rows_.offence_description,
    {{ disclosure_count('crimes') }},
    rows_.is_revised,
    case when rows_.is_revised then '[r]' end as revised_marker
from rows_
left join status on rows_.row_key = status.row_key
