-- Survey estimates in force after resubmissions (latest per 12 months ending in period_end).
{{ rows_of_version(ref('stg_survey_estimates__estimates'), 'survey_estimates', ['period_end']) }}
