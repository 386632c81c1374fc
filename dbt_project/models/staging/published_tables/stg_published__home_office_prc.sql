-- Home Office police recorded crime open data tables (PFA level), as published, from usable
-- editions; the latest edition is in force for each financial quarter.
with rows_ as (
    select * from {{ source('raw', 'home_office_prc') }}
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
    rows_.financial_year,
    rows_.fy_quarter,
    rows_.force_name,
    rows_.force_code,
    rows_.is_force,
    upper(rows_.offence_code) as offence_code,
    rows_.offence_description,
    rows_.offence_group,
    rows_.offence_subgroup,
    rows_.offences
from rows_
inner join ledger on rows_._submission_id = ledger.record_id
