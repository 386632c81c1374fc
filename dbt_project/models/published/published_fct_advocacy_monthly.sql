-- Advocacy services' monthly caseloads by service and force area, with each service's total
-- over the force areas it serves (force_code X00000001) and an all-services total for England
-- and Wales (K04000001), disclosure controlled.
{{ config(alias='fct_advocacy_monthly') }}

{{ published_count_table(
    'fct_advocacy_monthly', 'disclosure_rows__advocacy',
    columns=['month', 'service_name', 'force_code', 'area_label'],
    counts=['referrals_received', 'cases_opened', 'cases_closed', 'open_cases_end', 'waiting_list_end'],
    carried=['advocate_fte'],
    period_type='month',
) }}
