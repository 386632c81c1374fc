-- Every metric of STATISTICS.md (ref_metrics) for every territorial force, by quarter and
-- financial year, with 95% and 99.8% intervals (Wilson for proportions; exact Poisson below
-- 10, Byar from 10 for rates), the national, region and peer values, and the funnel-plot
-- class against the national value. Funnels (docs/STATISTICS_METHODS.md): z on a
-- variance-stabilising scale; a chi-square test for overdispersion on 10% winsorised
-- z-scores; when overdispersed, the additive random-effects model (DerSimonian-Laird tau^2)
-- classes every unit, and the multiplicative class is kept for comparison; otherwise units
-- with small counts are classed by exact binomial / Poisson tails and the others by z.
-- Values are on the metric's scale: proportions 0-1, rates per the metric's multiplier
-- (population rates per resident per year: a quarter's rate is annualised).
{%- set winsor_fraction = 0.1 %}
{%- set partition = ['metric_id', 'period_type', 'period'] %}

with inputs as (
    select
        inputs.*,
        metrics.kind,
        metrics.multiplier,
        metrics.unit_label,
        metrics.outcome_based,
        metrics.denominator_column = 'population_years' as is_population_rate
    from {{ ref('int_comparisons__metric_inputs') }} as inputs
    inner join {{ ref('ref_metrics') }} as metrics on inputs.metric_id = metrics.metric_id
),

data_quarters as (
    -- The quarters the data cover, newest first, and how many each financial year has.
    select
        financial_year,
        fy_quarter,
        row_number() over (order by financial_year desc, fy_quarter desc) as quarters_back,
        count(*) over (partition by financial_year) as quarters_in_year
    from (
        select distinct
            financial_year,
            fy_quarter
        from {{ ref('int_comparisons__force_quarters') }}
    )
),

data_years as (
    select
        financial_year,
        any_value(quarters_in_year) as quarters_in_year,
        -- Outcomes are still being assigned to crimes recorded in the latest two quarters.
        min(quarters_back) <= 2 as has_recent_quarter
    from data_quarters
    group by financial_year
),

peer_pairs as (
    select
        force_code,
        peer_force_code,
        peer_basis
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
        any_value(peer_pairs.peer_basis) as peer_basis,
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
        -- The region is a fallback only: when the peers have no denominator.
        coalesce(
            {{ safe_divide('peers.numerator', 'peers.denominator') }},
            {{ safe_divide('regional.numerator', 'regional.denominator') }}
        ) * inputs.multiplier as peer_value,
        case
            when {{ safe_divide('peers.numerator', 'peers.denominator') }} is not null
                then peers.peer_basis
            else 'ons_region'
        end as peer_basis
    from inputs
    inner join national using (metric_id, period_type, period)
    left join regional using (metric_id, period_type, period, region_code)
    left join peers using (metric_id, period_type, period, force_code)
),

scored as (
    select
        *,
        {{ funnel_z('numerator', 'denominator', 'national_value', 'kind', 'multiplier') }} as z,
        {{ funnel_se('denominator', 'national_value', 'kind', 'multiplier') }} as se,
        {{ funnel_exact_class('numerator', 'denominator', 'national_value', 'kind', 'multiplier') }}
            as exact_class
    from valued
),

winsorised as (
    select
        *,
        {{ funnel_winsorised_z('z', partition, winsor_fraction) }} as z_winsorised
    from scored
),

period_dispersion as (
    -- Per funnel (macros/funnel_limit_grid.sql).
    {{ funnel_dispersion('winsorised', partition) }}
),

dispersion as (
    select
        winsorised.*,
        period_dispersion.phi,
        period_dispersion.units,
        {{ funnel_overdispersion_critical('period_dispersion.units') }} as q_critical,
        {{ funnel_overdispersed('period_dispersion.units', 'period_dispersion.phi') }}
            as overdispersed,
        {{ funnel_tau2('period_dispersion.units', 'period_dispersion.phi', 'period_dispersion.sum_w', 'period_dispersion.sum_w2') }}
            as tau2
    from winsorised
    inner join period_dispersion using (metric_id, period_type, period)
),

classed as (
    select
        *,
        coalesce(exact_class, {{ funnel_class('z') }}) as class_unadjusted,
        {{ funnel_class(funnel_random_effects_z('z', 'se', 'tau2')) }} as class_additive,
        {{ funnel_class('z / sqrt(greatest(phi, 1))') }} as class_multiplicative
    from dispersion
)

select
    classed.metric_id,
    classed.force_code,
    classed.period_type,
    classed.period,
    classed.financial_year,
    classed.fy_quarter,
    classed.region_code,
    classed.kind,
    classed.multiplier,
    classed.numerator,
    classed.denominator,
    classed.value,
    case
        when classed.kind = 'proportion' then {{ wilson_lower('classed.numerator', 'classed.denominator', 95) }}
        else {{ rate_lower('classed.numerator', 'classed.denominator', 'classed.multiplier', 95) }}
    end as ci95_low,
    case
        when classed.kind = 'proportion' then {{ wilson_upper('classed.numerator', 'classed.denominator', 95) }}
        else {{ rate_upper('classed.numerator', 'classed.denominator', 'classed.multiplier', 95) }}
    end as ci95_high,
    case
        when classed.kind = 'proportion' then {{ wilson_lower('classed.numerator', 'classed.denominator', 99.8) }}
        else {{ rate_lower('classed.numerator', 'classed.denominator', 'classed.multiplier', 99.8) }}
    end as ci998_low,
    case
        when classed.kind = 'proportion' then {{ wilson_upper('classed.numerator', 'classed.denominator', 99.8) }}
        else {{ rate_upper('classed.numerator', 'classed.denominator', 'classed.multiplier', 99.8) }}
    end as ci998_high,
    classed.national_value,
    classed.region_value,
    classed.peer_value,
    classed.peer_basis,
    classed.z as funnel_z,
    classed.phi as funnel_phi,
    classed.overdispersed as overdispersion_adjusted,
    case when classed.overdispersed then classed.class_additive else classed.class_unadjusted end
        as funnel_class,
    classed.numerator is null or classed.numerator < 10 or not coalesce(classed.denominator > 0, false)
        as is_low_reliability,
    -- Method and parameters of the funnel (the same on every row of one metric and period).
    case
        when classed.overdispersed then 'additive_random_effects'
        else 'exact_or_normal_unadjusted'
    end as funnel_method,
    case classed.kind when 'proportion' then 'arcsine_square_root' else 'square_root_ratio' end
        as funnel_scale,
    {{ winsor_fraction }} as funnel_winsor_fraction,
    classed.units as funnel_units,
    classed.units * classed.phi as funnel_dispersion_statistic,
    classed.q_critical as funnel_dispersion_critical_95,
    classed.tau2 as funnel_tau2,
    case
        when classed.overdispersed then {{ funnel_random_effects_z('classed.z', 'classed.se', 'classed.tau2') }}
        else classed.z
    end as funnel_z_adjusted,
    classed.exact_class is not null and not classed.overdispersed as funnel_exact,
    classed.class_unadjusted as funnel_class_unadjusted,
    classed.class_additive as funnel_class_additive,
    classed.class_multiplicative as funnel_class_multiplicative,
    -- Period status (rule in STATISTICS_METHODS.md, "Period status").
    case
        when classed.period_type = 'financial_year' and data_years.quarters_in_year < 4
            then 'part_year'
        when
            classed.outcome_based
            and (
                (classed.period_type = 'quarter' and data_quarters.quarters_back <= 2)
                or (classed.period_type = 'financial_year' and data_years.has_recent_quarter)
            )
            then 'provisional'
        else 'complete'
    end as period_status,
    classed.quarters_in_period,
    case
        when classed.is_population_rate and classed.period_type = 'quarter'
            then classed.unit_label || ' (quarter annualised)'
        when classed.is_population_rate and classed.quarters_in_period < 4
            then classed.unit_label || ' (part year annualised)'
        else classed.unit_label
    end as value_unit,
    case when classed.is_population_rate then classed.population_mid_year end as population_mid_year,
    case when classed.is_population_rate then classed.population_basis end as population_basis
from classed
inner join data_years on classed.financial_year = data_years.financial_year
left join data_quarters
    on
        classed.period_type = 'quarter'
        and classed.financial_year = data_quarters.financial_year
        and classed.fy_quarter = data_quarters.fy_quarter
