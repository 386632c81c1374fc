-- fct_stalking_response_quarterly with national totals, before suppression (disclosure schema).

{{ disclosure_with_totals(
    ref('fct_stalking_response_quarterly'),
    keys=['force_code', 'financial_year', 'fy_quarter'],
    sums=[
        'stalking_crimes', 'screened', 'risk_assessed', 'high_risk', 'masip_referred',
        'outcomes_assigned', 'charged_summonsed', 'evidential_difficulties', 'cyber_enabled',
        'domestic',
    ],
) }}
