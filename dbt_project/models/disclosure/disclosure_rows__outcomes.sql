-- fct_outcomes_quarterly with national totals, before suppression (disclosure schema).

{{ disclosure_with_totals(
    ref('fct_outcomes_quarterly'),
    keys=['force_code', 'financial_year', 'fy_quarter', 'offence_code', 'outcome_type'],
    sums=['outcomes'],
    carried={'outcome_group': 'any_value(outcome_group)'},
) }}
