-- Recommendations overdue at the end of the tracker's latest quarter, as in marts (no counts
-- of people; the days overdue follow from the two dates shown).
{{ config(alias='action_plan_overdue') }}

select
    force_code,
    financial_year,
    fy_quarter,
    quarter_end,
    recommendation_id,
    due_date,
    status,
    status_date,
    force_returned
from {{ ref('action_plan_overdue') }}
