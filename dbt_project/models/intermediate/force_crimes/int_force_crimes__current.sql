-- The crimes in force: for each force-quarter only the latest submission's rows (a
-- resubmission supersedes the period whole; earlier rows stay in raw/ as history).
{{ rows_of_version(ref('stg_force_crimes__crimes'), 'force_crimes', ['force_code', 'financial_year', 'fy_quarter']) }}
