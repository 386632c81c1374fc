-- Courses of conduct (STATISTICS.md, linkage; docs/LINKAGE.md): crimes in the stalking and
-- harassment subgroup between the same victim and suspect, as linked by the linkage step
-- (victim-suspect pairs across references, spellings and forces), chained while each crime
-- follows the previous one within 12 months. Two or more crimes make a course. A course with
-- no stalking (8Q) crime is possible unrecognised stalking. A course is counted once,
-- nationally; its force_code is the force that recorded its second crime (when the course
-- became visible), always one of the recording forces. Record level: never published.
with linkable as (
    select
        crimes.force_code,
        pairs.pair_id,
        crimes.victim_key,
        crimes.suspect_key,
        crimes.crime_key,
        crimes.recorded_date,
        crimes.offence_code
    from {{ ref('int_force_crimes__current') }} as crimes
    inner join {{ ref('stg_linkage__crime_pairs') }} as pairs
        on crimes.crime_key = pairs.crime_key
    inner join {{ ref('ref_offences') }} as offences
        on crimes.offence_code = offences.offence_code
    where offences.stalking_relevant in ('stalking', 'harassment')
),

repeated_pairs as (
    -- Only pairs with two or more crimes can form a course: window over those alone.
    select pair_id
    from linkable
    group by pair_id
    having count(*) >= 2
),

gaps as (
    select
        linkable.*,
        coalesce(
            linkable.recorded_date - lag(linkable.recorded_date) over pair_in_time > 365, true
        ) as starts_course
    from linkable
    inner join repeated_pairs using (pair_id)
    window pair_in_time as (
        partition by pair_id order by recorded_date, crime_key
    )
),

numbered as (
    select
        *,
        sum(case when starts_course then 1 else 0 end) over (
            partition by pair_id
            order by recorded_date, crime_key
            rows between unbounded preceding and current row
        ) as course_number
    from gaps
),

courses as (
    select
        pair_id,
        course_number,
        -- The course becomes visible when its second crime is recorded, by that force.
        list(force_code order by recorded_date, crime_key)[2] as force_code,
        list(victim_key order by recorded_date, crime_key)[1] as victim_key,
        list(suspect_key order by recorded_date, crime_key)[1] as suspect_key,
        count(*) as crimes,
        min(recorded_date) as first_recorded_date,
        max(recorded_date) as last_recorded_date,
        list(recorded_date order by recorded_date, crime_key)[2] as established_date,
        bool_or(offence_code = '8Q') as recognised_as_stalking,
        list(crime_key order by recorded_date, crime_key) as crime_keys,
        list_distinct(list(force_code)) as recording_forces,
        count(distinct force_code) > 1 as crosses_forces
    from numbered
    group by pair_id, course_number
    having count(*) >= 2
)

select
    *,
    {{ financial_year('established_date') }} as financial_year
from courses
