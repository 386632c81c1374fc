-- Advocacy caseloads in force after resubmissions (latest per service, force and month).
{{ rows_of_version(ref('stg_advocacy_caseload__months'), 'advocacy_caseload', ['service_name', 'force_code', 'month']) }}
