-- Each territorial force's status on each recommendation at the end of each quarter from the
-- first return to the latest: what its return in force said, or `not_reported` where it sent
-- no return for the quarter or left the recommendation out (never a status carried forward).
with returns as (
    select * from {{ ref('int_action_plan_returns__current') }}
),

return_quarters as (
    -- Every force-quarter with a usable return in force, rows or not (a nil return counts).
    select distinct
        split_part(period_key, '|', 1) as force_code,
        split_part(period_key, '|', 2) as financial_year,
        split_part(period_key, '|', 3) as fy_quarter
    from {{ ref('int_ingest__submission_periods') }}
    where source = 'action_plan_returns' and submission_rank = 1
),

span as (
    select
        min(financial_year || fy_quarter) as first_quarter,
        max(financial_year || fy_quarter) as last_quarter
    from return_quarters
),

quarters as (
    select
        calendar.financial_year,
        calendar.fy_quarter,
        calendar.quarter_end
    from {{ ref('reference_calendar_quarters') }} as calendar
    cross join span
    where calendar.financial_year || calendar.fy_quarter between span.first_quarter and span.last_quarter
),

grid as (
    select
        forces.force_code,
        quarters.financial_year,
        quarters.fy_quarter,
        quarters.quarter_end,
        recommendations.recommendation_id,
        recommendations.due_date
    from {{ ref('ref_forces') }} as forces
    cross join quarters
    cross join {{ ref('ref_recommendations') }} as recommendations
    where forces.is_territorial
),

statuses as (
    select
        grid.*,
        return_quarters.force_code is not null as force_returned,
        coalesce(returns.status, 'not_reported') as status,
        returns.status_date,
        returns.evidence_ref,
        grid.due_date <= grid.quarter_end as is_due
    from grid
    left join return_quarters
        on
            grid.force_code = return_quarters.force_code
            and grid.financial_year = return_quarters.financial_year
            and grid.fy_quarter = return_quarters.fy_quarter
    left join returns
        on
            grid.force_code = returns.force_code
            and grid.financial_year = returns.financial_year
            and grid.fy_quarter = returns.fy_quarter
            and grid.recommendation_id = returns.recommendation_id
)

select
    force_code,
    financial_year,
    fy_quarter,
    quarter_end,
    recommendation_id,
    due_date,
    force_returned,
    status,
    status_date,
    evidence_ref,
    is_due,
    -- Due by the quarter's end and not shown implemented (or declined): overdue.
    is_due and status not in ('implemented', 'not_accepted') as is_overdue,
    lag(status) over (
        partition by force_code, recommendation_id order by financial_year, fy_quarter
    ) as previous_status
from statuses
