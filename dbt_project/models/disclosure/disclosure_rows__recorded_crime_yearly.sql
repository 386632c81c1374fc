-- fct_recorded_crime_yearly before suppression: disclosure_rows__recorded_crime (national
-- totals included) summed over each financial year's quarters, from exact counts (disclosure
-- schema, never served).

{{ disclosure_yearly_rows(
    'disclosure_rows__recorded_crime',
    keys=['force_code', 'offence_code'],
    sums=['crimes'],
    carried={'offence_description': 'any_value(offence_description)'},
) }}
