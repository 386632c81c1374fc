-- Helpline contacts by month, force area (NULL when not known) and channel, with national
-- totals over the territorial forces (the one England and Wales helpline total), disclosure
-- controlled.
{{ config(alias='fct_helpline_monthly') }}

{{ published_count_table(
    'fct_helpline_monthly', 'disclosure_rows__helpline',
    columns=['month', 'force_code', 'area_label', 'channel', 'region_code'],
    counts=['contacts', 'answered', 'unanswered'],
    period_type='month',
) }}
