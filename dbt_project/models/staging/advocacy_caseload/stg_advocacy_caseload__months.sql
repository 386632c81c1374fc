-- Advocacy service caseloads in usable submissions: one row per service, force and month.
with caseload as (
    {{ usable_submission_rows(source('raw', 'advocacy_caseload')) }}
)

select
    caseload.submission_id,
    caseload.ingest_seq,
    caseload.source_row_number,
    caseload.service_name,
    caseload.month,
    caseload.force_code,
    caseload.referrals_received,
    caseload.cases_opened,
    caseload.cases_closed,
    caseload.open_cases_end,
    caseload.waiting_list_end,
    caseload.advocate_fte
from caseload
