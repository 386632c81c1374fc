-- Recommendations overdue at the end of the latest quarter of the tracker: due by then and not
-- shown implemented or declined (not reported counts as not shown).
with latest as (
    select max(financial_year || fy_quarter) as latest_quarter
    from {{ ref('action_plan_status_quarterly') }}
)

select
    statuses.force_code,
    statuses.financial_year,
    statuses.fy_quarter,
    statuses.quarter_end,
    statuses.recommendation_id,
    statuses.due_date,
    statuses.status,
    statuses.status_date,
    statuses.force_returned,
    date_diff('day', statuses.due_date, statuses.quarter_end) as days_overdue
from {{ ref('action_plan_status_quarterly') }} as statuses
inner join latest on statuses.financial_year || statuses.fy_quarter = latest.latest_quarter
where statuses.is_overdue
