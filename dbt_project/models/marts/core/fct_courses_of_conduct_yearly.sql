-- Courses of conduct by force and the financial year each course was established (its second
-- crime), with how many include a stalking crime and how many are possible unrecognised
-- stalking (harassment-type crimes only).
select
    force_code,
    financial_year,
    count(*) as courses_of_conduct,
    count(*) filter (where recognised_as_stalking) as recognised_as_stalking,
    count(*) filter (where not recognised_as_stalking) as possible_unrecognised,
    sum(crimes) as crimes_in_courses
from {{ ref('int_linkage__courses_of_conduct') }}
group by force_code, financial_year
