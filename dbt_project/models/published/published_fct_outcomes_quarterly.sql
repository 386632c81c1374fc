-- Outcomes by force, quarter of recording, offence and outcome type, with national totals,
-- disclosure controlled.
{{ config(alias='fct_outcomes_quarterly') }}

with rows_ as (
    select * from {{ ref('disclosure_rows__outcomes') }}
),

status as (
    {{ disclosure_status('fct_outcomes_quarterly', ['outcomes']) }}
)

select
    rows_.force_code,
    rows_.area_label,
    rows_.financial_year,
    rows_.fy_quarter,
    rows_.offence_code,
    rows_.outcome_type,
    rows_.outcome_group,
    {{ disclosure_count('outcomes') }}
from rows_
left join status on rows_.row_key = status.row_key
