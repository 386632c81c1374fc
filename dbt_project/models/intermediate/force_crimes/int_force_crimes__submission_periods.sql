-- Each force-quarter a submission covers, ranked latest first: rank 1 is the version in force.
select
    force_code,
    financial_year,
    fy_quarter,
    submission_id,
    ingest_seq,
    count(*) as crimes,
    row_number() over (
        partition by force_code, financial_year, fy_quarter
        order by ingest_seq desc, submission_id asc
    ) as submission_rank
from {{ ref('stg_force_crimes__crimes') }}
group by force_code, financial_year, fy_quarter, submission_id, ingest_seq
