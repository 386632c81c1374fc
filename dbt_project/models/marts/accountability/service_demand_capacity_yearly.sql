-- Demand against capacity per service area and financial year, and the cost of clearing the
-- waiting lists (STATISTICS_METHODS.md, "The cost of clearing the waiting lists").
-- Demand is read from the *published* advocacy table with its markers, so a withheld figure
-- stays withheld: a year's referrals are the sum of its published months, the waiting list
-- and caseload are those of the year's last published month, and any figure built from a
-- withheld ([c]) part is withheld (macros/shorthand.sql, the rule of publish/shorthand.py).
-- Rows: each service and force area it serves, each service's total over its areas
-- (X00000001) and all services for England and Wales (K04000001, 'All services').

with parameters as (
    select
        max(value) filter (where parameter_id = 'advocate_cost_per_fte') as advocate_cost_per_fte,
        max(value) filter (
            where parameter_id = 'cases_cleared_per_fte_year'
        ) as cases_cleared_per_fte_year,
        max(value) filter (where parameter_id = 'national_ask') as national_ask_gbp,
        max(source) filter (where parameter_id = 'advocate_cost_per_fte') as advocate_cost_source,
        max(source) filter (
            where parameter_id = 'cases_cleared_per_fte_year'
        ) as cases_cleared_source,
        max(source) filter (where parameter_id = 'national_ask') as national_ask_source
    from {{ ref('ref_cost_parameters') }}
),

advocacy as (
    select
        *,
        {{ financial_year("strptime(month || '-01', '%Y-%m-%d')") }} as financial_year
    from {{ ref('published_fct_advocacy_monthly') }}
),

year_ends as (
    select
        service_name,
        force_code,
        financial_year,
        max(month) as year_end_month,
        count(*) as months_of_data,
        cast({{ shorthand_sum('referrals_received', 'referrals_received_marker') }} as bigint)
            as referrals_received,
        {{ shorthand_sum_marker('referrals_received', 'referrals_received_marker') }}
            as referrals_received_marker
    from advocacy
    group by service_name, force_code, financial_year
),

demand as (
    select
        year_ends.*,
        advocacy.area_label,
        advocacy.waiting_list_end,
        {{ shorthand_derived_marker('advocacy.waiting_list_end', 'advocacy.waiting_list_end_marker') }}
            as waiting_list_end_marker,
        advocacy.open_cases_end,
        {{ shorthand_derived_marker('advocacy.open_cases_end', 'advocacy.open_cases_end_marker') }}
            as open_cases_end_marker
    from year_ends
    inner join advocacy
        on
            year_ends.service_name = advocacy.service_name
            and year_ends.force_code = advocacy.force_code
            and year_ends.year_end_month = advocacy.month
),

funding as (
    select * from {{ ref('service_funding_yearly') }}
),

capacity as (
    select
        service_name,
        force_code,
        financial_year,
        sum(funding_gbp) as funding_gbp,
        sum(advocate_fte) as advocate_fte,
        sum(caseload_capacity) as caseload_capacity
    from funding
    group by service_name, force_code, financial_year
    union all
    select
        service_name,
        {{ service_areas_total_code() }} as force_code,
        financial_year,
        sum(funding_gbp) as funding_gbp,
        sum(advocate_fte) as advocate_fte,
        sum(caseload_capacity) as caseload_capacity
    from funding
    group by service_name, financial_year
    union all
    select
        'All services' as service_name,
        {{ disclosure_total_code() }} as force_code,
        financial_year,
        sum(funding_gbp) as funding_gbp,
        sum(advocate_fte) as advocate_fte,
        sum(caseload_capacity) as caseload_capacity
    from funding
    group by financial_year
),

returned as (
    select distinct
        service_name,
        force_code,
        financial_year
    from funding
),

-- A total row's capacity covers all its force areas only when each sent a return.
area_returns as (
    select
        demand_areas.service_name,
        demand_areas.financial_year,
        count(*) as demand_areas,
        count(returned.force_code) as funded_areas
    from (
        select distinct
            service_name,
            force_code,
            financial_year
        from year_ends
        where force_code not in ({{ service_areas_total_code() }}, {{ disclosure_total_code() }})
    ) as demand_areas
    left join returned
        on
            demand_areas.service_name = returned.service_name
            and demand_areas.force_code = returned.force_code
            and demand_areas.financial_year = returned.financial_year
    group by demand_areas.service_name, demand_areas.financial_year
),

coverage as (
    select
        service_name,
        financial_year,
        funded_areas = demand_areas as capacity_covers_all_areas
    from area_returns
    union all
    select
        'All services' as service_name,
        financial_year,
        bool_and(funded_areas = demand_areas) as capacity_covers_all_areas
    from area_returns
    group by financial_year
),

joined as (
    select
        coalesce(demand.service_name, capacity.service_name) as service_name,
        coalesce(demand.force_code, capacity.force_code) as force_code,
        coalesce(demand.financial_year, capacity.financial_year) as financial_year,
        demand.area_label,
        demand.year_end_month,
        coalesce(demand.months_of_data, 0) as months_of_data,
        demand.referrals_received,
        coalesce(demand.referrals_received_marker, case when demand.service_name is null then '[x]' end)
            as referrals_received_marker,
        demand.waiting_list_end,
        coalesce(demand.waiting_list_end_marker, case when demand.service_name is null then '[x]' end)
            as waiting_list_end_marker,
        demand.open_cases_end,
        coalesce(demand.open_cases_end_marker, case when demand.service_name is null then '[x]' end)
            as open_cases_end_marker,
        cast(capacity.funding_gbp as decimal(16, 2)) as funding_gbp,
        cast(capacity.advocate_fte as decimal(12, 2)) as advocate_fte,
        cast(capacity.caseload_capacity as bigint) as caseload_capacity,
        case when capacity.service_name is null then '[x]' end as capacity_marker
    from demand
    full outer join capacity
        on
            demand.service_name = capacity.service_name
            and demand.force_code = capacity.force_code
            and demand.financial_year = capacity.financial_year
)

select
    joined.service_name,
    joined.force_code,
    joined.financial_year,
    joined.area_label,
    joined.year_end_month,
    joined.months_of_data,
    joined.referrals_received,
    joined.referrals_received_marker,
    joined.waiting_list_end,
    joined.waiting_list_end_marker,
    joined.open_cases_end,
    joined.open_cases_end_marker,
    joined.funding_gbp,
    joined.advocate_fte,
    joined.caseload_capacity,
    joined.capacity_marker,
    case
        when joined.force_code in ({{ service_areas_total_code() }}, {{ disclosure_total_code() }})
            then coalesce(coverage.capacity_covers_all_areas, false)
        else joined.capacity_marker is null
    end as capacity_covers_all_areas,
    -- Cases per advocate: the caseload at the year's end per funded FTE.
    case
        when joined.advocate_fte > 0 then round(joined.open_cases_end / joined.advocate_fte, 1)
    end as cases_per_fte,
    case
        when coalesce(joined.open_cases_end_marker, '') like '%[c]%' then '[c]'
        when joined.open_cases_end is null or not joined.advocate_fte > 0 then '[x]'
    end as cases_per_fte_marker,
    -- The clearing cost: the year-end waiting list / cases one FTE clears a year x cost per FTE.
    round(joined.waiting_list_end / parameters.cases_cleared_per_fte_year, 2) as fte_to_clear_waiting_list,
    joined.waiting_list_end_marker as fte_to_clear_waiting_list_marker,
    round(
        joined.waiting_list_end / parameters.cases_cleared_per_fte_year * parameters.advocate_cost_per_fte, 0
    ) as clearing_cost_gbp,
    joined.waiting_list_end_marker as clearing_cost_gbp_marker,
    round(
        joined.waiting_list_end / parameters.cases_cleared_per_fte_year * parameters.advocate_cost_per_fte
        / parameters.national_ask_gbp,
        6
    ) as clearing_cost_share_of_ask,
    parameters.advocate_cost_per_fte,
    parameters.cases_cleared_per_fte_year,
    parameters.national_ask_gbp,
    parameters.advocate_cost_source,
    parameters.cases_cleared_source,
    parameters.national_ask_source,
    {{ period_status_columns('status', period_type='financial_year') }}
from joined
cross join parameters
left join coverage
    on
        joined.service_name = coverage.service_name
        and joined.financial_year = coverage.financial_year
{{ period_status_join(rows='joined', period_type='financial_year') }}
