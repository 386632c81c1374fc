-- Funnel-plot control limits, recomputed from the published (disclosure-controlled)
-- comparisons: the denominator grid spans the published denominators only (the marts grid
-- starts at the smallest force's denominator, which could be a suppressed count), and the
-- limits are NULL where the national value is withheld. Same formula as marts.funnel_limits:
-- 60 geometric steps, 95% and 99.8%, widened by the period's overdispersion factor phi.
{{ config(alias='funnel_limits') }}

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
    from {{ ref('published_force_comparisons') }}
    group by metric_id, period_type, period
),

grid as (
    select
        ranges.*,
        step.step,
        ranges.n_min * power(ranges.n_max / ranges.n_min * 1.1, step.step / 59.0) as denominator
    from ranges
    cross join range(0, 60) as step (step)
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
