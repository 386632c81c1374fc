-- CPS pre-charge decisions, charges, completed prosecutions and convictions by the police
-- force area the cases came from, quarter and Protection from Harassment Act offence.
select
    force_code,
    financial_year,
    fy_quarter,
    offence_act,
    is_stalking_offence,
    any_value(cps_area) as cps_area,
    sum(pre_charge_decisions) as pre_charge_decisions,
    sum(charged) as charged,
    sum(prosecutions_completed) as prosecutions_completed,
    sum(convictions) as convictions
from {{ ref('int_cps_returns__current') }}
group by force_code, financial_year, fy_quarter, offence_act, is_stalking_offence
