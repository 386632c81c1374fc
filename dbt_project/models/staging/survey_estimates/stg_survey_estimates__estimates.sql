-- Published survey estimates in usable submissions: one row per survey and 12 months.
with estimates as (
    {{ usable_submission_rows(source('raw', 'survey_estimates')) }}
)

select
    estimates.submission_id,
    estimates.ingest_seq,
    estimates.source_row_number,
    estimates.survey,
    estimates.period_end,
    estimates.estimate_pct,
    estimates.lower_pct,
    estimates.upper_pct,
    estimates.population_base
from estimates
