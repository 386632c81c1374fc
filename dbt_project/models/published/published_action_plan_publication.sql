-- Whether and when each force published its action plan, against the requested date, as in
-- marts (no counts of people).
{{ config(alias='action_plan_publication') }}

select
    force_code,
    latest_return_quarter,
    plan_published,
    plan_published_date,
    requested_by,
    published_by_requested_date,
    publication_status
from {{ ref('action_plan_publication') }}
