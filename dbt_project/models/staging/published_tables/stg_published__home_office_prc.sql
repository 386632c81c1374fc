-- Home Office police recorded crime open data tables (PFA level), as published, from usable
-- editions; the latest edition is in force for each financial quarter.
with rows_ as (
    {{ usable_submission_rows(source('raw', 'home_office_prc')) }}
)

select
    rows_.submission_id,
    rows_.ingest_seq,
    rows_.source_row_number,
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
