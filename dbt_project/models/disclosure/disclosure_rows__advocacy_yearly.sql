-- fct_advocacy_yearly before suppression: the flows of disclosure_rows__advocacy (service
-- totals X00000001 and the all-services total included) summed over each financial year's
-- months, from exact counts (disclosure schema). Caseloads at month end are stocks: a year
-- has no sum of them, so they are not here.

{{ disclosure_yearly_rows(
    'disclosure_rows__advocacy',
    keys=['service_name', 'force_code'],
    sums=['referrals_received', 'cases_opened', 'cases_closed'],
    period='month',
) }}
