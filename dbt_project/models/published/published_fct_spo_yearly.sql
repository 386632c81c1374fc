-- Stalking Protection Order applications by force and financial year, with national totals:
-- summed from exact quarterly counts, then disclosure controlled.
{{ config(alias='fct_spo_yearly') }}

{{ published_yearly(
    'fct_spo_yearly', 'disclosure_rows__spo_yearly',
    keys=['force_code'],
    counts=['applications', 'granted', 'refused', 'withdrawn', 'pending', 'breaches'],
    source='force_spos',
) }}
