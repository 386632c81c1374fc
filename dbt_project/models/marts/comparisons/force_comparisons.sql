-- Every metric of STATISTICS.md for every territorial force, by quarter and financial year,
-- with 95% and 99.8% intervals (Wilson for proportions; exact Poisson below 10, Byar from 10
-- for rates), the national, region and peer values, and the funnel-plot class against the
-- national value with a multiplicative overdispersion adjustment (phi from 10% winsorised
-- z-scores, applied when phi > 1). Values are on the metric's scale: proportions 0-1, rates
-- per the metric's multiplier.
with inputs as (
    select
        inputs.*,
        metrics.kind,
        metrics.multiplier
    from {{ ref('int_comparisons__metric_inputs') }} as inputs
    inner join {{ ref('ref_metrics') }} as metrics on inputs.metric_id = metrics.metric_id
    where inputs.period_type = 'financial_year' or metrics.quarterly
),

peer_pairs as (
    select
        force_code,
        peer_force_code
    from {{ ref('int_comparisons__peer_groups') }}
),

national as (
    select
        metric_id,
        period_type,
        period,
        sum(numerator) as numerator,
        sum(denominator) as denominator
    from inputs
    group by metric_id, period_type, period
),

regional as (
    select
        metric_id,
        period_type,
        period,
        region_code,
        sum(numerator) as numerator,
        sum(denominator) as denominator
    from inputs
    group by metric_id, period_type, period, region_code
),

peers as (
    select
        inputs.metric_id,
        inputs.period_type,
        inputs.period,
        peer_pairs.force_code,
        sum(inputs.numerator) as numerator,
        sum(inputs.denominator) as denominator
    from inputs
    inner join peer_pairs on inputs.force_code = peer_pairs.peer_force_code
    group by inputs.metric_id, inputs.period_type, inputs.period, peer_pairs.force_code
),

valued as (
    select
        inputs.*,
        {{ safe_divide('inputs.numerator', 'inputs.denominator') }} * inputs.multiplier as value,
        {{ safe_divide('national.numerator', 'national.denominator') }} * inputs.multiplier
            as national_value,
        {{ safe_divide('regional.numerator', 'regional.denominator') }} * inputs.multiplier
            as region_value,
        coalesce(
            {{ safe_divide('peers.numerator', 'peers.denominator') }},
            {{ safe_divide('regional.numerator', 'regional.denominator') }}
        ) * inputs.multiplier as peer_value,
        case when peers.force_code is null then 'ons_region' else 'peer_group_file' end
            as peer_basis
    from inputs
    inner join national using (metric_id, period_type, period)
    left join regional using (metric_id, period_type, period, region_code)
    left join peers using (metric_id, period_type, period, force_code)
),

scored as (
    select
        *,
        {{ funnel_numerator_ok('numerator', 'denominator') }} as numerator_ok,
        {{ funnel_z('numerator', 'denominator', 'national_value', 'kind', 'multiplier') }} as z
    from valued
),

winsorised as (
    select
        *,
        {{ funnel_winsorised_z('case when numerator_ok then z end', ['metric_id', 'period_type', 'period']) }}
            as z_winsorised
    from scored
),

period_dispersion as (
    -- phi per metric and period. A window average adds in whatever order the threads meet;
    -- an aggregate ordered by force adds in one order, so reruns give identical figures.
    select
        metric_id,
        period_type,
        period,
        {{ funnel_phi('z_winsorised', order_by='force_code') }} as phi,
        {{ funnel_units('z_winsorised') }} as funnel_units
    from winsorised
    group by metric_id, period_type, period
),

dispersion as (
    select
        winsorised.*,
        period_dispersion.phi,
        period_dispersion.funnel_units
    from winsorised
    inner join period_dispersion using (metric_id, period_type, period)
)

select
    metric_id,
    force_code,
    period_type,
    period,
    financial_year,
    fy_quarter,
    region_code,
    kind,
    multiplier,
    numerator,
    denominator,
    value,
    case
        when kind = 'proportion' then {{ wilson_lower('numerator', 'denominator', 95) }}
        else {{ rate_lower('numerator', 'denominator', 'multiplier', 95) }}
    end as ci95_low,
    case
        when kind = 'proportion' then {{ wilson_upper('numerator', 'denominator', 95) }}
        else {{ rate_upper('numerator', 'denominator', 'multiplier', 95) }}
    end as ci95_high,
    case
        when kind = 'proportion' then {{ wilson_lower('numerator', 'denominator', 99.8) }}
        else {{ rate_lower('numerator', 'denominator', 'multiplier', 99.8) }}
    end as ci998_low,
    case
        when kind = 'proportion' then {{ wilson_upper('numerator', 'denominator', 99.8) }}
        else {{ rate_upper('numerator', 'denominator', 'multiplier', 99.8) }}
    end as ci998_high,
    national_value,
    region_value,
    peer_value,
    peer_basis,
    z as funnel_z,
    phi as funnel_phi,
    greatest(coalesce(phi, 1), 1) > 1 as overdispersion_adjusted,
    {{ funnel_class('z', 'phi', 'numerator_ok') }} as funnel_class,
    not numerator_ok as is_low_reliability
from dispersion
