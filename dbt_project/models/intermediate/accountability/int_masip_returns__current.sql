-- MASIP returns in force after resubmissions (latest per force and financial year).
{{ rows_of_version(ref('stg_masip_returns__returns'), 'masip_returns', ['force_code', 'financial_year']) }}
