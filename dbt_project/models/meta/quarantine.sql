-- Rejected rows and files with the rule broken (WAREHOUSE.md meta.quarantine). Values are
-- never shown raw: only their shape, so no identifier can leak through an error record.
select
    record_id,
    file_sha256,
    source,
    file_name,
    row_number,
    column_name,
    rule,
    message,
    value_shape
from {{ ref('stg_ingest__quarantine') }}
