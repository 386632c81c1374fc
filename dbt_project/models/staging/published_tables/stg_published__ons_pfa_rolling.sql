-- ONS recorded crime at PFA level, rolling 12-month totals (CSV), as published.
with rows_ as (
    {{ usable_submission_rows(source('raw', 'ons_pfa_rolling')) }}
)

select
    rows_.submission_id,
    rows_.ingest_seq,
    rows_.source_row_number,
    'ons_pfa_rolling' as publication,
    rows_.area_code,
    rows_.area_name,
    rows_.area_type,
    rows_.region,
    rows_.period_end,
    rows_.offence_group,
    rows_.offences
from rows_
