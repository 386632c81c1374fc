-- Courses of conduct (STATISTICS.md, linkage): per force, crimes in the stalking and
-- harassment subgroup between the same victim and suspect (keyed hashes), chained while each
-- crime follows the previous one within 12 months. Two or more crimes make a course. A course
-- with no stalking (8Q) crime is possible unrecognised stalking. Record level: never published.
with linkable as (
    select
        crimes.force_code,
        crimes.victim_key,
        crimes.suspect_key,
        crimes.crime_key,
        crimes.recorded_date,
        crimes.offence_code
    from {{ ref('int_force_crimes__current') }} as crimes
    inner join {{ ref('ref_offences') }} as offences
        on crimes.offence_code = offences.offence_code
    where
        offences.stalking_relevant in ('stalking', 'harassment')
        and crimes.victim_key is not null
        and crimes.suspect_key is not null
),

repeated_pairs as (
    -- Only pairs with two or more crimes can form a course: window over those alone.
    select
        force_code,
        victim_key,
        suspect_key
    from linkable
    group by force_code, victim_key, suspect_key
    having count(*) >= 2
),

gaps as (
    select
        linkable.*,
        coalesce(
            linkable.recorded_date - lag(linkable.recorded_date) over pair_in_time > 365, true
        ) as starts_course
    from linkable
    inner join repeated_pairs using (force_code, victim_key, suspect_key)
    window pair_in_time as (
        partition by force_code, victim_key, suspect_key order by recorded_date, crime_key
    )
),

numbered as (
    select
        *,
        sum(case when starts_course then 1 else 0 end) over (
            partition by force_code, victim_key, suspect_key
            order by recorded_date, crime_key
            rows between unbounded preceding and current row
        ) as course_number
    from gaps
),

courses as (
    select
        force_code,
        victim_key,
        suspect_key,
        course_number,
        count(*) as crimes,
        min(recorded_date) as first_recorded_date,
        max(recorded_date) as last_recorded_date,
        -- The course becomes visible when its second crime is recorded.
        list_sort(list(recorded_date))[2] as established_date,
        bool_or(offence_code = '8Q') as recognised_as_stalking,
        list(crime_key order by recorded_date, crime_key) as crime_keys
    from numbered
    group by force_code, victim_key, suspect_key, course_number
    having count(*) >= 2
)

select
    *,
    {{ financial_year('established_date') }} as financial_year
from courses
