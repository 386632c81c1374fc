-- Service funding returns in usable submissions: one row per service, force area served,
-- financial year and funding source (SOURCES.md §11).
with funding as (
    {{ usable_submission_rows(source('raw', 'service_funding')) }}
)

select
    funding.submission_id,
    funding.ingest_seq,
    funding.source_row_number,
    funding.service_name,
    funding.force_code,
    funding.financial_year,
    funding.funding_source,
    funding.funding_gbp,
    funding.advocate_fte,
    funding.caseload_capacity
from funding
