-- ONS police force area data tables (P1 numbers, P3 rates and populations), long format,
-- figures exactly as published; shorthand such as [x] or [c] kept in the marker columns.
with rows_ as (
    {{ usable_submission_rows(source('raw', 'ons_pfa_tables')) }}
)

select
    rows_.submission_id,
    rows_.ingest_seq,
    rows_.source_row_number,
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
