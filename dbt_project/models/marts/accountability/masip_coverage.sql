-- MASIPs against the referral rate (issue 18 item 3): per territorial force and financial year,
-- whether a Multi-Agency Stalking Intervention Programme is in place (from the force's MASIP
-- return), since when, its funded places and lead agency, beside the force's MASIP referral
-- rate for the year (force_comparisons, metric masip_referral_rate, with its interval and
-- funnel class); and a national row per year (K04000001): forces with a programme and the
-- share of the population living in their areas. The published copy takes every rate column
-- from published.force_comparisons instead, markers and all (published_masip_coverage).
{%- set total = disclosure_total_code() %}

with rates as (
    select
        force_code,
        period as financial_year,
        value,
        ci95_low,
        ci95_high,
        funnel_class,
        is_low_reliability,
        national_value,
        period_status
    from {{ ref('force_comparisons') }}
    where metric_id = 'masip_referral_rate' and period_type = 'financial_year'
),

returns as (
    select * from {{ ref('int_masip_returns__current') }}
),

years as (
    select distinct financial_year from rates
    union
    select distinct financial_year from returns
),

national_rates as (
    select
        financial_year,
        any_value(national_value) as national_value,
        any_value(period_status) as period_status
    from rates
    group by financial_year
),

force_rows as (
    select
        forces.force_code,
        forces.force_name as area_label,
        forces.region_code,
        years.financial_year,
        coalesce(rates.period_status, national_rates.period_status) as period_status,
        case
            when returns.force_code is null then 'not_reported'
            when returns.programme_in_place then 'in_place'
            else 'not_in_place'
        end as programme_status,
        returns.programme_in_place,
        returns.start_date as programme_since,
        returns.funded_places,
        returns.lead_agency_code,
        agencies.lead_agency_name,
        cast(null as bigint) as forces_returned,
        cast(null as bigint) as forces_with_programme,
        populations.population,
        rates.value as masip_referral_rate,
        case
            when rates.force_code is null then '[x]'
            when rates.is_low_reliability then '[u]'
        end as masip_referral_rate_marker,
        rates.ci95_low,
        rates.ci95_high,
        rates.funnel_class,
        national_rates.national_value as national_referral_rate
    from {{ ref('dim_force') }} as forces
    cross join years
    left join returns
        on forces.force_code = returns.force_code and years.financial_year = returns.financial_year
    left join {{ ref('ref_masip_lead_agencies') }} as agencies
        on returns.lead_agency_code = agencies.lead_agency_code
    left join {{ ref('int_comparisons__force_populations') }} as populations
        on
            forces.force_code = populations.force_code
            and years.financial_year = populations.financial_year
    left join rates
        on forces.force_code = rates.force_code and years.financial_year = rates.financial_year
    left join national_rates on years.financial_year = national_rates.financial_year
    where forces.is_territorial
),

national_rows as (
    -- Population covered: residents of the force areas with a programme in place (seeds'
    -- mid-year estimates for the year); a force with no return counts as not covered.
    select
        {{ total }} as force_code,
        'England and Wales' as area_label,
        cast(null as varchar) as region_code,
        financial_year,
        any_value(period_status) as period_status,
        cast(null as varchar) as programme_status,
        cast(null as boolean) as programme_in_place,
        cast(null as date) as programme_since,
        sum(funded_places) as funded_places,
        cast(null as varchar) as lead_agency_code,
        cast(null as varchar) as lead_agency_name,
        count(*) filter (where programme_status != 'not_reported') as forces_returned,
        count(*) filter (where programme_status = 'in_place') as forces_with_programme,
        sum(population) as population,
        any_value(national_referral_rate) as masip_referral_rate,
        case when any_value(national_referral_rate) is null then '[x]' end
            as masip_referral_rate_marker,
        cast(null as double) as ci95_low,
        cast(null as double) as ci95_high,
        cast(null as varchar) as funnel_class,
        any_value(national_referral_rate) as national_referral_rate
    from force_rows
    group by financial_year
),

coverage as (
    select * from force_rows
    union all by name
    select * from national_rows
)

select
    coverage.force_code,
    coverage.area_label,
    coverage.region_code,
    coverage.financial_year,
    coverage.period_status,
    case when coverage.period_status != 'complete' then '[p]' end as period_status_marker,
    coverage.programme_status,
    coverage.programme_in_place,
    coverage.programme_since,
    coverage.funded_places,
    coverage.lead_agency_code,
    coverage.lead_agency_name,
    coverage.forces_returned,
    coverage.forces_with_programme,
    coverage.population,
    case
        when coverage.force_code = {{ total }} then coalesce(covered.population_covered, 0)
        when coverage.programme_in_place then coverage.population
        when coverage.programme_status = 'not_in_place' then 0
    end as population_covered,
    case
        when coverage.force_code = {{ total }}
            then coalesce(covered.population_covered, 0) / nullif(coverage.population, 0)
    end as population_share_covered,
    coverage.masip_referral_rate,
    coverage.masip_referral_rate_marker,
    coverage.ci95_low,
    coverage.ci95_high,
    coverage.funnel_class,
    coverage.national_referral_rate,
    case when coverage.national_referral_rate is null then '[x]' end
        as national_referral_rate_marker
from coverage
left join (
    select
        financial_year,
        sum(population) filter (where programme_in_place) as population_covered
    from force_rows
    group by financial_year
) as covered
    on coverage.financial_year = covered.financial_year
