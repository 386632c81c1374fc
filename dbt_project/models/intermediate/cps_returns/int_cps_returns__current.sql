-- CPS returns in force after resubmissions (latest submission per force-quarter).
{{ rows_of_version(ref('stg_cps_returns__returns'), 'cps_returns', ['force_code', 'financial_year', 'fy_quarter']) }}
