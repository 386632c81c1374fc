-- The police response to stalking crimes by force and financial year, with national totals:
-- summed from exact quarterly counts, then disclosure controlled.
{{ config(alias='fct_stalking_response_yearly') }}

{{ published_yearly(
    'fct_stalking_response_yearly', 'disclosure_rows__stalking_response_yearly',
    keys=['force_code'],
    counts=[
        'stalking_crimes', 'screened', 'risk_assessed', 'high_risk', 'masip_referred',
        'outcomes_assigned', 'charged_summonsed', 'evidential_difficulties', 'cyber_enabled',
        'domestic',
    ],
    source='force_crimes', status_kinds=[('status', ''), ('outcome_status', 'outcome_')],
) }}
