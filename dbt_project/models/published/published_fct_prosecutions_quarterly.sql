-- CPS decisions, prosecutions and convictions by force area, quarter and offence, with
-- national totals, disclosure controlled.
{{ config(alias='fct_prosecutions_quarterly') }}

{{ published_count_table(
    'fct_prosecutions_quarterly', 'disclosure_rows__prosecutions',
    columns=[
        'force_code', 'area_label', 'financial_year', 'fy_quarter', 'offence_act', 'is_stalking_offence',
        'cps_area',
    ],
    counts=['pre_charge_decisions', 'charged', 'prosecutions_completed', 'convictions'],
) }}
