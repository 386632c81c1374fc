-- fct_courses_of_conduct_yearly with national totals, before suppression (disclosure schema).

{{ disclosure_with_totals(
    ref('fct_courses_of_conduct_yearly'),
    keys=['force_code', 'financial_year'],
    sums=['courses_of_conduct', 'recognised_as_stalking', 'possible_unrecognised', 'crimes_in_courses'],
) }}
