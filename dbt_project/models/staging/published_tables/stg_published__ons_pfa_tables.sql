-- ONS police force area data tables (P1 numbers, P3 rates and populations), long format,
-- figures exactly as published; shorthand such as [x] or [c] kept in the marker columns.
with rows_ as (
    select * from {{ source('raw', 'ons_pfa_tables') }}
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
    rows_._sheet as source_sheet,
    'ons_pfa_tables' as publication,
    rows_.area_code,
    rows_.area_name,
    rows_.area_type,
    rows_.period_end,
    rows_.offence_group,
    rows_.offences,
    rows_.offences_marker,
    rows_.population,
    rows_.rate_per_1000,
    rows_.rate_marker
from rows_
inner join ledger on rows_._submission_id = ledger.record_id
