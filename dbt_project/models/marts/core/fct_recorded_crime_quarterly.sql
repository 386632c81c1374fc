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

previous_counts as (
    select
        force_code,
        financial_year,
        fy_quarter,
        offence_code,
        count(*) as crimes
    from ({{ rows_of_version(ref('stg_force_crimes__crimes'), 'force_crimes', ['force_code', 'financial_year', 'fy_quarter'], 2) }})
    group by force_code, financial_year, fy_quarter, offence_code
),

resubmitted as ({{ resubmitted_periods('force_crimes') }}
)

select
    current_counts.force_code,
    current_counts.financial_year,
    current_counts.fy_quarter,
    current_counts.offence_code,
    offences.offence_description,
    current_counts.crimes,
    coalesce(
        resubmitted.period_key is not null
        and previous_counts.crimes is distinct from current_counts.crimes,
        false
    ) as is_revised
from current_counts
left join {{ ref('ref_offences') }} as offences
    on current_counts.offence_code = offences.offence_code
left join resubmitted
    on {{ period_key(['force_code', 'financial_year', 'fy_quarter'], 'current_counts.') }} = resubmitted.period_key
left join previous_counts
    on
        current_counts.force_code = previous_counts.force_code
        and current_counts.financial_year = previous_counts.financial_year
        and current_counts.fy_quarter = previous_counts.fy_quarter
        and current_counts.offence_code = previous_counts.offence_code
