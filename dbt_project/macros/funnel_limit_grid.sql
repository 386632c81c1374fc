{#- Funnel-plot control limits for every metric and period of a comparisons relation: a
    grid of `steps` denominators from the smallest to 1.1 x the largest (geometric steps), at
    95% and 99.8%, around the national value, by the funnel's own method (additive random
    effects with the funnel's tau2 when it is overdispersed, otherwise unadjusted), and the
    multiplicative (phi) limits for comparison. The denominators and national value come
    from `comparisons`; the funnel's method and parameters from marts.force_comparisons (the
    same for every force of a funnel), so a published relation need not carry them. -#}
{% macro funnel_limit_grid(comparisons, steps=60) %}
with parameters as (
    select
        metric_id,
        period_type,
        period,
        any_value(funnel_method) as funnel_method,
        any_value(funnel_phi) as funnel_phi,
        any_value(case when overdispersion_adjusted then funnel_tau2 else 0 end) as tau2_used,
        any_value(funnel_tau2) as funnel_tau2
    from {{ ref('force_comparisons') }}
    group by metric_id, period_type, period
),

ranges as (
    select
        metric_id,
        period_type,
        period,
        any_value(kind) as kind,
        any_value(multiplier) as multiplier,
        any_value(national_value) as national_value,
        greatest(min(denominator) filter (where denominator > 0), 1) as n_min,
        greatest(max(denominator), 1) as n_max
    from {{ comparisons }}
    group by metric_id, period_type, period
),

grid as (
    select
        ranges.*,
        parameters.funnel_method,
        parameters.funnel_phi,
        parameters.tau2_used,
        parameters.funnel_tau2,
        step.step,
        ranges.n_min * power(ranges.n_max / ranges.n_min * 1.1, step.step / {{ steps - 1 }}.0) as denominator
    from ranges
    inner join parameters using (metric_id, period_type, period)
    cross join range(0, {{ steps }}) as step (step)
)

select
    metric_id,
    period_type,
    period,
    step,
    denominator,
    national_value,
    funnel_method,
    funnel_phi,
    funnel_tau2,
    {%- for level, suffix in [(95, '95'), (99.8, '998')] %}
        {%- for side in ['lower', 'upper'] %}
    {{ funnel_limit('national_value', 'denominator', level, side, 'kind', 'tau2_used', 'multiplier') }}
        as {{ side }}_{{ suffix }},
        {%- endfor %}
    {%- endfor %}
    {%- for level, suffix in [(95, '95'), (99.8, '998')] %}
        {%- for side in ['lower', 'upper'] %}
    {{ funnel_limit('national_value', 'denominator', level, side, 'kind', none, 'multiplier', 'funnel_phi') }}
        as {{ side }}_{{ suffix }}_multiplicative{{ ',' if not loop.last or suffix == '95' }}
        {%- endfor %}
    {%- endfor %}
from grid
{% endmacro %}
