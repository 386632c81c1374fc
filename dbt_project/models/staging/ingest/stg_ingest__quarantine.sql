select
    coalesce(record_id, file_sha256) as record_id,
    file_sha256,
    source,
    file_name,
    row_number,
    column_name,
    rule,
    message,
    value_shape
from {{ source('ingest', 'quarantine') }}
