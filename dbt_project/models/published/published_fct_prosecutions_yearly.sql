-- CPS decisions, prosecutions and convictions by force area, financial year and offence, with
-- national totals: summed from exact quarterly counts, then disclosure controlled.
{{ config(alias='fct_prosecutions_yearly') }}

{{ published_yearly(
    'fct_prosecutions_yearly', 'disclosure_rows__prosecutions_yearly',
    keys=['force_code', 'offence_act'],
    counts=['pre_charge_decisions', 'charged', 'prosecutions_completed', 'convictions'],
    source='cps_returns', carried=['is_stalking_offence', 'cps_area'],
) }}
