-- Outcomes of crimes by the quarter the crime was recorded ("outcomes for offences recorded
-- in quarter"), by force, offence code and Home Office outcome type (0 = not yet assigned).
select
    crimes.force_code,
    crimes.financial_year,
    crimes.fy_quarter,
    crimes.offence_code,
    crimes.outcome_type,
    outcome_types.outcome_group,
    count(*) as outcomes
from {{ ref('int_force_crimes__current') }} as crimes
left join {{ ref('ref_outcome_types') }} as outcome_types
    on crimes.outcome_type = outcome_types.outcome_type
group by all
