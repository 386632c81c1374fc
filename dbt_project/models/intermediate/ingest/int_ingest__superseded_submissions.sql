-- Submissions none of whose periods is still in force: every period was resubmitted later.
select
    source,
    submission_id
from {{ ref('int_ingest__submission_periods') }}
group by source, submission_id
having min(submission_rank) > 1
