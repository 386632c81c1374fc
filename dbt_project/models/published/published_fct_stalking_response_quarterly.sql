-- The police response to stalking crimes by force and quarter, with national totals,
-- disclosure controlled. outcomes_assigned, charged_summonsed and evidential_difficulties are
-- outcome-based: their status is outcome_period_status.
{{ config(alias='fct_stalking_response_quarterly') }}

{{ published_count_table(
    'fct_stalking_response_quarterly', 'disclosure_rows__stalking_response',
    columns=['force_code', 'area_label', 'financial_year', 'fy_quarter'],
    counts=[
        'stalking_crimes', 'screened', 'risk_assessed', 'high_risk', 'masip_referred',
        'outcomes_assigned', 'charged_summonsed', 'evidential_difficulties', 'cyber_enabled',
        'domestic',
    ],
    status_kinds=[('status', ''), ('outcome_status', 'outcome_')],
) }}
