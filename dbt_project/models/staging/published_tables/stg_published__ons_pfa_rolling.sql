-- ONS recorded crime at PFA level, rolling 12-month totals (CSV), as published.
with rows_ as (
    select * from {{ source('raw', 'ons_pfa_rolling') }}
    where _submission_id is not null
),

ledger as (
    select * from {{ ref('stg_ingest__ledger') }}
    where is_usable
)

select
    rows_._submission_id as submission_id,
    ledger.ingest_seq,
    rows_._row_number as source_row_number,
    'ons_pfa_rolling' as publication,
    rows_.area_code,
    rows_.area_name,
    rows_.area_type,
    rows_.region,
    rows_.period_end,
    rows_.offence_group,
    rows_.offences
from rows_
inner join ledger on rows_._submission_id = ledger.record_id
