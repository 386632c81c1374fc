-- fct_outcomes_yearly before suppression: disclosure_rows__outcomes summed over each
-- financial year's quarters of recording, from exact counts (disclosure schema).

{{ disclosure_yearly_rows(
    'disclosure_rows__outcomes',
    keys=['force_code', 'offence_code', 'outcome_type'],
    sums=['outcomes'],
    carried={'outcome_group': 'any_value(outcome_group)'},
) }}
