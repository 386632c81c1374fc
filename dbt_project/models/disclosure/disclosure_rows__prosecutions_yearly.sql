-- fct_prosecutions_yearly before suppression: disclosure_rows__prosecutions summed over each
-- financial year's quarters, from exact counts (disclosure schema).

{{ disclosure_yearly_rows(
    'disclosure_rows__prosecutions',
    keys=['force_code', 'offence_act'],
    sums=['pre_charge_decisions', 'charged', 'prosecutions_completed', 'convictions'],
    carried={
        'is_stalking_offence': 'bool_or(is_stalking_offence)',
        'cps_area': 'any_value(cps_area)',
    },
) }}
