-- Crimes recorded by force, financial year and offence, with national totals: summed from
-- exact quarterly counts, then disclosure controlled.
{{ config(alias='fct_recorded_crime_yearly') }}

{{ published_yearly(
    'fct_recorded_crime_yearly', 'disclosure_rows__recorded_crime_yearly',
    keys=['force_code', 'offence_code'], counts=['crimes'], source='force_crimes',
    carried=['offence_description'],
) }}
