-- Courses of conduct and possible unrecognised stalking by force and financial year, with
-- national totals, disclosure controlled.
{{ config(alias='fct_courses_of_conduct_yearly') }}

{{ published_count_table(
    'fct_courses_of_conduct_yearly', 'disclosure_rows__courses_of_conduct',
    columns=['force_code', 'area_label', 'financial_year'],
    counts=['courses_of_conduct', 'recognised_as_stalking', 'possible_unrecognised', 'crimes_in_courses'],
    period_type='financial_year',
) }}
