-- Advocacy service caseloads in usable submissions: one row per service, force and month.
with caseload as (
    select * from {{ source('raw', 'advocacy_caseload') }}
    where _submission_id is not null
),

ledger as (
    select * from {{ ref('stg_ingest__ledger') }}
    where is_usable
)

select
    caseload._submission_id as submission_id,
    ledger.ingest_seq,
    caseload._row_number as source_row_number,
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
inner join ledger on caseload._submission_id = ledger.record_id
