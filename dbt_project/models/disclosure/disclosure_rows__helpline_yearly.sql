-- fct_helpline_yearly before suppression: disclosure_rows__helpline (national totals per
-- channel included) summed over each financial year's months, from exact counts (disclosure
-- schema).

{{ disclosure_yearly_rows(
    'disclosure_rows__helpline',
    keys=['force_code', 'channel', 'region_code'],
    sums=['contacts', 'answered', 'unanswered'],
    period='month',
) }}
