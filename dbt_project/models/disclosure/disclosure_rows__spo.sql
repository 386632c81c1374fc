-- fct_spo_quarterly with national totals, before suppression (disclosure schema).

{{ disclosure_with_totals(
    ref('fct_spo_quarterly'),
    keys=['force_code', 'financial_year', 'fy_quarter'],
    sums=['applications', 'granted', 'refused', 'withdrawn', 'pending', 'breaches'],
    carried={'is_revised': 'bool_or(is_revised)'},
) }}
