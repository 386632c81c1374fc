{#- Funnel-plot control limits for every metric and period of a comparisons relation: a
    grid of `steps` denominators from the smallest to 1.1 x the largest (geometric steps), at
    95% and 99.8%, around the national value, widened by the period's phi when above 1. -#}
{% macro funnel_limit_grid(comparisons, steps=60) %}
with ranges as (
    select
        metric_id,
        period_type,
        period,
        any_value(kind) as kind,
        any_value(multiplier) as multiplier,
        any_value(national_value) as national_value,
        any_value(funnel_phi) as funnel_phi,
        greatest(min(denominator) filter (where denominator > 0), 1) as n_min,
        greatest(max(denominator), 1) as n_max
    from {{ comparisons }}
    group by metric_id, period_type, period
),

grid as (
    select
        ranges.*,
        step.step,
        ranges.n_min * power(ranges.n_max / ranges.n_min * 1.1, step.step / {{ steps - 1 }}.0) as denominator
    from ranges
    cross join range(0, {{ steps }}) as step (step)
)

select
    metric_id,
    period_type,
    period,
    step,
    denominator,
    national_value,
    funnel_phi,
    {{ funnel_limit('national_value', 'denominator', 95, 'lower', 'kind', 'funnel_phi', 'multiplier') }}
        as lower_95,
    {{ funnel_limit('national_value', 'denominator', 95, 'upper', 'kind', 'funnel_phi', 'multiplier') }}
        as upper_95,
    {{ funnel_limit('national_value', 'denominator', 99.8, 'lower', 'kind', 'funnel_phi', 'multiplier') }}
        as lower_998,
    {{ funnel_limit('national_value', 'denominator', 99.8, 'upper', 'kind', 'funnel_phi', 'multiplier') }}
        as upper_998
from grid
{% endmacro %}
