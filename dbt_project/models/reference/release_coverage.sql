{{ config(schema='release', alias='coverage') }}
{#- Which submitter sent which source for which period: submitted yes or no, never how many
    rows (a row count next to a suppressed cell gives it away). The grid is every expected
    submitter of a source (the 43 territorial forces for force-area sources) against every
    period anyone submitted for that source. Advocacy services are counted by the force area
    they serve: service names are free text and never published here. -#}
with submitted as (
    select distinct
        source,
        case
            when source in ('force_crimes', 'force_spos', 'cps_returns', 'action_plan_returns')
                then split_part(period_key, '|', 1)
            when source = 'advocacy_caseload' then split_part(period_key, '|', 2)
            when source = 'service_funding' then split_part(period_key, '|', 2)
            when source = 'training_returns' then split_part(period_key, '|', 1)
            when source = 'helpline_contacts' then 'national_helpline'
            when source = 'home_office_prc' then 'home_office'
            when source = 'survey_estimates' then 'survey'
            when source = 'masip_returns' then split_part(period_key, '|', 1)
            else 'ons'
        end as submitter,
        case
            when source in ('force_crimes', 'force_spos', 'cps_returns', 'action_plan_returns')
                then split_part(period_key, '|', 2) || ' ' || split_part(period_key, '|', 3)
            when source = 'advocacy_caseload' then split_part(period_key, '|', 3)
            when source = 'service_funding' then split_part(period_key, '|', 3)
            when source = 'training_returns' then split_part(period_key, '|', 2)
            when source = 'home_office_prc' then replace(period_key, '|', ' ')
            when source = 'masip_returns' then split_part(period_key, '|', 2)
            else period_key
        end as period
    from {{ ref('int_ingest__submission_periods') }}
),

known as (
    select *
    from submitted
    where
        source not in (
            'force_crimes', 'force_spos', 'cps_returns', 'advocacy_caseload', 'action_plan_returns',
            'service_funding', 'training_returns', 'masip_returns'
        )
        or submitter in (
            select territorial.force_code
            from {{ ref('ref_forces') }} as territorial
            where territorial.is_territorial
        )
),

grain as (
    select distinct
        source,
        case
            when
                source in (
                    'force_crimes', 'force_spos', 'cps_returns', 'advocacy_caseload',
                    'action_plan_returns', 'service_funding', 'masip_returns'
                )
                then 'force_area'
            when source = 'training_returns' then 'force_area'
            else 'national'
        end as submitter_kind,
        case
            when source in ('force_crimes', 'force_spos', 'cps_returns', 'action_plan_returns', 'home_office_prc') then 'quarter'
            when source in ('helpline_contacts', 'advocacy_caseload') then 'month'
            when source = 'service_funding' then 'financial_year'
            when source = 'training_returns' then 'financial_year'
            when source = 'masip_returns' then 'financial_year'
            else 'period_end'
        end as period_type
    from known
),

submitters as (
    select
        grain.source,
        forces.force_code as submitter
    from grain
    cross join {{ ref('ref_forces') }} as forces
    where grain.submitter_kind = 'force_area' and forces.is_territorial
    union
    select distinct
        source,
        submitter
    from known
),

periods as (
    select distinct
        source,
        period
    from known
)

select
    submitters.source,
    grain.submitter_kind,
    submitters.submitter,
    grain.period_type,
    periods.period,
    known.source is not null as submitted
from submitters
inner join grain on submitters.source = grain.source
inner join periods on submitters.source = periods.source
left join known
    on
        submitters.source = known.source
        and submitters.submitter = known.submitter
        and periods.period = known.period
