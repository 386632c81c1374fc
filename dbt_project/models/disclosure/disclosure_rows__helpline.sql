-- fct_helpline_monthly with national totals over the territorial forces per month and channel
-- (contacts whose force area is not known keep their own rows, by region), before
-- suppression (disclosure schema).

{{ disclosure_with_totals(
    ref('fct_helpline_monthly'),
    keys=['month', 'force_code', 'channel', 'region_code'],
    sums=['contacts', 'answered', 'unanswered'],
    total_by=['month', 'channel'],
) }}
