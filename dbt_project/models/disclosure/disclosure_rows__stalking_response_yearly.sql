-- fct_stalking_response_yearly before suppression: disclosure_rows__stalking_response summed
-- over each financial year's quarters, from exact counts (disclosure schema).

{{ disclosure_yearly_rows(
    'disclosure_rows__stalking_response',
    keys=['force_code'],
    sums=[
        'stalking_crimes', 'screened', 'risk_assessed', 'high_risk', 'masip_referred',
        'outcomes_assigned', 'charged_summonsed', 'evidential_difficulties', 'cyber_enabled',
        'domestic',
    ],
) }}
