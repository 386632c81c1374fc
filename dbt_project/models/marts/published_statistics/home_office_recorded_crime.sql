-- Home Office police recorded crime open data (PFA level), latest edition in force for each
-- quarter, figures as published. Non-force bodies (Action Fraud, CIFAS, UK Finance) keep a
-- null force_code. Counts can be negative (reclassifications).
with in_force as (
    {{ rows_of_version(ref('stg_published__home_office_prc'), 'home_office_prc', ['financial_year', 'fy_quarter']) }}
)

select
    force_code,
    force_name,
    is_force,
    financial_year,
    fy_quarter,
    offence_code,
    any_value(offence_description) as offence_description,
    any_value(offence_group) as offence_group,
    any_value(offence_subgroup) as offence_subgroup,
    sum(offences) as offences
from in_force
group by force_code, force_name, is_force, financial_year, fy_quarter, offence_code
