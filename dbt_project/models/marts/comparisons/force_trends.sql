-- Change over time: every quarterly flow metric (ref_metrics) for every territorial force over
-- rolling 12-month periods (four financial quarters), against the same 12 months a year
-- earlier, with a 95% interval for the change (docs/STATISTICS_METHODS.md, "Change over
-- time"): rates as a ratio of Poisson rates (conditional binomial method, Wilson score
-- interval for the share of the two periods' events falling in the later one), proportions
-- as a difference (Newcombe's hybrid score interval from the two Wilson intervals).
with inputs as (
    select
        inputs.metric_id,
        inputs.force_code,
        inputs.financial_year,
        inputs.fy_quarter,
        inputs.numerator,
        inputs.denominator,
        metrics.kind,
        metrics.multiplier,
        metrics.outcome_based,
        cast(left(inputs.financial_year, 4) as integer) * 4
        + cast(right(inputs.fy_quarter, 1) as integer) as quarter_index
    from {{ ref('int_comparisons__metric_inputs') }} as inputs
    inner join {{ ref('ref_metrics') }} as metrics on inputs.metric_id = metrics.metric_id
    -- Stocks (caseloads at a date) do not add up over a year.
    where inputs.period_type = 'quarter' and metrics.metric_id != 'advocacy_waiting_share'
),

latest as (
    select max(quarter_index) as latest_index from inputs
),

rolling as (
    select
        *,
        count(*) over twelve_months as quarters_in_window,
        sum(numerator) over twelve_months as window_numerator,
        sum(denominator) over twelve_months as window_denominator
    from inputs
    window twelve_months as (
        partition by metric_id, force_code
        order by quarter_index
        range between 3 preceding and current row
    )
),

paired as (
    select
        current_.*,
        year_before.window_numerator as prior_numerator,
        year_before.window_denominator as prior_denominator
    from rolling as current_
    inner join rolling as year_before
        on
            current_.metric_id = year_before.metric_id
            and current_.force_code = year_before.force_code
            and year_before.quarter_index = current_.quarter_index - 4
    where current_.quarters_in_window = 4 and year_before.quarters_in_window = 4
),

changes as (
    select
        *,
        -- Rates: of the events in both periods, the share in the later one.
        window_numerator + prior_numerator as events_both,
        {{ wilson_lower('window_numerator', 'window_numerator + prior_numerator', 95) }}
            as share_low,
        {{ wilson_upper('window_numerator', 'window_numerator + prior_numerator', 95) }}
            as share_high,
        -- Proportions: each period's Wilson interval.
        {{ safe_divide('window_numerator', 'window_denominator') }} as p1,
        {{ safe_divide('prior_numerator', 'prior_denominator') }} as p0,
        {{ wilson_lower('window_numerator', 'window_denominator', 95) }} as l1,
        {{ wilson_upper('window_numerator', 'window_denominator', 95) }} as u1,
        {{ wilson_lower('prior_numerator', 'prior_denominator', 95) }} as l0,
        {{ wilson_upper('prior_numerator', 'prior_denominator', 95) }} as u0,
        -- The rate ratio is the odds of that share times prior / current exposure.
        {{ safe_divide('prior_denominator', 'window_denominator') }} as exposure_ratio
    from paired
),

intervals as (
    select
        *,
        case
            when kind = 'rate'
                then {{ safe_divide(safe_divide('window_numerator', 'window_denominator'), safe_divide('prior_numerator', 'prior_denominator')) }}
            else p1 - p0
        end as change,
        case
            when kind = 'rate' and share_low < 1
                then share_low / (1 - share_low) * exposure_ratio
            when kind = 'proportion'
                then p1 - p0 - sqrt(power(p1 - l1, 2) + power(u0 - p0, 2))
        end as change_ci95_low,
        case
            -- Unbounded above when no events fell in the earlier period.
            when kind = 'rate' and share_high >= 1 then cast('infinity' as double)
            when kind = 'rate'
                then share_high / (1 - share_high) * exposure_ratio
            when kind = 'proportion'
                then p1 - p0 + sqrt(power(u1 - p1, 2) + power(p0 - l0, 2))
        end as change_ci95_high
    from changes
)

select
    intervals.metric_id,
    intervals.force_code,
    'rolling_12_months' as period_type,
    '12 months to ' || intervals.financial_year || ' ' || intervals.fy_quarter as period,
    intervals.financial_year as end_financial_year,
    intervals.fy_quarter as end_fy_quarter,
    intervals.kind,
    intervals.multiplier,
    intervals.window_numerator as numerator,
    intervals.window_denominator as denominator,
    {{ safe_divide('intervals.window_numerator', 'intervals.window_denominator') }}
    * intervals.multiplier as value,
    intervals.prior_numerator,
    intervals.prior_denominator,
    {{ safe_divide('intervals.prior_numerator', 'intervals.prior_denominator') }}
    * intervals.multiplier as prior_value,
    case when intervals.kind = 'rate' then 'rate_ratio' else 'difference' end as change_measure,
    case
        when intervals.kind = 'rate' then 'conditional_binomial_wilson'
        else 'newcombe_hybrid_score'
    end as change_method,
    intervals.change,
    intervals.change_ci95_low,
    intervals.change_ci95_high,
    case
        when intervals.kind = 'rate'
            then intervals.change_ci95_low > 1 or intervals.change_ci95_high < 1
        else intervals.change_ci95_low > 0 or intervals.change_ci95_high < 0
    end as change_significant,
    case
        when intervals.change_ci95_low is null and intervals.change_ci95_high is null
            then 'no comparison: no denominator in one of the periods'
        when
            (intervals.kind = 'rate' and intervals.change_ci95_low > 1)
            or (intervals.kind = 'proportion' and intervals.change_ci95_low > 0)
            then 'higher than a year earlier'
        when
            (intervals.kind = 'rate' and intervals.change_ci95_high < 1)
            or (intervals.kind = 'proportion' and intervals.change_ci95_high < 0)
            then 'lower than a year earlier'
        else 'no significant change from a year earlier'
    end as change_statement,
    case
        when intervals.outcome_based and intervals.quarter_index > latest.latest_index - 2
            then 'provisional'
        else 'complete'
    end as period_status
from intervals
cross join latest
