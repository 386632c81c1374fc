-- Crimes recorded by force, quarter and offence, with national totals, disclosure controlled.
{{ config(alias='fct_recorded_crime_quarterly') }}

{{ published_count_table(
    'fct_recorded_crime_quarterly', 'disclosure_rows__recorded_crime',
    columns=['force_code', 'area_label', 'financial_year', 'fy_quarter', 'offence_code', 'offence_description'],
    counts=['crimes'],
    revised=true,
) }}
