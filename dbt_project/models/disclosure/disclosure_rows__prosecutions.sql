-- fct_prosecutions_quarterly with national totals, before suppression (disclosure schema).

{{ disclosure_with_totals(
    ref('fct_prosecutions_quarterly'),
    keys=['force_code', 'financial_year', 'fy_quarter', 'offence_act'],
    sums=['pre_charge_decisions', 'charged', 'prosecutions_completed', 'convictions'],
    carried={'is_stalking_offence': 'bool_or(is_stalking_offence)'},
) }}
