-- Every period each submission covers, per source, ranked by arrival: rank 1 is in force.
-- The period keys say what a resubmission replaces (SOURCES.md, resubmission).
{{ submission_periods(ref('stg_force_crimes__crimes'), 'force_crimes', ['force_code', 'financial_year', 'fy_quarter']) }}
union all
{{ submission_periods(ref('stg_force_spos__orders'), 'force_spos', ['force_code', 'financial_year', 'fy_quarter']) }}
union all
{{ submission_periods(ref('stg_cps_returns__returns'), 'cps_returns', ['force_code', 'financial_year', 'fy_quarter']) }}
union all
{{ submission_periods(ref('stg_helpline_contacts__contacts'), 'helpline_contacts', ['month']) }}
union all
{{ submission_periods(ref('stg_advocacy_caseload__months'), 'advocacy_caseload', ['service_name', 'force_code', 'month']) }}
union all
{{ submission_periods(ref('stg_published__home_office_prc'), 'home_office_prc', ['financial_year', 'fy_quarter']) }}
union all
{{ submission_periods(ref('stg_published__ons_pfa_tables'), 'ons_pfa_tables', ['period_end']) }}
union all
{{ submission_periods(ref('stg_published__ons_pfa_rolling'), 'ons_pfa_rolling', ['period_end']) }}
