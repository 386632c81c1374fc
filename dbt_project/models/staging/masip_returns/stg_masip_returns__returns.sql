-- Forces' MASIP returns in usable submissions: one row per force and financial year (whether a
-- Multi-Agency Stalking Intervention Programme is in place, since when, its capacity).
with returns as (
    {{ usable_submission_rows(source('raw', 'masip_returns')) }}
)

select
    returns.submission_id,
    returns.ingest_seq,
    returns.source_row_number,
    returns.force_code,
    returns.financial_year,
    returns.programme_in_place = 'Y' as programme_in_place,
    returns.start_date,
    returns.funded_places,
    returns.lead_agency_code
from returns
