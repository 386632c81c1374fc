-- One row per arrival (ingest/ledger.py): what became of each file. A submission's rows feed
-- the warehouse only while it is usable; held, stale, refused and duplicate arrivals never.
select
    coalesce(record_id, file_sha256) as record_id,
    file_sha256,
    source,
    profile,
    file_name,
    received_at,
    ingest_seq,
    rows_read,
    rows_accepted,
    rows_rejected,
    status as ingest_status,
    message,
    is_synthetic,
    validation,
    duplicate_of,
    submitter,
    declared_periods,
    coalesce(extracted_at, received_at) as extracted_at,
    extraction_source,
    periods,
    key_fingerprint,
    status in ('accepted', 'partially_accepted') and validation != 'failed' as is_usable
from {{ source('ingest', 'ledger') }}
