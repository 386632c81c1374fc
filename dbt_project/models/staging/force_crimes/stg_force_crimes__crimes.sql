-- One row per crime in a usable submission; references are keyed hashes from ingest.
-- Incremental: each run reads only the submissions it has not loaded yet (national volume is
-- millions of rows; a new force-quarter file is thousands), so it lists its files rather than
-- reading the source's glob; this line records the lineage from raw/force_crimes:
-- depends_on: {{ source('raw', 'force_crimes') }}
{{ config(
    materialized='incremental',
    unique_key='submission_id',
    incremental_strategy='delete+insert',
) }}

with crimes as (
    {{ usable_submission_rows("read_parquet(" ~ submission_files('force_crimes') ~ ", union_by_name = true)") }}
)

select
    crimes.submission_id,
    crimes.ingest_seq,
    crimes.source_row_number,
    crimes.force_code,
    crimes.crime_ref as crime_key,
    crimes.recorded_date,
    {{ financial_year('crimes.recorded_date') }} as financial_year,
    {{ fy_quarter('crimes.recorded_date') }} as fy_quarter,
    crimes.offence_code,
    crimes.offence_subcode,
    crimes.victim_ref as victim_key,
    crimes.victim_age_band,
    crimes.victim_sex,
    crimes.suspect_ref as suspect_key,
    crimes.relationship,
    crimes.domestic_flag = 'Y' as is_domestic,
    crimes.cyber_flag = 'Y' as is_cyber,
    crimes.screening_completed = 'Y' as is_screened,
    crimes.risk_level,
    crimes.masip_referral = 'Y' as is_masip_referred,
    crimes.outcome_type,
    crimes.outcome_date
from crimes
