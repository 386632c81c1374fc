-- The crimes in force: for each force-quarter only the latest submission's rows (a
-- resubmission supersedes the period whole; earlier rows stay in raw/ as history).
select crimes.*
from {{ ref('stg_force_crimes__crimes') }} as crimes
inner join {{ ref('int_force_crimes__submission_periods') }} as periods
    on
        crimes.force_code = periods.force_code
        and crimes.financial_year = periods.financial_year
        and crimes.fy_quarter = periods.fy_quarter
        and crimes.submission_id = periods.submission_id
where periods.submission_rank = 1
