-- MASIPs against the referral rate, public: the programme facts as in marts (a programme, its
-- dates, places and lead agency are no counts of people; docs/DISCLOSURE.md), and every
-- referral-rate column taken from published.force_comparisons with its marker, so a rate
-- withheld there ([c]) is withheld here too, never refilled from marts.
{{ config(alias='masip_coverage') }}
{%- set total = disclosure_total_code() %}

with coverage as (
    select * from {{ ref('masip_coverage') }}
),

rates as (
    select * from {{ ref('published_force_comparisons') }}
    where metric_id = 'masip_referral_rate' and period_type = 'financial_year'
),

national as (
    select
        period as financial_year,
        any_value(national_value) as national_value,
        any_value(national_value_marker) as national_value_marker
    from rates
    group by period
)

select
    coverage.* replace (
        case
            when coverage.force_code = {{ total }} then national.national_value else rates.value
        end as masip_referral_rate,
        -- The published marker as it is; '[x]' only where force_comparisons has no row.
        case
            when coverage.force_code = {{ total }} and national.financial_year is not null
                then national.national_value_marker
            when coverage.force_code != {{ total }} and rates.force_code is not null
                then rates.value_marker
            else '[x]'
        end as masip_referral_rate_marker,
        rates.ci95_low as ci95_low,
        rates.ci95_high as ci95_high,
        rates.funnel_class as funnel_class,
        national.national_value as national_referral_rate,
        case
            when national.financial_year is not null then national.national_value_marker
            else '[x]'
        end as national_referral_rate_marker,
        cast(coverage.funded_places as bigint) as funded_places,
        cast(coverage.population as bigint) as population,
        cast(coverage.population_covered as bigint) as population_covered
    )
from coverage
left join rates
    on coverage.force_code = rates.force_code and coverage.financial_year = rates.period
left join national on coverage.financial_year = national.financial_year
