-- Stalking crimes in the forces' extracts against the Home Office's published counts, with
-- national totals, disclosure controlled: where the extract count is suppressed so are the
-- difference and its percentage (the Home Office count is public, so they would reveal it).
{{ config(alias='reconciliation_home_office') }}

with rows_ as (
    select * from {{ ref('disclosure_rows__reconciliation') }}
),

status as (
    {{ disclosure_status('reconciliation_home_office', ['extract_crimes']) }}
)

select
    rows_.force_code,
    rows_.area_label,
    rows_.financial_year,
    rows_.fy_quarter,
    {{ disclosure_count('extract_crimes') }},
    cast(rows_.home_office_offences as bigint) as home_office_offences,
    case when coalesce(status.extract_crimes__suppressed, true) then null else rows_.difference end
        as difference,
    case when coalesce(status.extract_crimes__suppressed, true) then null else rows_.difference_pct end
        as difference_pct,
    case when coalesce(status.extract_crimes__suppressed, true) then '[c]' end as difference_marker,
    {{ period_status_columns() }}
from rows_
left join status on rows_.row_key = status.row_key
{{ period_status_join() }}
