-- Outcomes by force, quarter of recording, offence and outcome type, with national totals,
-- disclosure controlled (outcome-based: provisional while outcomes are still assigned).
{{ config(alias='fct_outcomes_quarterly') }}

{{ published_count_table(
    'fct_outcomes_quarterly', 'disclosure_rows__outcomes',
    columns=['force_code', 'area_label', 'financial_year', 'fy_quarter', 'offence_code', 'outcome_type', 'outcome_group'],
    counts=['outcomes'],
    status_kinds=[('outcome_status', '')],
) }}
