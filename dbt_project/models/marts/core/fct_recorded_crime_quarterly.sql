-- Crimes recorded by force, financial quarter and offence code, from the force extracts in
-- force; is_revised marks cells that changed when the force resubmitted the quarter.
with current_counts as (
    select
        force_code,
        financial_year,
        fy_quarter,
        offence_code,
        count(*) as crimes
    from {{ ref('int_force_crimes__current') }}
    group by force_code, financial_year, fy_quarter, offence_code
),

previous_submission as (
    select
        force_code,
        financial_year,
        fy_quarter,
        submission_id
    from {{ ref('int_force_crimes__submission_periods') }}
    where submission_rank = 2
),

previous_counts as (
    select
        crimes.force_code,
        crimes.financial_year,
        crimes.fy_quarter,
        crimes.offence_code,
        count(*) as crimes
    from {{ ref('stg_force_crimes__crimes') }} as crimes
    inner join previous_submission
        on
            crimes.force_code = previous_submission.force_code
            and crimes.financial_year = previous_submission.financial_year
            and crimes.fy_quarter = previous_submission.fy_quarter
            and crimes.submission_id = previous_submission.submission_id
    group by crimes.force_code, crimes.financial_year, crimes.fy_quarter, crimes.offence_code
)

select
    current_counts.force_code,
    current_counts.financial_year,
    current_counts.fy_quarter,
    current_counts.offence_code,
    offences.offence_description,
    current_counts.crimes,
    coalesce(
        previous_submission.submission_id is not null
        and previous_counts.crimes is distinct from current_counts.crimes,
        false
    ) as is_revised
from current_counts
left join {{ ref('ref_offences') }} as offences
    on current_counts.offence_code = offences.offence_code
left join previous_submission
    on
        current_counts.force_code = previous_submission.force_code
        and current_counts.financial_year = previous_submission.financial_year
        and current_counts.fy_quarter = previous_submission.fy_quarter
left join previous_counts
    on
        current_counts.force_code = previous_counts.force_code
        and current_counts.financial_year = previous_counts.financial_year
        and current_counts.fy_quarter = previous_counts.fy_quarter
        and current_counts.offence_code = previous_counts.offence_code
