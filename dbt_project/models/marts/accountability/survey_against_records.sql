-- Police-recorded stalking crimes per 100 survey-estimated victims, nationally, for each
-- survey estimate whose 12 months the Home Office's published counts cover (macros/survey.sql):
-- an indication across different measures, not a rate. Both inputs are published statistics.
with estimates as (
    select * from {{ ref('int_survey_estimates__current') }}
),

national as (
    select
        crimes.financial_year,
        crimes.fy_quarter,
        sum(crimes.offences) as crimes
    from {{ ref('home_office_recorded_crime') }} as crimes
    inner join {{ ref('ref_forces') }} as forces on crimes.force_code = forces.force_code
    where crimes.offence_code = '8Q' and forces.is_territorial
    group by crimes.financial_year, crimes.fy_quarter
),

recorded as (
    {{ recorded_over_twelve_months('estimates', 'national') }}
)

{{ survey_against_records('estimates', 'recorded') }}
from estimates
left join recorded on estimates.period_end = recorded.period_end
