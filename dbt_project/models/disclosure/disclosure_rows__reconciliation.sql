-- reconciliation_home_office with national totals (forces' extracts against the Home Office's
-- published counts), before suppression (disclosure schema). The difference is recomputed for
-- the total rows; the Home Office counts are already public.

with rows_ as (
    {{ disclosure_with_totals(
        ref('reconciliation_home_office'),
        keys=['force_code', 'financial_year', 'fy_quarter'],
        sums=['extract_crimes', 'home_office_offences'],
    ) }}
)

select
    * replace (
        cast(extract_crimes - home_office_offences as bigint) as difference,
        round(100.0 * (extract_crimes - home_office_offences) / nullif(home_office_offences, 0), 2)
            as difference_pct
    )
from rows_
