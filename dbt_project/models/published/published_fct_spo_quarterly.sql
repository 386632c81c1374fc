-- Stalking Protection Order applications by force and quarter, with national totals,
-- disclosure controlled.
{{ config(alias='fct_spo_quarterly') }}

{{ published_count_table(
    'fct_spo_quarterly', 'disclosure_rows__spo',
    columns=['force_code', 'area_label', 'financial_year', 'fy_quarter'],
    counts=['applications', 'granted', 'refused', 'withdrawn', 'pending', 'breaches'],
    revised=true,
) }}
