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
    How a model uses these over all forces of one metric and period (the partition):

        scored as (
            select *,
                {{ funnel_numerator_ok('numerator', 'denominator') }} as numerator_ok,
                {{ funnel_z('numerator', 'denominator', 'national_value', 'kind',
                            'multiplier') }} as z
            from ...
        ),
        winsorised as (
            select *,
                {{ funnel_winsorised_z('case when numerator_ok then z end',
                                       'metric_id, period') }} as z_winsorised
            from scored
        ),
        dispersion as (
            select *,
                {{ funnel_phi('z_winsorised', 'metric_id, period') }} as phi,
                {{ funnel_units('z_winsorised', 'metric_id, period') }} as units
            from winsorised
        )
        select *, {{ funnel_class('z', 'phi', 'numerator_ok') }} as funnel_class
        from dispersion

    Window functions cannot be nested, hence one CTE per step. With partition_by omitted
    funnel_phi and funnel_units are plain aggregates for a GROUP BY.
-#}

{#- `over (partition by ...)` from a string or a list of column names. -#}
{% macro statistics_over(partition_by) -%}
    {%- if partition_by is string -%}
        over (partition by {{ partition_by }})
    {%- else -%}
        over (partition by {{ partition_by | join(', ') }})
    {%- endif -%}
{%- endmacro %}


{#- Whether a unit may be classed: numerator >= min_numerator and denominator > 0. -#}
{% macro funnel_numerator_ok(numerator, denominator, min_numerator=10) -%}
    coalesce(
        cast(({{ numerator }}) as double) >= {{ min_numerator }}
        and cast(({{ denominator }}) as double) > 0,
        false
    )
{%- endmacro %}


{#- z-score of one unit against the target (national value).
    proportion: (y - p0) / sqrt(p0 (1 - p0) / n), y = numerator / denominator;
    rate:       (O - E) / sqrt(E), O = numerator, E = target * denominator / multiplier
                (Poisson approximation on the count scale; target is per multiplier).
    kind is 'proportion', 'rate', or a SQL expression whose value is one of them.
    NULL when the denominator is 0 or NULL, or the target is NULL or degenerate
    (proportion 0 or 1, rate 0). -#}
{% macro funnel_z(numerator, denominator, target, kind, multiplier=1) -%}
    {%- set literal_kind = statistics_kind(kind) | trim -%}
    {%- set x = 'cast((' ~ numerator ~ ') as double)' -%}
    {%- set n = 'cast((' ~ denominator ~ ') as double)' -%}
    {%- set p0 = 'cast((' ~ target ~ ') as double)' -%}
    {%- set m = 'cast((' ~ multiplier ~ ') as double)' -%}
    {%- set e = '(' ~ p0 ~ ' * ' ~ n ~ ' / ' ~ m ~ ')' -%}
    {%- set proportion_z -%}
        (case
            when {{ n }} > 0 and {{ p0 }} > 0 and {{ p0 }} < 1
                then ({{ x }} / {{ n }} - {{ p0 }}) / sqrt({{ p0 }} * (1 - {{ p0 }}) / {{ n }})
        end)
    {%- endset -%}
    {%- set rate_z -%}
        (case
            when {{ n }} > 0 and {{ p0 }} > 0 and {{ m }} > 0
                then ({{ x }} - {{ e }}) / sqrt({{ e }})
        end)
    {%- endset -%}
    {%- if literal_kind == 'proportion' -%}
        {{ proportion_z }}
    {%- elif literal_kind == 'rate' -%}
        {{ rate_z }}
    {%- else -%}
        (case ({{ kind }})
            when 'proportion' then {{ proportion_z }}
            when 'rate' then {{ rate_z }}
        end)
    {%- endif -%}
{%- endmacro %}


{#- z winsorised at the winsor_fraction and 1 - winsor_fraction quantiles (linear
    interpolation, quantile_cont) of the non-NULL z in the partition. Window expression:
    z must be a column (or an expression without window functions). NULL stays NULL. -#}
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


{#- Class of a unit: z / sqrt(max(phi, 1)) against +-z(95) and +-z(99.8), strict
    inequalities (a z exactly on a limit is inside it). 'insufficient_data' when numerator_ok
    is not true or z is NULL. phi NULL means no adjustment. -#}
{% macro funnel_class(z, phi, numerator_ok) -%}
    {%- set phi_sql = 'null' if phi is none else phi -%}
    {%- set adjusted = '(cast((' ~ z ~ ') as double) / sqrt(greatest(coalesce(cast(('
        ~ phi_sql ~ ') as double), 1), 1)))' -%}
    (case
        when not coalesce(({{ numerator_ok }}), false) or ({{ z }}) is null
            then 'insufficient_data'
        when {{ adjusted }} > {{ z_value(99.8) }} then 'above_998'
        when {{ adjusted }} > {{ z_value(95) }} then 'above_95'
        when {{ adjusted }} < -{{ z_value(99.8) }} then 'below_998'
        when {{ adjusted }} < -{{ z_value(95) }} then 'below_95'
        else 'within'
    end)
{%- endmacro %}


{#- Funnel control limit at denominator n around the target, widened by max(phi, 1):
    proportion: p0 +- z sqrt(phi p0 (1 - p0) / n), clamped to [0, 1];
    rate:       r0 +- z sqrt(phi r0 multiplier / n), floored at 0 (same normal
                approximation on the count scale as funnel_z, so a point is outside the
                limit exactly when funnel_class says so).
    NULL when n is 0 or NULL, or the target or multiplier is NULL or out of range. -#}
{% macro funnel_limit(target, n, level, side, kind, phi=none, multiplier=1) -%}
    {%- set sign = statistics_side_sign(side) | trim -%}
    {%- set literal_kind = statistics_kind(kind) | trim -%}
    {%- set p0 = 'cast((' ~ target ~ ') as double)' -%}
    {%- set d = 'cast((' ~ n ~ ') as double)' -%}
    {%- set m = 'cast((' ~ multiplier ~ ') as double)' -%}
    {%- set factor -%}
        {%- if phi is none -%}
            1
        {%- else -%}
            greatest(coalesce(cast(({{ phi }}) as double), 1), 1)
        {%- endif -%}
    {%- endset -%}
    {%- set z = z_value(level) | trim -%}
    {%- set proportion_limit -%}
        (case
            when {{ d }} > 0 and {{ p0 }} >= 0 and {{ p0 }} <= 1
                then least(1, greatest(0,
                    {{ p0 }} {{ sign }} {{ z }}
                    * sqrt({{ factor }} * {{ p0 }} * (1 - {{ p0 }}) / {{ d }})
                ))
        end)
    {%- endset -%}
    {%- set rate_limit_sql -%}
        (case
            when {{ d }} > 0 and {{ p0 }} >= 0 and {{ m }} > 0
                then greatest(0,
                    {{ p0 }} {{ sign }} {{ z }} * sqrt({{ factor }} * {{ p0 }} * {{ m }} / {{ d }})
                )
        end)
    {%- endset -%}
    {%- if literal_kind == 'proportion' -%}
        {{ proportion_limit }}
    {%- elif literal_kind == 'rate' -%}
        {{ rate_limit_sql }}
    {%- else -%}
        (case ({{ kind }})
            when 'proportion' then {{ proportion_limit }}
            when 'rate' then {{ rate_limit_sql }}
        end)
    {%- endif -%}
{%- endmacro %}
