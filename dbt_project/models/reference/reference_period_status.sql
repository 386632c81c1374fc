{#- Whether each period is complete, part of a year, or provisional (docs/WAREHOUSE.md,
    "Periods and area codes"). The data's quarters are those with recorded crime from the
    forces' extracts, the spine every other table is compared with; a release without any
    (e.g. only charity returns) uses the quarters of the other sources instead (a monthly
    source's quarter counts when all three months are in). Outcome-based measures (outcomes,
    charge and conviction rates, attrition) of the latest `provisional_outcome_quarters`
    quarters are provisional: outcomes keep arriving for crimes recorded in them. -#}
{%- set provisional_quarters = var('provisional_outcome_quarters', 2) -%}
with crime_quarters as (
    select distinct
        financial_year,
        fy_quarter
    from {{ ref('fct_recorded_crime_quarterly') }}
),

monthly as (
    select month from {{ ref('fct_helpline_monthly') }}
    union
    select month from {{ ref('fct_advocacy_monthly') }}
),

other_quarters as (
    select
        financial_year,
        fy_quarter
    from {{ ref('fct_spo_quarterly') }}
    union
    select
        financial_year,
        fy_quarter
    from {{ ref('fct_prosecutions_quarterly') }}
    union
    select
        calendar.financial_year,
        calendar.fy_quarter
    from monthly
    inner join {{ ref('reference_calendar') }} as calendar on monthly.month = calendar.month
    group by calendar.financial_year, calendar.fy_quarter
    having count(distinct monthly.month) = 3
),

data_quarters as (
    select
        financial_year,
        fy_quarter
    from crime_quarters
    union
    select
        financial_year,
        fy_quarter
    from other_quarters
    where not exists (select 1 from crime_quarters)
),

quarters as (
    select
        calendar.financial_year,
        calendar.fy_quarter,
        calendar.quarter_label,
        calendar.first_month,
        calendar.last_month,
        data_quarters.financial_year is not null as has_data,
        row_number() over (
            order by calendar.quarter_start desc
        ) as quarters_before_latest
    from {{ ref('reference_calendar_quarters') }} as calendar
    left join data_quarters
        on
            calendar.financial_year = data_quarters.financial_year
            and calendar.fy_quarter = data_quarters.fy_quarter
    where
        calendar.quarter_start >= (
            select min(quarter.quarter_start)
            from {{ ref('reference_calendar_quarters') }} as quarter
            inner join data_quarters as present
                on quarter.financial_year = present.financial_year and quarter.fy_quarter = present.fy_quarter
        )
        and calendar.quarter_start <= (
            select max(quarter.quarter_start)
            from {{ ref('reference_calendar_quarters') }} as quarter
            inner join data_quarters as present
                on quarter.financial_year = present.financial_year and quarter.fy_quarter = present.fy_quarter
        )
),

quarter_status as (
    select
        'quarter' as period_type,
        quarter_label as period,
        financial_year,
        fy_quarter,
        first_month,
        last_month,
        case when has_data then 1 else 0 end as quarters_with_data,
        case when has_data then 'complete' else 'no_data' end as status,
        case
            when not has_data then 'no_data'
            when quarters_before_latest <= {{ provisional_quarters }} then 'provisional'
            else 'complete'
        end as outcome_status
    from quarters
),

year_status as (
    select
        'financial_year' as period_type,
        financial_year as period,
        financial_year,
        cast(null as varchar) as fy_quarter,
        min(first_month) as first_month,
        max(last_month) as last_month,
        sum(quarters_with_data) as quarters_with_data,
        case when sum(quarters_with_data) = 4 then 'complete' else 'part_year' end as status,
        case
            when sum(quarters_with_data) < 4 then 'part_year'
            when bool_or(outcome_status = 'provisional') then 'provisional'
            else 'complete'
        end as outcome_status
    from quarter_status
    group by financial_year
)

select
    period_type,
    period,
    financial_year,
    fy_quarter,
    first_month,
    last_month,
    quarters_with_data,
    status,
    case when status = 'complete' then null else '[p]' end as status_marker,
    outcome_status,
    case when outcome_status = 'complete' then null else '[p]' end as outcome_status_marker,
    status = 'complete' and period = max(period) filter (where status = 'complete') over (
        partition by period_type
    ) as is_latest_complete,
    outcome_status = 'complete'
    and period = max(period) filter (where outcome_status = 'complete') over (
        partition by period_type
    ) as is_latest_complete_for_outcomes
from (
    select * from quarter_status
    union all
    select * from year_status
) as periods
