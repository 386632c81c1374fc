{#-
    Statistics for comparing forces: confidence intervals and funnel plots.

    Every macro renders a DuckDB SQL expression. Arguments are SQL expressions (column names
    or cheap expressions: most are repeated in the rendered SQL). `level` is the literal 95
    or 99.8 (two-sided confidence level, per cent). Methods, formulas and references:
    docs/STATISTICS_METHODS.md and docs/STATISTICS.md (Intervals, Comparing a force).
    Tested against scipy and statsmodels in tests/test_statistics_macros.py.
-#}


{#- ---------------------------------------------------------------- helpers ---- -#}

{#- Normalise a confidence level to the text '95' or '99.8'; anything else is an error. -#}
{% macro statistics_level(level) -%}
    {%- set text = level | string | trim -%}
    {%- if text in ['95', '95.0', '0.95'] -%}
        95
    {%- elif text in ['99.8', '0.998'] -%}
        99.8
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "statistics macros: level must be the literal 95 or 99.8, got '" ~ text ~ "'"
        ) }}
    {%- endif -%}
{%- endmacro %}


{#- 'proportion' or 'rate' for a literal kind; '' when kind is a SQL expression instead. -#}
{% macro statistics_kind(kind) -%}
    {%- set text = kind | string | trim | lower -%}
    {%- if text in ['proportion', "'proportion'"] -%}
        proportion
    {%- elif text in ['rate', "'rate'"] -%}
        rate
    {%- endif -%}
{%- endmacro %}


{#- '+' for 'upper', '-' for 'lower'. -#}
{% macro statistics_side_sign(side) -%}
    {%- set text = side | string | trim | lower -%}
    {%- if text == 'upper' -%}
        +
    {%- elif text == 'lower' -%}
        -
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "statistics macros: side must be 'lower' or 'upper', got '" ~ text ~ "'"
        ) }}
    {%- endif -%}
{%- endmacro %}


{#- numerator / denominator as a double; NULL when the denominator is 0 or NULL. -#}
{% macro safe_divide(numerator, denominator) -%}
    (cast(({{ numerator }}) as double) / nullif(cast(({{ denominator }}) as double), 0))
{%- endmacro %}


{#- Two-sided standard normal quantile: 95 -> 1.959963984540054, 99.8 -> 3.090232306167813
    (scipy.stats.norm.isf(0.025) and norm.isf(0.001)). -#}
{% macro z_value(level) -%}
    {%- if statistics_level(level) | trim == '95' -%}
        cast(1.959963984540054 as double)
    {%- else -%}
        cast(3.090232306167813 as double)
    {%- endif -%}
{%- endmacro %}


{#- ------------------------------------------------------ Wilson (proportions) -- -#}

{#- Wilson score interval for numerator / denominator (Wilson 1927), clamped to [0, 1];
    exactly 0 (lower) when the numerator is 0 and exactly 1 (upper) when it equals the
    denominator, where the formula gives those values up to rounding. NULL when the
    denominator is 0 or NULL, or the numerator is NULL, negative or larger than the
    denominator. Same formula and clipping as statsmodels proportion_confint. -#}
{% macro wilson_limit(numerator, denominator, level, side) -%}
    {%- set sign = statistics_side_sign(side) | trim -%}
    {%- set x = 'cast((' ~ numerator ~ ') as double)' -%}
    {%- set n = 'cast((' ~ denominator ~ ') as double)' -%}
    {%- set z = z_value(level) | trim -%}
    {%- set q = '(' ~ x ~ ' / ' ~ n ~ ')' -%}
    {%- set z2 = '(' ~ z ~ ' * ' ~ z ~ ')' -%}
    {%- if sign == '-' -%}
        {%- set exact_end = x ~ ' = 0 then 0' -%}
    {%- else -%}
        {%- set exact_end = x ~ ' = ' ~ n ~ ' then 1' -%}
    {%- endif -%}
    (case
        when {{ n }} > 0 and {{ exact_end }}
        when {{ n }} > 0 and {{ x }} >= 0 and {{ x }} <= {{ n }}
            then least(1, greatest(0,
                ({{ q }} + {{ z2 }} / (2 * {{ n }})) / (1 + {{ z2 }} / {{ n }})
                {{ sign }} {{ z }}
                * sqrt({{ q }} * (1 - {{ q }}) / {{ n }} + {{ z2 }} / (4 * {{ n }} * {{ n }}))
                / (1 + {{ z2 }} / {{ n }})
            ))
    end)
{%- endmacro %}


{% macro wilson_lower(numerator, denominator, level) -%}
    {{ wilson_limit(numerator, denominator, level, 'lower') }}
{%- endmacro %}


{% macro wilson_upper(numerator, denominator, level) -%}
    {{ wilson_limit(numerator, denominator, level, 'upper') }}
{%- endmacro %}


{#- ------------------------------------------- Poisson intervals (rates) ---- -#}

{#- Interval for the rate numerator / denominator * multiplier.
    Numerator 0..9: exact Poisson limits (Garwood), embedded as constants because DuckDB has
    no chi-square quantile function. Produced, to 15 significant digits, by
        from scipy.stats import chi2       # scipy 1.17.1; alpha = 0.05 (95) or 0.002 (99.8)
        lower[o] = chi2.ppf(alpha / 2, 2 * o) / 2   (0 when o = 0)
        upper[o] = chi2.ppf(1 - alpha / 2, 2 * o + 2) / 2
    Numerator >= 10: Byar's approximation (Breslow & Day 1987)
        lower = O (1 - 1/(9 O) - z/(3 sqrt(O)))^3
        upper = (O + 1) (1 - 1/(9 (O + 1)) + z/(3 sqrt(O + 1)))^3
    Both are limits for the count; they are scaled by multiplier / denominator.
    NULL when the denominator is 0, negative or NULL, or the numerator is NULL, negative or
    a non-integer below 10. -#}
{% macro rate_limit(numerator, denominator, multiplier, level, side) -%}
    {%- set sign = statistics_side_sign(side) | trim -%}
    {%- set key = statistics_level(level) | trim -%}
    {%- set exact = {
        '95': {
            'lower': [
                '0',
                '0.0253178079842899',
                '0.242209278543965',
                '0.618672122895601',
                '1.08986537362632',
                '1.62348639011842',
                '2.20189425349085',
                '2.81436305151987',
                '3.4538321767485',
                '4.11537309737833',
            ],
            'upper': [
                '3.68887945411394',
                '5.5716433909389',
                '7.22468766772396',
                '8.76727306974232',
                '10.2415886754037',
                '11.6683320793227',
                '13.0594740225187',
                '14.4226753617024',
                '15.7631892201933',
                '17.0848034514192',
            ],
        },
        '99.8': {
            'lower': [
                '0',
                '0.00100050033358353',
                '0.0454020177694895',
                '0.190533377568403',
                '0.428552413628423',
                '0.739371731917832',
                '1.10710466025564',
                '1.52033626039881',
                '1.97081392174037',
                '2.45242440436378',
            ],
            'upper': [
                '6.90775527898214',
                '9.23341347645158',
                '11.2288722424127',
                '13.0622407791881',
                '14.7941492225372',
                '16.4547452036801',
                '18.0616368401991',
                '19.6261773953842',
                '21.15619816584',
                '22.6573733090629',
            ],
        },
    } -%}
    {%- set side_key = 'upper' if sign == '+' else 'lower' -%}
    {%- set o = 'cast((' ~ numerator ~ ') as double)' -%}
    {%- set d = 'cast((' ~ denominator ~ ') as double)' -%}
    {%- set m = 'cast((' ~ multiplier ~ ') as double)' -%}
    {%- set z = z_value(level) | trim -%}
    {%- set exact_branches = [] -%}
    {%- for value in exact[key][side_key] -%}
        {%- set _ = exact_branches.append(
            'when ' ~ o ~ ' = ' ~ loop.index0 ~ ' then cast(' ~ value ~ ' as double)'
        ) -%}
    {%- endfor -%}
    {%- if side_key == 'lower' -%}
        {%- set byar = o ~ ' * power(1 - 1 / (9 * ' ~ o ~ ') - ' ~ z
            ~ ' / (3 * sqrt(' ~ o ~ ')), 3)' -%}
    {%- else -%}
        {%- set o1 = '(' ~ o ~ ' + 1)' -%}
        {%- set byar = o1 ~ ' * power(1 - 1 / (9 * ' ~ o1 ~ ') + ' ~ z
            ~ ' / (3 * sqrt(' ~ o1 ~ ')), 3)' -%}
    {%- endif -%}
    {%- set count_limit = '(case when ' ~ o ~ ' >= 10 then ' ~ byar ~ ' '
        ~ exact_branches | join(' ') ~ ' end)' -%}
    (case
        when {{ d }} > 0
            then {{ count_limit }} * {{ m }} / {{ d }}
    end)
{%- endmacro %}


{% macro rate_lower(numerator, denominator, multiplier, level) -%}
    {{ rate_limit(numerator, denominator, multiplier, level, 'lower') }}
{%- endmacro %}


{% macro rate_upper(numerator, denominator, multiplier, level) -%}
    {{ rate_limit(numerator, denominator, multiplier, level, 'upper') }}
{%- endmacro %}


{#- ------------------------------------------ Funnel plots (Spiegelhalter 2005) -- -#}
{#-
    A funnel is one metric and period across the forces (the partition). Units are compared
    with the target (the national value) on a variance-stabilising scale, as FunnelPlotR and
    the CQC do: arcsine square root for proportions, square root of the standardised ratio O/E
    for rates. Steps, one CTE each (window functions cannot nest):

        scored:      funnel_z (z on that scale), funnel_se, funnel_exact_class
        winsorised:  funnel_winsorised_z over the partition
        dispersion:  per partition (GROUP BY): funnel_units (k), funnel_phi,
                     funnel_weight_sum(se, 1) and (se, 2), then funnel_overdispersed and
                     funnel_tau2 from them
        classed:     funnel_class(funnel_random_effects_z(...)) for the additive method,
                     funnel_class(z / sqrt(phi)) for the multiplicative one,
                     coalesce(exact class, funnel_class(z)) with no adjustment

    Methods, formulas and references: docs/STATISTICS_METHODS.md ("Funnel plots").
-#}

{#- `over (partition by ...)` from a string or a list of column names. -#}
{% macro statistics_over(partition_by) -%}
    {%- if partition_by is string -%}
        over (partition by {{ partition_by }})
    {%- else -%}
        over (partition by {{ partition_by | join(', ') }})
    {%- endif -%}
{%- endmacro %}


{#- `case (kind) when 'proportion' then ... when 'rate' then ... end`, or one branch alone when
    kind is a literal. -#}
{% macro statistics_by_kind(kind, proportion_sql, rate_sql) -%}
    {%- set literal_kind = statistics_kind(kind) | trim -%}
    {%- if literal_kind == 'proportion' -%}
        {{ proportion_sql }}
    {%- elif literal_kind == 'rate' -%}
        {{ rate_sql }}
    {%- else -%}
        (case ({{ kind }})
            when 'proportion' then {{ proportion_sql }}
            when 'rate' then {{ rate_sql }}
        end)
    {%- endif -%}
{%- endmacro %}


{#- Expected count of a unit under the target: n p0 (proportion), p0 n / multiplier (rate). -#}
{% macro funnel_expected(denominator, target, kind, multiplier=1) -%}
    {%- set n = 'cast((' ~ denominator ~ ') as double)' -%}
    {%- set p0 = 'cast((' ~ target ~ ') as double)' -%}
    {%- set m = 'cast((' ~ multiplier ~ ') as double)' -%}
    {{ statistics_by_kind(kind, '(' ~ n ~ ' * ' ~ p0 ~ ')', '(' ~ p0 ~ ' * ' ~ n ~ ' / ' ~ m ~ ')') }}
{%- endmacro %}


{#- Standard error of a unit on the funnel's scale under the target:
    proportion 1 / (2 sqrt(n)) (arcsine square root); rate 1 / (2 sqrt(E)) (square root of
    O / E). NULL when n, or E, is not positive. -#}
{% macro funnel_se(denominator, target, kind, multiplier=1) -%}
    {%- set n = 'cast((' ~ denominator ~ ') as double)' -%}
    {%- set e = funnel_expected(denominator, target, 'rate', multiplier) -%}
    {%- set proportion_se = '(case when ' ~ n ~ ' > 0 then 1 / (2 * sqrt(' ~ n ~ ')) end)' -%}
    {%- set rate_se = '(case when ' ~ e ~ ' > 0 then 1 / (2 * sqrt(' ~ e ~ ')) end)' -%}
    {{ statistics_by_kind(kind, proportion_se, rate_se) }}
{%- endmacro %}


{#- z-score of one unit against the target on the funnel's scale (no overdispersion):
    proportion (asin(sqrt(x / n)) - asin(sqrt(p0))) * 2 sqrt(n);
    rate       (sqrt(O / E) - 1) * 2 sqrt(E) = 2 (sqrt(O) - sqrt(E)), E = p0 n / multiplier.
    NULL when the denominator is 0 or NULL, the numerator is NULL, negative (or above n for a
    proportion), or the target is NULL or out of range (a proportion outside [0, 1]; a rate
    target that is not positive: no events anywhere, nothing to compare with). -#}
{% macro funnel_z(numerator, denominator, target, kind, multiplier=1) -%}
    {%- set x = 'cast((' ~ numerator ~ ') as double)' -%}
    {%- set n = 'cast((' ~ denominator ~ ') as double)' -%}
    {%- set p0 = 'cast((' ~ target ~ ') as double)' -%}
    {%- set e = funnel_expected(denominator, target, 'rate', multiplier) -%}
    {%- set proportion_z -%}
        (case
            when {{ n }} > 0 and {{ x }} >= 0 and {{ x }} <= {{ n }} and {{ p0 }} between 0 and 1
                then (asin(sqrt({{ x }} / {{ n }})) - asin(sqrt({{ p0 }}))) * 2 * sqrt({{ n }})
        end)
    {%- endset -%}
    {%- set rate_z -%}
        (case
            when {{ n }} > 0 and {{ x }} >= 0 and {{ e }} > 0
                then 2 * (sqrt({{ x }}) - sqrt({{ e }}))
        end)
    {%- endset -%}
    {{ statistics_by_kind(kind, proportion_z, rate_z) }}
{%- endmacro %}


{#- z winsorised at the winsor_fraction and 1 - winsor_fraction quantiles (linear
    interpolation, quantile_cont, as R's quantile type 7 in FunnelPlotR) of the non-NULL z in
    the partition. Window expression: z must be a column (or an expression without window
    functions). NULL stays NULL. -#}
{% macro funnel_winsorised_z(z, partition_by, winsor_fraction=0.1) -%}
    {%- set over = statistics_over(partition_by) | trim -%}
    (case
        when ({{ z }}) is not null
            then least(
                greatest(
                    ({{ z }}),
                    quantile_cont(({{ z }}), {{ winsor_fraction }}) {{ over }}
                ),
                quantile_cont(({{ z }}), 1 - {{ winsor_fraction }}) {{ over }}
            )
    end)
{%- endmacro %}


{#- Overdispersion factor phi: mean of the squared winsorised z-scores (NULLs ignored).
    Window aggregate over partition_by, or a plain aggregate when partition_by is omitted.
    order_by (plain aggregate only) fixes the order of summation, so the double result is the
    same on every run whatever the threads do. -#}
{% macro funnel_phi(winsorised_z, partition_by=none, order_by=none) -%}
    avg(({{ winsorised_z }}) * ({{ winsorised_z }})
    {%- if order_by is not none and partition_by is none %} order by {{ order_by }}{% endif -%}
    )
    {%- if partition_by is not none %} {{ statistics_over(partition_by) }}{% endif -%}
{%- endmacro %}


{#- Number of units k behind phi: count of non-NULL z. -#}
{% macro funnel_units(z, partition_by=none) -%}
    count({{ z }})
    {%- if partition_by is not none %} {{ statistics_over(partition_by) }}{% endif -%}
{%- endmacro %}


{#- Sum over the units of the inverse-variance weight w = 1 / se^2 raised to `power` (1 or 2):
    the terms of the DerSimonian-Laird denominator. Units with a NULL z are left out.
    Plain aggregate (GROUP BY); order_by as for funnel_phi. -#}
{% macro funnel_weight_sum(se, z, power=1, order_by=none) -%}
    sum(case when ({{ z }}) is not null then power(1 / (({{ se }}) * ({{ se }})), {{ power }}) end
    {%- if order_by is not none %} order by {{ order_by }}{% endif -%}
    )
{%- endmacro %}


{#- The 95% point of the chi-square distribution with k - 1 degrees of freedom, by the
    Wilson-Hilferty cube-root approximation (DuckDB has no chi-square quantile):
        df (1 - 2 / (9 df) + z_0.95 sqrt(2 / (9 df)))^3,  z_0.95 = 1.6448536269514722.
    Within 0.1% of scipy.stats.chi2.ppf(0.95, df) from df = 5 (tests). NULL below 2 units. -#}
{% macro funnel_overdispersion_critical(units) -%}
    {%- set df = '(cast((' ~ units ~ ') as double) - 1)' -%}
    (case
        when {{ df }} >= 1
            then {{ df }} * power(
                1 - 2 / (9 * {{ df }}) + 1.6448536269514722 * sqrt(2 / (9 * {{ df }})), 3
            )
    end)
{%- endmacro %}


{#- The test for overdispersion (Spiegelhalter 2005b): with no overdispersion k phi has about
    a chi-square distribution with k - 1 degrees of freedom, so the funnel is overdispersed
    when k phi exceeds its 95% point. False with fewer than 2 units. -#}
{% macro funnel_overdispersed(units, phi) -%}
    coalesce(
        cast(({{ units }}) as double) * cast(({{ phi }}) as double)
        > {{ funnel_overdispersion_critical(units) }},
        false
    )
{%- endmacro %}


{#- Between-unit variance tau^2 of the additive random-effects model (DerSimonian and Laird,
    from the winsorised phi, as Spiegelhalter 2005b, NHS Digital and FunnelPlotR):
        tau2 = max(0, (k phi - (k - 1)) / (sum w - sum w^2 / sum w)),  w = 1 / se^2,
    0 when k phi <= k - 1. On the funnel's scale. -#}
{% macro funnel_tau2(units, phi, sum_w, sum_w2) -%}
    {%- set k = 'cast((' ~ units ~ ') as double)' -%}
    {%- set q = '(' ~ k ~ ' * cast((' ~ phi ~ ') as double))' -%}
    {%- set w1 = 'cast((' ~ sum_w ~ ') as double)' -%}
    {%- set w2 = 'cast((' ~ sum_w2 ~ ') as double)' -%}
    (case
        when {{ k }} >= 2 and {{ q }} > {{ k }} - 1 and {{ w1 }} > 0
            then greatest(0, ({{ q }} - ({{ k }} - 1)) / nullif({{ w1 }} - {{ w2 }} / {{ w1 }}, 0))
        when {{ k }} >= 1 then 0
    end)
{%- endmacro %}


{#- z-score under the additive random-effects model: z * se / sqrt(se^2 + tau2). -#}
{% macro funnel_random_effects_z(z, se, tau2) -%}
    (cast(({{ z }}) as double) * cast(({{ se }}) as double)
        / sqrt(cast(({{ se }}) as double) * cast(({{ se }}) as double)
            + coalesce(cast(({{ tau2 }}) as double), 0)))
{%- endmacro %}


{#- Class of a unit from its (adjusted) z: above_998 if z > 3.090232, above_95 if z >
    1.959964, below_998 / below_95 likewise, else within (a z exactly on a limit is within);
    insufficient_data when z is NULL. -#}
{% macro funnel_class(z) -%}
    {%- set zz = 'cast((' ~ z ~ ') as double)' -%}
    (case
        when {{ zz }} is null then 'insufficient_data'
        when {{ zz }} > {{ z_value(99.8) }} then 'above_998'
        when {{ zz }} > {{ z_value(95) }} then 'above_95'
        when {{ zz }} < -{{ z_value(99.8) }} then 'below_998'
        when {{ zz }} < -{{ z_value(95) }} then 'below_95'
        else 'within'
    end)
{%- endmacro %}


{#- P(X <= c) for X ~ Binomial(n, p) (or Poisson(mu) when n is none), c an integer 0..9:
    the terms summed in log space with lgamma. NULL when c is outside 0..9 or p is not
    strictly between 0 and 1 (mu not positive). -#}
{% macro small_count_cdf(c, p, n=none) -%}
    {%- set cc = 'cast((' ~ c ~ ') as double)' -%}
    {%- set pp = 'cast((' ~ p ~ ') as double)' -%}
    {%- set terms = [] -%}
    {%- for k in range(10) -%}
        {%- if n is none -%}
            {%- set term = 'exp(-' ~ pp ~ ' + ' ~ k ~ ' * ln(' ~ pp ~ ') - lgamma(' ~ (k + 1) ~ '))' -%}
        {%- else -%}
            {%- set nn = 'cast((' ~ n ~ ') as double)' -%}
            {%- set term = 'exp(lgamma(' ~ nn ~ ' + 1) - lgamma(' ~ (k + 1) ~ ') - lgamma(' ~ nn
                ~ ' - ' ~ k ~ ' + 1) + ' ~ k ~ ' * ln(' ~ pp ~ ') + (' ~ nn ~ ' - ' ~ k
                ~ ') * ln(1 - ' ~ pp ~ '))' -%}
        {%- endif -%}
        {%- set _ = terms.append('(case when ' ~ cc ~ ' >= ' ~ k ~ ' then ' ~ term ~ ' else 0 end)') -%}
    {%- endfor -%}
    {%- if n is none -%}
        {%- set valid = pp ~ ' > 0' -%}
    {%- else -%}
        {%- set valid = pp ~ ' > 0 and ' ~ pp ~ ' < 1 and ' ~ cc ~ ' <= cast((' ~ n ~ ') as double)' -%}
    {%- endif -%}
    (case
        when {{ cc }} between 0 and 9 and {{ cc }} = floor({{ cc }}) and {{ valid }}
            then least(1, {{ terms | join(' + ') }})
    end)
{%- endmacro %}


{#- Class of a unit with a small count from exact tail probabilities under the target, with
    no overdispersion: above_998 when P(X >= x) < 0.001, above_95 when < 0.025, below_998 /
    below_95 from P(X <= x) likewise, else within. Small means a numerator below 10 (rate), or
    for a proportion fewer than 10 events or fewer than 10 non-events (then the non-events
    are counted, X' ~ Binomial(n, 1 - p0)). NULL for any other unit (class it by z). -#}
{% macro funnel_exact_class(numerator, denominator, target, kind, multiplier=1) -%}
    {%- set x = 'cast((' ~ numerator ~ ') as double)' -%}
    {%- set n = 'cast((' ~ denominator ~ ') as double)' -%}
    {%- set p0 = 'cast((' ~ target ~ ') as double)' -%}
    {%- set e = funnel_expected(denominator, target, 'rate', multiplier) -%}
    {%- set rate_low = small_count_cdf(x, e) -%}
    {%- set rate_high = '(case when ' ~ x ~ ' = 0 then 1 else 1 - ' ~ small_count_cdf(x ~ ' - 1', e) ~ ' end)' -%}
    {%- set events_low = small_count_cdf(x, p0, n) -%}
    {%- set events_high = '(case when ' ~ x ~ ' = 0 then 1 else 1 - ' ~ small_count_cdf(x ~ ' - 1', p0, n) ~ ' end)' -%}
    {%- set misses = '(' ~ n ~ ' - ' ~ x ~ ')' -%}
    {%- set miss_p = '(1 - ' ~ p0 ~ ')' -%}
    {#- Few non-events: P(X >= x) = P(X' <= n - x), P(X <= x) = P(X' >= n - x). -#}
    {%- set misses_high = small_count_cdf(misses, miss_p, n) -%}
    {%- set misses_low = '(case when ' ~ misses ~ ' = 0 then 1 else 1 - ' ~ small_count_cdf(misses ~ ' - 1', miss_p, n) ~ ' end)' -%}
    {%- set classify -%}
        {%- raw -%}(case
            when @high < 0.001 then 'above_998'
            when @high < 0.025 then 'above_95'
            when @low < 0.001 then 'below_998'
            when @low < 0.025 then 'below_95'
            else 'within'
        end){%- endraw -%}
    {%- endset -%}
    {%- set rate_class = classify | replace('@high', rate_high) | replace('@low', rate_low) -%}
    {%- set events_class = classify | replace('@high', events_high) | replace('@low', events_low) -%}
    {%- set misses_class = classify | replace('@high', misses_high) | replace('@low', misses_low) -%}
    {%- set proportion_sql -%}
        (case
            when not ({{ n }} > 0 and {{ x }} >= 0 and {{ x }} <= {{ n }} and {{ p0 }} > 0 and {{ p0 }} < 1)
                then null
            when {{ x }} < 10 then {{ events_class }}
            when {{ misses }} < 10 then {{ misses_class }}
        end)
    {%- endset -%}
    {%- set rate_sql -%}
        (case
            when {{ n }} > 0 and {{ e }} > 0 and {{ x }} >= 0 and {{ x }} < 10 then {{ rate_class }}
        end)
    {%- endset -%}
    {{ statistics_by_kind(kind, proportion_sql, rate_sql) }}
{%- endmacro %}


{#- Funnel control limit at denominator n around the target, on the metric's scale, for a
    unit of that size: the target's image on the funnel's scale +- z sqrt(se^2 + tau2) (the
    additive random-effects model; tau2 none or 0: no adjustment), or +- z se sqrt(phi) when
    phi is given instead (the multiplicative model, phi below 1 counts as 1), mapped back:
        proportion: sin(clamp(asin(sqrt(p0)) +- z sd, 0, pi/2))^2
        rate:       r0 (max(0, 1 +- z sd))^2   (square root of O / E, target 1)
    so a unit is outside a drawn limit exactly when its z on that scale says so. NULL when n
    is 0 or NULL, or the target is out of range. -#}
{% macro funnel_limit(target, n, level, side, kind, tau2=none, multiplier=1, phi=none) -%}
    {%- set sign = statistics_side_sign(side) | trim -%}
    {%- set p0 = 'cast((' ~ target ~ ') as double)' -%}
    {%- set z = z_value(level) | trim -%}
    {%- set se = funnel_se(n, target, kind, multiplier) -%}
    {%- if phi is not none -%}
        {%- set sd = '(' ~ se ~ ' * sqrt(greatest(coalesce(cast((' ~ phi ~ ') as double), 1), 1)))' -%}
    {%- elif tau2 is not none -%}
        {%- set sd = 'sqrt(' ~ se ~ ' * ' ~ se ~ ' + coalesce(cast((' ~ tau2 ~ ') as double), 0))' -%}
    {%- else -%}
        {%- set sd = se -%}
    {%- endif -%}
    {%- set proportion_limit -%}
        (case
            when {{ p0 }} between 0 and 1 and {{ sd }} is not null
                then power(sin(least(pi() / 2, greatest(0,
                    asin(sqrt({{ p0 }})) {{ sign }} {{ z }} * {{ sd }}
                ))), 2)
        end)
    {%- endset -%}
    {%- set rate_limit_sql -%}
        (case
            when {{ p0 }} > 0 and {{ sd }} is not null
                then {{ p0 }} * power(greatest(0, 1 {{ sign }} {{ z }} * {{ sd }}), 2)
        end)
    {%- endset -%}
    {{ statistics_by_kind(kind, proportion_limit, rate_limit_sql) }}
{%- endmacro %}
