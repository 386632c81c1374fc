-- Action-plan returns in force after resubmissions (latest per force and return quarter).
{{ rows_of_version(ref('stg_action_plan_returns__returns'), 'action_plan_returns', ['force_code', 'financial_year', 'fy_quarter']) }}
