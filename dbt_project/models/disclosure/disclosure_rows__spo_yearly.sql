-- fct_spo_yearly before suppression: disclosure_rows__spo summed over each financial year's
-- quarters, from exact counts (disclosure schema).

{{ disclosure_yearly_rows(
    'disclosure_rows__spo',
    keys=['force_code'],
    sums=['applications', 'granted', 'refused', 'withdrawn', 'pending', 'breaches'],
) }}
