-- Numerator and denominator of every comparison metric for every territorial force, by
-- financial quarter and by financial year. One row per metric, force and period. Which input
-- is a metric's numerator and denominator is data: ref_metrics.numerator_column and
-- denominator_column name columns of `periods` below (the one home of the metric definitions).
{%- set flows = [
    'stalking_crimes', 'stalking_harassment_crimes', 'screened', 'risk_assessed', 'high_risk',
    'masip_referred', 'outcomes_assigned', 'charged_summonsed', 'evidential_difficulties',
    'spo_applications', 'spo_granted', 'spo_decided', 'convictions', 'prosecutions_completed',
    'helpline_contacts', 'helpline_answered',
] %}
{%- set keys = [
    'force_code', 'region_code', 'period_type', 'period', 'financial_year', 'fy_quarter',
    'quarters_in_period', 'population_mid_year', 'population_basis',
] %}

with quarters as (
    select
        force_code,
        region_code,
        'quarter' as period_type,
        financial_year || ' ' || fy_quarter as period,
        financial_year,
        fy_quarter,
        1 as quarters_in_period,
        population_mid_year,
        population_basis,
        {%- for column in flows %}
            cast({{ column }} as double) as {{ column }},
        {%- endfor %}
        cast(waiting_list_end as double) as waiting_list_end,
        cast(waiting_list_end + open_cases_end as double) as advocacy_caseload,
        -- Resident-years: a quarter is a quarter of a year, so population rates are annual.
        cast(population as double) / 4 as population_years,
        cast(null as double) as possible_unrecognised,
        cast(null as double) as courses_of_conduct,
        cast(null as double) as trained_specialist,
        cast(null as double) as in_scope_specialist
    from {{ ref('int_comparisons__force_quarters') }}
),

training as (
    -- The specialist course types (ref_training_courses.is_specialist) of each return.
    select
        force_code,
        financial_year,
        cast(sum(trained) as double) as trained_specialist,
        cast(sum(in_scope) as double) as in_scope_specialist
    from {{ ref('fct_training_yearly') }}
    where is_specialist
    group by force_code, financial_year
),

year_sums as (
    select
        force_code,
        region_code,
        'financial_year' as period_type,
        financial_year as period,
        financial_year,
        cast(null as varchar) as fy_quarter,
        count(*) as quarters_in_period,
        any_value(population_mid_year) as population_mid_year,
        any_value(population_basis) as population_basis,
        {%- for column in flows %}
            sum({{ column }}) as {{ column }},
        {%- endfor %}
        -- Caseloads are stocks: the year's value is the one at its last quarter with a return.
        arg_max(waiting_list_end, fy_quarter) filter (where waiting_list_end is not null)
            as waiting_list_end,
        arg_max(advocacy_caseload, fy_quarter) filter (where waiting_list_end is not null)
            as advocacy_caseload,
        sum(population_years) as population_years
    from quarters
    group by force_code, region_code, financial_year
),

years as (
    select
        year_sums.*,
        cast(coalesce(courses.possible_unrecognised, 0) as double) as possible_unrecognised,
        cast(coalesce(courses.courses_of_conduct, 0) as double) as courses_of_conduct,
        -- Training is a stock at the year's end, from the force's return: NULL (not zero)
        -- for a force that sent none.
        training.trained_specialist,
        training.in_scope_specialist
    from year_sums
    left join {{ ref('fct_courses_of_conduct_yearly') }} as courses
        on
            year_sums.force_code = courses.force_code
            and year_sums.financial_year = courses.financial_year
    left join training
        on
            year_sums.force_code = training.force_code
            and year_sums.financial_year = training.financial_year
),

periods as (
    select * from years
    union all by name
    select * from quarters
),

inputs as (
    select *
    from periods
    unpivot include nulls (amount for input_name in (columns(* exclude ({{ keys | join(', ') }}))))
)

select
    metrics.metric_id,
    {%- for key in keys %}
        numerators.{{ key }},
    {%- endfor %}
    numerators.amount as numerator,
    denominators.amount as denominator
from {{ ref('ref_metrics') }} as metrics
inner join inputs as numerators on metrics.numerator_column = numerators.input_name
inner join inputs as denominators
    on
        metrics.denominator_column = denominators.input_name
        and numerators.force_code = denominators.force_code
        and numerators.period_type = denominators.period_type
        and numerators.period = denominators.period
where
    (numerators.period_type = 'financial_year' or metrics.quarterly)
    -- A force without a training return that year has no training figure (not a zero, and
    -- not a withheld one).
    and (denominators.input_name != 'in_scope_specialist' or denominators.amount is not null)
