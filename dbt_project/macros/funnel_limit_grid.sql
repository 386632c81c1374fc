{#- Funnel-plot control limits for every metric and period of a comparisons relation: a
    grid of `steps` denominators from the smallest to 1.1 x the largest (geometric steps), at
    95% and 99.8%, around the national value, by the funnel's method (additive random
    effects with tau2 when the forces are overdispersed, otherwise unadjusted), and the
    multiplicative (phi) limits for comparison. Everything comes from `comparisons` itself:
    the dispersion (phi, tau2) is computed over the forces whose figures it holds, so the
    published grid's parameters are functions of published figures only (phi over all forces,
    withheld ones included, would let a withheld numerator be solved: docs/DISCLOSURE.md);
    over marts.force_comparisons it is the marts' own dispersion. -#}
{% macro funnel_limit_grid(comparisons, steps=60, winsor_fraction=0.1) %}
{%- set partition = ['metric_id', 'period_type', 'period'] %}
with scored as (
    select
        metric_id,
        period_type,
        period,
        force_code,
        {{ funnel_z('numerator', 'denominator', 'national_value', 'kind', 'multiplier') }} as z,
        {{ funnel_se('denominator', 'national_value', 'kind', 'multiplier') }} as se
    from {{ comparisons }}
    where numerator is not null and denominator is not null
),

winsorised as (
    select
        *,
        {{ funnel_winsorised_z('z', partition, winsor_fraction) }} as z_winsorised
    from scored
),

dispersion as (
    {{ funnel_dispersion('winsorised', partition) }}
),

parameters as (
    select
        metric_id,
        period_type,
        period,
        case
            when {{ funnel_overdispersed('units', 'phi') }} then 'additive_random_effects'
            else 'exact_or_normal_unadjusted'
        end as funnel_method,
        phi as funnel_phi,
        case
            when {{ funnel_overdispersed('units', 'phi') }}
                then {{ funnel_tau2('units', 'phi', 'sum_w', 'sum_w2') }}
            else 0
        end as tau2_used,
        {{ funnel_tau2('units', 'phi', 'sum_w', 'sum_w2') }} as funnel_tau2
    from dispersion
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


{#- Per funnel (partition): phi, the number of forces with a z-score, and the weight sums
    tau2 needs, over a relation with z_winsorised, se and force_code. The one definition
    marts.force_comparisons and the limit grids share. Aggregates ordered by force add in one
    order, so reruns give identical figures (a window average adds in whatever order the
    threads meet). -#}
{% macro funnel_dispersion(relation, partition) %}
    select
        {{ partition | join(', ') }},
        {{ funnel_phi('z_winsorised', order_by='force_code') }} as phi,
        {{ funnel_units('z_winsorised') }} as units,
        {{ funnel_weight_sum('se', 'z_winsorised', 1, order_by='force_code') }} as sum_w,
        {{ funnel_weight_sum('se', 'z_winsorised', 2, order_by='force_code') }} as sum_w2
    from {{ relation }}
    group by {{ partition | join(', ') }}
{% endmacro %}
