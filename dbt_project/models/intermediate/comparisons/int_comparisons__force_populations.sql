-- The resident population of every territorial force for every financial year the data cover.
-- Financial year Y/Y+1 (April Y to March Y+1) takes the ONS mid-Y estimate (30 June Y falls in
-- it). A year with no estimate yet takes the latest earlier one, flagged as carried forward; a
-- year before the first estimate takes the first, flagged as carried back.
with estimates as (
    select
        force_code,
        2023 as mid_year,
        population_mid2023 as population
    from {{ ref('ref_forces') }}
    where is_territorial
    union all
    select
        mid2024.force_code,
        2024 as mid_year,
        mid2024.population_mid2024 as population
    from {{ ref('ref_population_mid2024') }} as mid2024
    inner join {{ ref('ref_forces') }} as forces on mid2024.force_code = forces.force_code
    where forces.is_territorial
),

years as (
    select distinct
        financial_year,
        cast(left(financial_year, 4) as integer) as start_year
    from {{ ref('fct_recorded_crime_quarterly') }}
    union
    select distinct
        financial_year,
        cast(left(financial_year, 4) as integer) as start_year
    from {{ ref('fct_prosecutions_quarterly') }}
),

candidates as (
    select
        estimates.force_code,
        years.financial_year,
        years.start_year,
        estimates.mid_year,
        estimates.population,
        -- The matching estimate first, then the latest earlier one, then the earliest later one.
        row_number() over (
            partition by estimates.force_code, years.financial_year
            order by
                case
                    when estimates.mid_year = years.start_year then 0
                    when estimates.mid_year < years.start_year then 1
                    else 2
                end,
                abs(estimates.mid_year - years.start_year)
        ) as preference
    from estimates
    cross join years
)

select
    force_code,
    financial_year,
    population,
    mid_year as population_mid_year,
    case
        when mid_year = start_year then 'matching_year'
        when mid_year < start_year then 'carried_forward'
        else 'carried_back'
    end as population_basis
from candidates
where preference = 1
