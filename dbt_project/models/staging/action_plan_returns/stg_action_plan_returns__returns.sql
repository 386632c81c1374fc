-- Forces' action-plan progress returns in usable submissions: one row per force, return
-- quarter and recommendation (the status as at the end of the quarter).
with returns as (
    {{ usable_submission_rows(source('raw', 'action_plan_returns')) }}
)

select
    returns.submission_id,
    returns.ingest_seq,
    returns.source_row_number,
    returns.force_code,
    returns.financial_year,
    returns.fy_quarter,
    returns.recommendation_id,
    returns.status,
    returns.status_date,
    returns.evidence_ref,
    returns.plan_published = 'Y' as plan_published,
    returns.plan_published_date
from returns
