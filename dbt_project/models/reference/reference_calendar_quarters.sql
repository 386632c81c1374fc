-- One row per financial quarter: its financial year, first and last day, and label.
select
    financial_year,
    fy_quarter,
    quarter_label,
    min(month_start) as quarter_start,
    max(month_end) as quarter_end,
    min(month) as first_month,
    max(month) as last_month
from {{ ref('reference_calendar') }}
group by financial_year, fy_quarter, quarter_label
