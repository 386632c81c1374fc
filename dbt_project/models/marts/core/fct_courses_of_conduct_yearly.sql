-- Courses of conduct by force and the financial year each course was established (its second
-- crime), with how many include a stalking crime and how many are possible unrecognised
-- stalking (harassment-type crimes only); and, by the year each crime was recorded, the crimes
-- inside possible unrecognised courses and their share of the harassment-type crimes recorded.
-- A course needs up to 12 months of earlier crimes to be seen, so a year that starts within
-- the first 12 months of a force's data is marked partial (courses and their crimes are
-- undercounted there); the last year is part_year when the data end before its March.
with courses as (
    select
        force_code,
        financial_year,
        count(*) as courses_of_conduct,
        count(*) filter (where recognised_as_stalking) as recognised_as_stalking,
        count(*) filter (where not recognised_as_stalking) as possible_unrecognised,
        sum(crimes) as crimes_in_courses
    from {{ ref('int_linkage__courses_of_conduct') }}
    group by force_code, financial_year
),

crimes as (
    select
        crimes.force_code,
        crimes.crime_key,
        crimes.recorded_date,
        {{ financial_year('crimes.recorded_date') }} as financial_year,
        offences.stalking_relevant
    from {{ ref('int_force_crimes__current') }} as crimes
    inner join {{ ref('ref_offences') }} as offences
        on crimes.offence_code = offences.offence_code
),

unrecognised_crimes as (
    -- By the crime's own recording force, not the course's: a course crossing forces counts
    -- each of its crimes where it was recorded.
    select distinct unnest(crime_keys) as crime_key
    from {{ ref('int_linkage__courses_of_conduct') }}
    where not recognised_as_stalking
),

crime_years as (
    select
        crimes.force_code,
        crimes.financial_year,
        count(*) filter (where crimes.stalking_relevant = 'harassment') as harassment_crimes,
        count(unrecognised_crimes.crime_key) as crimes_in_unrecognised_courses
    from crimes
    left join unrecognised_crimes
        on crimes.crime_key = unrecognised_crimes.crime_key
    group by crimes.force_code, crimes.financial_year
),

coverage as (
    select
        force_code,
        min(recorded_date) as data_start
    from crimes
    group by force_code
),

data_end as (
    select max(recorded_date) as data_end from crimes
),

years as (
    select
        coalesce(courses.force_code, crime_years.force_code) as force_code,
        coalesce(courses.financial_year, crime_years.financial_year) as financial_year,
        coalesce(courses.courses_of_conduct, 0) as courses_of_conduct,
        coalesce(courses.recognised_as_stalking, 0) as recognised_as_stalking,
        coalesce(courses.possible_unrecognised, 0) as possible_unrecognised,
        coalesce(courses.crimes_in_courses, 0) as crimes_in_courses,
        coalesce(crime_years.crimes_in_unrecognised_courses, 0) as crimes_in_unrecognised_courses,
        coalesce(crime_years.harassment_crimes, 0) as harassment_crimes
    from courses
    full outer join crime_years
        on
            courses.force_code = crime_years.force_code
            and courses.financial_year = crime_years.financial_year
)

select
    years.*,
    {{ safe_divide('years.crimes_in_unrecognised_courses', 'years.harassment_crimes') }}
        as unrecognised_crime_share,
    make_date(cast(left(years.financial_year, 4) as integer), 4, 1)
    < coverage.data_start + interval 12 month as first_12_months_partial,
    case
        when
            make_date(cast(left(years.financial_year, 4) as integer), 4, 1)
            < coverage.data_start + interval 12 month
            then 'partial'
        when make_date(cast(left(years.financial_year, 4) as integer) + 1, 3, 31) > data_end.data_end
            then 'part_year'
        else 'complete'
    end as period_status
from years
left join coverage on years.force_code = coverage.force_code
cross join data_end
