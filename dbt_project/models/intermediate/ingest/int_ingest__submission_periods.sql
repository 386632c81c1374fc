-- Every period each usable submission covers, per source, ranked: rank 1 is in force (the
-- latest extraction date; on the same date the later arrival). The periods are the scope
-- ingest recorded for the submission (SOURCES.md, submissions), so a nil return holds its
-- periods with no rows.
with ledger as (
    select * from {{ ref('stg_ingest__ledger') }}
    where is_usable
),

recorded as (
    select
        source,
        record_id as submission_id,
        unnest(periods) as period
    from ledger
    where periods is not null
),

legacy as (
    {{ rows_periods(ref('stg_force_crimes__crimes'), 'force_crimes', ['force_code', 'financial_year', 'fy_quarter']) }}
    union all
    {{ rows_periods(ref('stg_force_spos__orders'), 'force_spos', ['force_code', 'financial_year', 'fy_quarter']) }}
    union all
    {{ rows_periods(ref('stg_cps_returns__returns'), 'cps_returns', ['force_code', 'financial_year', 'fy_quarter']) }}
    union all
    {{ rows_periods(ref('stg_helpline_contacts__contacts'), 'helpline_contacts', ['month']) }}
    union all
    {{ rows_periods(ref('stg_advocacy_caseload__months'), 'advocacy_caseload', ['service_name', 'force_code', 'month']) }}
    union all
    {{ rows_periods(ref('stg_action_plan_returns__returns'), 'action_plan_returns', ['force_code', 'financial_year', 'fy_quarter']) }}
    union all
    {{ rows_periods(ref('stg_survey_estimates__estimates'), 'survey_estimates', ['period_end']) }}
    union all
    {{ rows_periods(ref('stg_service_funding__returns'), 'service_funding', ['service_name', 'force_code', 'financial_year']) }}
    union all
    {{ rows_periods(ref('stg_training_returns__returns'), 'training_returns', ['force_code', 'financial_year']) }}
    union all
    {{ rows_periods(ref('stg_masip_returns__returns'), 'masip_returns', ['force_code', 'financial_year']) }}
    union all
    {{ rows_periods(ref('stg_published__home_office_prc'), 'home_office_prc', ['financial_year', 'fy_quarter']) }}
    union all
    {{ rows_periods(ref('stg_published__ons_pfa_tables'), 'ons_pfa_tables', ['period_end']) }}
    union all
    {{ rows_periods(ref('stg_published__ons_pfa_rolling'), 'ons_pfa_rolling', ['period_end']) }}
),

periods as (
    select
        recorded.source,
        recorded.submission_id,
        recorded.period.period_key,
        recorded.period.rows as period_rows
    from recorded
    union all
    select
        legacy.source,
        legacy.submission_id,
        legacy.period_key,
        legacy.period_rows
    from legacy
)

select
    periods.source,
    periods.period_key,
    periods.submission_id,
    ledger.extracted_at,
    ledger.ingest_seq,
    periods.period_rows,
    row_number() over (
        partition by periods.source, periods.period_key
        order by ledger.extracted_at desc, ledger.ingest_seq desc, periods.submission_id asc
    ) as submission_rank
from periods
inner join ledger on periods.submission_id = ledger.record_id
