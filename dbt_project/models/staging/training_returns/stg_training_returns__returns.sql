-- Forces' stalking training returns in usable submissions: one row per force, financial year
-- and course type (officers and staff in scope, and trained as at the year's end).
with returns as (
    {{ usable_submission_rows(source('raw', 'training_returns')) }}
)

select
    returns.submission_id,
    returns.ingest_seq,
    returns.source_row_number,
    returns.force_code,
    returns.financial_year,
    returns.course_type,
    returns.in_scope,
    returns.trained
from returns
