-- Whether and when each territorial force published its action plan, against the date forces
-- were asked to publish by (seed ref_action_plan_requests). The publication date is the
-- earliest any return in force gives; whether a plan is published, what the latest return says.
with returns as (
    select * from {{ ref('int_action_plan_returns__current') }}
),

request as (
    select requested_by from {{ ref('ref_action_plan_requests') }}
    where request_id = 'super_complaint_2024'
),

latest_return as (
    select
        force_code,
        max(financial_year || ' ' || fy_quarter) as latest_return_quarter
    from returns
    group by force_code
),

by_force as (
    select
        returns.force_code,
        latest_return.latest_return_quarter,
        bool_or(returns.plan_published) filter (
            where returns.financial_year || ' ' || returns.fy_quarter = latest_return.latest_return_quarter
        ) as plan_published,
        min(returns.plan_published_date) as plan_published_date
    from returns
    inner join latest_return on returns.force_code = latest_return.force_code
    group by returns.force_code, latest_return.latest_return_quarter
)

select
    forces.force_code,
    by_force.latest_return_quarter,
    coalesce(by_force.plan_published, false) as plan_published,
    case when by_force.plan_published then by_force.plan_published_date end as plan_published_date,
    request.requested_by,
    coalesce(by_force.plan_published and by_force.plan_published_date <= request.requested_by, false)
        as published_by_requested_date,
    case
        when by_force.force_code is null then 'no_return'
        when not by_force.plan_published then 'not_published'
        when by_force.plan_published_date <= request.requested_by then 'published_by_requested_date'
        else 'published_late'
    end as publication_status
from {{ ref('ref_forces') }} as forces
cross join request
left join by_force on forces.force_code = by_force.force_code
where forces.is_territorial
