-- Attrition by force and financial year, stage by stage. The police stages are a cohort: the
-- stalking crimes recorded in the year, and of those crimes the ones with an outcome assigned
-- and the ones charged or summonsed (outcomes are attached to the crime, whenever assigned).
-- CPS figures are not linked to those crimes: prosecutions completed and convictions in the
-- year are flows, labelled "not a cohort", and must not be read as the cohort's later stages.
with years as (
    select
        force_code,
        financial_year,
        count(*) as quarters_in_period,
        sum(stalking_crimes) as stalking_crimes,
        sum(outcomes_assigned) as outcomes_assigned,
        sum(charged_summonsed) as charged_summonsed,
        sum(prosecutions_completed) as prosecutions_completed,
        sum(convictions) as convictions
    from {{ ref('int_comparisons__force_quarters') }}
    group by force_code, financial_year
),

stages as (
    {%- for stage, column in [
        ('stalking_crimes_recorded', 'stalking_crimes'),
        ('outcome_assigned', 'outcomes_assigned'),
        ('charged_summonsed', 'charged_summonsed'),
        ('cps_prosecutions_completed', 'prosecutions_completed'),
        ('cps_convictions', 'convictions'),
    ] %}
        select
            force_code,
            financial_year,
            quarters_in_period,
            stalking_crimes,
            {{ loop.index }} as stage_order,
            '{{ stage }}' as stage,
            {{ column }} as amount
        from years
        {{ 'union all' if not loop.last }}
    {%- endfor %}
)

select
    force_code,
    financial_year,
    stage_order,
    stage,
    amount as count,
    stage_order <= 3 as is_cohort,
    case
        when stage_order <= 3 then 'cohort: stalking crimes recorded in the year'
        else 'not a cohort: CPS completions in the year, not linked to the crimes recorded'
    end as basis,
    case when stage_order <= 3 then {{ safe_divide('amount', 'stalking_crimes') }} end
        as share_of_recorded,
    case when quarters_in_period < 4 then 'part_year' else 'complete' end as period_status
from stages
