-- Outcomes by force, financial year of recording, offence and outcome type, with national
-- totals: summed from exact quarterly counts, then disclosure controlled.
{{ config(alias='fct_outcomes_yearly') }}

{{ published_yearly(
    'fct_outcomes_yearly', 'disclosure_rows__outcomes_yearly',
    keys=['force_code', 'offence_code', 'outcome_type'], counts=['outcomes'],
    source='force_crimes', status_kinds=[('outcome_status', '')], carried=['outcome_group'],
) }}
