-- SPO applications in force after resubmissions (latest submission per force-quarter).
{{ rows_of_version(ref('stg_force_spos__orders'), 'force_spos', ['force_code', 'financial_year', 'fy_quarter']) }}
