-- Advocacy services' referrals and cases opened and closed by financial year, service and
-- force area served, with each service's total (X00000001) and the all-services total
-- (K04000001): summed from exact monthly counts, then disclosure controlled.
{{ config(alias='fct_advocacy_yearly') }}

{{ published_yearly(
    'fct_advocacy_yearly', 'disclosure_rows__advocacy_yearly',
    keys=['service_name', 'force_code'],
    counts=['referrals_received', 'cases_opened', 'cases_closed'],
    source='advocacy_caseload',
) }}
