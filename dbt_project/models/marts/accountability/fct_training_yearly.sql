-- Stalking training by force, financial year and course type: the officers and staff whose
-- role needs the course and those of them trained, as at the year's end (the return in
-- force after resubmissions). A force that sent no return has no row: never a zero.
select
    returns.force_code,
    returns.financial_year,
    returns.course_type,
    courses.is_specialist,
    returns.in_scope,
    returns.trained
from {{ ref('int_training_returns__current') }} as returns
inner join {{ ref('ref_training_courses') }} as courses on returns.course_type = courses.course_type
