-- Stalking (8Q) counts from the forces' own extracts against the Home Office published counts
-- for the same force and quarter, where both exist. A gap points at late submissions,
-- reclassification, or a force extract that misses crimes.
with extracts as (
    select
        force_code,
        financial_year,
        fy_quarter,
        crimes
    from {{ ref('fct_recorded_crime_quarterly') }}
    where offence_code = '8Q'
),

published as (
    select
        force_code,
        financial_year,
        fy_quarter,
        sum(offences) as offences
    from {{ ref('home_office_recorded_crime') }}
    where offence_code = '8Q' and force_code is not null
    group by force_code, financial_year, fy_quarter
)

select
    extracts.force_code,
    extracts.financial_year,
    extracts.fy_quarter,
    extracts.crimes as extract_crimes,
    published.offences as home_office_offences,
    extracts.crimes - published.offences as difference,
    round(100.0 * (extracts.crimes - published.offences) / nullif(published.offences, 0), 2)
        as difference_pct
from extracts
inner join published
    on
        extracts.force_code = published.force_code
        and extracts.financial_year = published.financial_year
        and extracts.fy_quarter = published.fy_quarter
