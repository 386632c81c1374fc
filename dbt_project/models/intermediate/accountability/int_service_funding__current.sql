-- Service funding returns in force after resubmissions (latest per service, force area and
-- financial year: a later return for the year replaces all its funders' rows).
{{ rows_of_version(ref('stg_service_funding__returns'), 'service_funding', ['service_name', 'force_code', 'financial_year']) }}
