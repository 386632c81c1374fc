-- Forces' action-plan status by recommendation and quarter, as in marts: statuses, dates and
-- flags of one force each, no counts of people, so no disclosure control (DISCLOSURE.md).
{{ config(alias='action_plan_status_quarterly') }}

select
    force_code,
    financial_year,
    fy_quarter,
    quarter_end,
    recommendation_id,
    due_date,
    force_returned,
    status,
    status_date,
    evidence_ref,
    is_due,
    is_overdue,
    previous_status
from {{ ref('action_plan_status_quarterly') }}
