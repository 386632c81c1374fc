-- The police response to stalking (8Q) crimes by force and quarter of recording: screening,
-- risk assessment, MASIP referral and outcomes. The inputs of the response metrics.
select
    force_code,
    financial_year,
    fy_quarter,
    count(*) as stalking_crimes,
    count(*) filter (where is_screened) as screened,
    count(*) filter (where risk_level != 'not_assessed') as risk_assessed,
    count(*) filter (where risk_level = 'high') as high_risk,
    count(*) filter (where is_masip_referred) as masip_referred,
    count(*) filter (where outcome_type > 0) as outcomes_assigned,
    count(*) filter (where outcome_type = 1) as charged_summonsed,
    count(*) filter (where outcome_type between 14 and 16) as evidential_difficulties,
    count(*) filter (where is_cyber) as cyber_enabled,
    count(*) filter (where is_domestic) as domestic
from {{ ref('int_force_crimes__current') }}
where offence_code = '8Q'
group by force_code, financial_year, fy_quarter
