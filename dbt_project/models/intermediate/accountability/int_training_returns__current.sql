-- Training returns in force after resubmissions (latest per force and financial year).
{{ rows_of_version(ref('stg_training_returns__returns'), 'training_returns', ['force_code', 'financial_year']) }}
