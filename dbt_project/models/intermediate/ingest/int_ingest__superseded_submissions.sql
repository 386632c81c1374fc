-- Submissions none of whose periods is still in force: every period was resubmitted later.
-- One union branch per record-level source with periods.
with ranked as (
    select
        'force_crimes' as source,
        submission_id,
        submission_rank
    from {{ ref('int_force_crimes__submission_periods') }}
)

select
    source,
    submission_id
from ranked
group by source, submission_id
having min(submission_rank) > 1
