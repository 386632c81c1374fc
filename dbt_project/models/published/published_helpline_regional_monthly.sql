-- Helpline contacts by month, region and channel ('all' for every channel), disclosure
-- controlled together with fct_helpline_monthly: a region sums its territorial force areas
-- and the contacts whose force area is not known but whose region is.
{{ config(alias='helpline_regional_monthly') }}

{{ published_count_table(
    'helpline_regional_monthly', 'disclosure_rows__helpline_regions',
    columns=['month', 'region_code', 'area_label', 'channel'],
    counts=['contacts', 'answered', 'unanswered'],
    period_type='month',
) }}
