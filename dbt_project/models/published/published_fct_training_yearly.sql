-- Stalking training by force, financial year and course type, with national totals,
-- disclosure controlled like every published count (staff counts, not victims).
{{ config(alias='fct_training_yearly') }}

{{ published_count_table(
    'fct_training_yearly', 'disclosure_rows__training',
    columns=['force_code', 'area_label', 'financial_year', 'course_type', 'is_specialist'],
    counts=['in_scope', 'trained'],
    period_type='year_end',
) }}
