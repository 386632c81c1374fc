-- Every arrival, what became of it, and why (WAREHOUSE.md meta.ingest_ledger).
select
    ledger.record_id,
    ledger.file_sha256,
    ledger.source,
    ledger.profile,
    ledger.file_name,
    ledger.received_at,
    ledger.extracted_at,
    ledger.extraction_source,
    ledger.submitter,
    ledger.declared_periods,
    ledger.rows_read,
    ledger.rows_accepted,
    ledger.rows_rejected,
    case
        when superseded.submission_id is not null then 'superseded'
        when ledger.validation = 'failed' then 'quarantined'
        else ledger.ingest_status
    end as status,
    ledger.duplicate_of,
    ledger.message,
    ledger.validation,
    ledger.is_synthetic
from {{ ref('stg_ingest__ledger') }} as ledger
left join {{ ref('int_ingest__superseded_submissions') }} as superseded
    on ledger.record_id = superseded.submission_id
