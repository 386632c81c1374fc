-- fct_training_yearly with national totals, before suppression (disclosure schema).

{{ disclosure_with_totals(
    ref('fct_training_yearly'),
    keys=['force_code', 'financial_year', 'course_type'],
    sums=['in_scope', 'trained'],
    carried={'is_specialist': 'bool_and(is_specialist)'},
) }}
