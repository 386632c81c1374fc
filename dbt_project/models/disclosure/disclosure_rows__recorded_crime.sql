-- fct_recorded_crime_quarterly with national totals: the rows published.fct_recorded_crime_quarterly
-- publishes, before suppression. Working table of the disclosure schema (never served).

{{ disclosure_with_totals(
    ref('fct_recorded_crime_quarterly'),
    keys=['force_code', 'financial_year', 'fy_quarter', 'offence_code'],
    sums=['crimes'],
    carried={
        'offence_description': 'any_value(offence_description)',
        'is_revised': 'bool_or(is_revised)',
    },
) }}
