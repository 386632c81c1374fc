-- Every territorial force in every financial quarter any source covers, with the counts the
-- comparison metrics are built from (zero where a source has no rows for the force-quarter).
with quarters as (
    select distinct
        financial_year,
        fy_quarter
    from {{ ref('fct_recorded_crime_quarterly') }}
    union
    select distinct
        financial_year,
        fy_quarter
    from {{ ref('fct_prosecutions_quarterly') }}
),

forces as (
    select
        force_code,
        region_code
    from {{ ref('dim_force') }}
    where is_territorial
),

crimes as (
    select
        crimes.force_code,
        crimes.financial_year,
        crimes.fy_quarter,
        sum(crimes.crimes) filter (where crimes.offence_code = '8Q') as stalking_crimes,
        sum(crimes.crimes) as stalking_harassment_crimes
    from {{ ref('fct_recorded_crime_quarterly') }} as crimes
    inner join {{ ref('ref_offences') }} as offences
        on crimes.offence_code = offences.offence_code
    where offences.offence_subgroup = 'Stalking and harassment'
    group by crimes.force_code, crimes.financial_year, crimes.fy_quarter
),

prosecutions as (
    select
        force_code,
        financial_year,
        fy_quarter,
        sum(convictions) as convictions,
        sum(prosecutions_completed) as prosecutions_completed
    from {{ ref('fct_prosecutions_quarterly') }}
    where is_stalking_offence
    group by force_code, financial_year, fy_quarter
),

helpline as (
    select
        force_code,
        {{ financial_year("strptime(month || '-01', '%Y-%m-%d')") }} as financial_year,
        {{ fy_quarter("strptime(month || '-01', '%Y-%m-%d')") }} as fy_quarter,
        sum(contacts) as helpline_contacts,
        sum(answered) as helpline_answered
    from {{ ref('fct_helpline_monthly') }}
    where force_code is not null
    group by all
),

advocacy_months as (
    select
        force_code,
        month,
        {{ financial_year("strptime(month || '-01', '%Y-%m-%d')") }} as financial_year,
        {{ fy_quarter("strptime(month || '-01', '%Y-%m-%d')") }} as fy_quarter,
        sum(waiting_list_end) as waiting_list_end,
        sum(open_cases_end) as open_cases_end
    from {{ ref('fct_advocacy_monthly') }}
    group by force_code, month
),

advocacy as (
    -- Caseload at the end of the quarter: its last month with a return.
    select
        force_code,
        financial_year,
        fy_quarter,
        arg_max(waiting_list_end, month) as waiting_list_end,
        arg_max(open_cases_end, month) as open_cases_end
    from advocacy_months
    group by force_code, financial_year, fy_quarter
)

select
    forces.force_code,
    forces.region_code,
    quarters.financial_year,
    quarters.fy_quarter,
    populations.population,
    populations.population_mid_year,
    populations.population_basis,
    coalesce(crimes.stalking_crimes, 0) as stalking_crimes,
    coalesce(crimes.stalking_harassment_crimes, 0) as stalking_harassment_crimes,
    coalesce(response.screened, 0) as screened,
    coalesce(response.risk_assessed, 0) as risk_assessed,
    coalesce(response.high_risk, 0) as high_risk,
    coalesce(response.masip_referred, 0) as masip_referred,
    coalesce(response.outcomes_assigned, 0) as outcomes_assigned,
    coalesce(response.charged_summonsed, 0) as charged_summonsed,
    coalesce(response.evidential_difficulties, 0) as evidential_difficulties,
    coalesce(spo.applications, 0) as spo_applications,
    coalesce(spo.granted, 0) as spo_granted,
    coalesce(spo.granted + spo.refused, 0) as spo_decided,
    coalesce(prosecutions.convictions, 0) as convictions,
    coalesce(prosecutions.prosecutions_completed, 0) as prosecutions_completed,
    coalesce(helpline.helpline_contacts, 0) as helpline_contacts,
    coalesce(helpline.helpline_answered, 0) as helpline_answered,
    advocacy.waiting_list_end,
    advocacy.open_cases_end
from forces
cross join quarters
left join {{ ref('int_comparisons__force_populations') }} as populations
    using (force_code, financial_year)
left join crimes using (force_code, financial_year, fy_quarter)
left join {{ ref('fct_stalking_response_quarterly') }} as response
    using (force_code, financial_year, fy_quarter)
left join {{ ref('fct_spo_quarterly') }} as spo using (force_code, financial_year, fy_quarter)
left join prosecutions using (force_code, financial_year, fy_quarter)
left join helpline using (force_code, financial_year, fy_quarter)
left join advocacy using (force_code, financial_year, fy_quarter)
