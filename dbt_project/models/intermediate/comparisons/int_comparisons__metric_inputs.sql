-- Numerator and denominator of every comparison metric for every territorial force, by
-- financial quarter and by financial year. One row per metric, force and period.
{%- set metrics = [
    ('stalking_rate', 'stalking_crimes', 'population'),
    ('stalking_harassment_rate', 'stalking_harassment_crimes', 'population'),
    ('stalking_share', 'stalking_crimes', 'stalking_harassment_crimes'),
    ('screening_rate', 'screened', 'stalking_crimes'),
    ('high_risk_share', 'high_risk', 'risk_assessed'),
    ('charge_rate', 'charged_summonsed', 'outcomes_assigned'),
    ('evidential_difficulties_share', 'evidential_difficulties', 'outcomes_assigned'),
    ('spo_application_rate', 'spo_applications', 'stalking_crimes'),
    ('spo_grant_rate', 'spo_granted', 'spo_decided'),
    ('masip_referral_rate', 'masip_referred', 'stalking_crimes'),
    ('conviction_rate', 'convictions', 'prosecutions_completed'),
    ('helpline_contacts_rate', 'helpline_contacts', 'population'),
    ('helpline_answer_rate', 'helpline_answered', 'helpline_contacts'),
    ('advocacy_waiting_share', 'waiting_list_end', 'waiting_list_end + open_cases_end'),
] %}

with quarters as (
    select
        *,
        'quarter' as period_type,
        financial_year || ' ' || fy_quarter as period
    from {{ ref('int_comparisons__force_quarters') }}
),

years as (
    select
        force_code,
        region_code,
        financial_year,
        null as fy_quarter,
        'financial_year' as period_type,
        financial_year as period,
        any_value(population) as population,
        count(*) as quarters_in_period,
        {%- for column in ['stalking_crimes', 'stalking_harassment_crimes', 'screened',
                           'risk_assessed', 'high_risk', 'masip_referred', 'outcomes_assigned',
                           'charged_summonsed', 'evidential_difficulties', 'spo_applications',
                           'spo_granted', 'spo_decided', 'convictions', 'prosecutions_completed',
                           'helpline_contacts', 'helpline_answered'] %}
            sum({{ column }}) as {{ column }},
        {%- endfor %}
        -- Caseloads are stocks: the year's value is the one at its last quarter with a return.
        arg_max(waiting_list_end, fy_quarter) filter (where waiting_list_end is not null)
            as waiting_list_end,
        arg_max(open_cases_end, fy_quarter) filter (where open_cases_end is not null)
            as open_cases_end
    from {{ ref('int_comparisons__force_quarters') }}
    group by force_code, region_code, financial_year
),

periods as (
    select * exclude (quarters_in_period) from years
    union all by name
    select * from quarters
),

courses as (
    select
        forces.force_code,
        forces.region_code,
        years.financial_year,
        coalesce(courses.possible_unrecognised, 0) as possible_unrecognised,
        coalesce(courses.courses_of_conduct, 0) as courses_of_conduct
    from {{ ref('dim_force') }} as forces
    cross join (select distinct financial_year from years) as years
    left join {{ ref('fct_courses_of_conduct_yearly') }} as courses
        on forces.force_code = courses.force_code and years.financial_year = courses.financial_year
    where forces.is_territorial
)

{% for metric_id, numerator, denominator in metrics %}
    select
        '{{ metric_id }}' as metric_id,
        force_code,
        region_code,
        period_type,
        period,
        financial_year,
        fy_quarter,
        cast({{ numerator }} as double) as numerator,
        cast({{ denominator }} as double) as denominator
    from periods
    union all
{% endfor %}
select
    'possible_unrecognised_share' as metric_id,
    force_code,
    region_code,
    'financial_year' as period_type,
    financial_year as period,
    financial_year,
    null as fy_quarter,
    cast(possible_unrecognised as double) as numerator,
    cast(courses_of_conduct as double) as denominator
from courses
