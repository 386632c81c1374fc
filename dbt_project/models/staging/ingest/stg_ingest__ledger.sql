select
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
    status in ('accepted', 'partially_accepted') and validation != 'failed' as is_usable
from {{ source('ingest', 'ledger') }}
