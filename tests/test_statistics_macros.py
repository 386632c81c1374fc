"""The statistics macros (dbt_project/macros/statistics.sql) against scipy and statsmodels.

One `dbt compile --inline` renders every macro over every case (the cases are VALUES lists
inside the query); the compiled SQL runs in an in-process DuckDB; the results are compared
with scipy / statsmodels and with plain Python versions of the funnel-plot formulas.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom, chi2, norm, poisson
from statsmodels.stats.meta_analysis import combine_effects
from statsmodels.stats.proportion import proportion_confint

REPO = Path(__file__).resolve().parents[1]
DBT_PROJECT = REPO / "dbt_project"
DBT = Path(sys.executable).with_name("dbt")
# One worker runs this module, so the results fixture (one dbt compile) is built once.
pytestmark = pytest.mark.xdist_group("statistics_macros")

LEVELS = {"95": 0.05, "998": 0.002}  # column suffix -> alpha
LEVEL_LITERAL = {"95": "95", "998": "99.8"}
SECTION = "-- @@section "

# Denominators for the proportion grid (only those >= the numerator are used) and the
# populations for the rate grid; multipliers cycle through the ones the metrics use.
PROPORTION_DENOMINATORS = (61, 75, 100, 250, 1000, 54321)
POPULATIONS = (1, 9, 61, 1000, 54321, 1234567)
MULTIPLIERS = (1, 100, 1000, 100000)
NUMERATORS = (*range(61), 75, 100, 250, 1000, 12345, 100000)


# ----------------------------------------------------------------------------- cases ----


def _values(rows: list[tuple]) -> str:
    def literal(value: object) -> str:
        if value is None:
            return "null"
        if isinstance(value, str):
            return "'" + value + "'"
        return repr(value)

    return ",\n".join("(" + ", ".join(literal(v) for v in row) + ")" for row in rows)


def proportion_cases() -> list[tuple]:
    rows = []
    for x in NUMERATORS:
        denominators = {x, x + 1, 2 * x + 3, *PROPORTION_DENOMINATORS}
        rows += [(x, n) for n in sorted(denominators) if n >= x and n > 0]
    # Edge cases: no denominator, no numerator, impossible proportions.
    rows += [(0, 0), (5, 0), (5, None), (None, 10), (None, None), (11, 10), (-1, 10)]
    return [(i, x, n) for i, (x, n) in enumerate(rows)]


def rate_cases() -> list[tuple]:
    rows = []
    for x in NUMERATORS:
        for j, population in enumerate(POPULATIONS):
            rows.append((x, population, MULTIPLIERS[(x + j) % len(MULTIPLIERS)]))
    rows += [(5, 0, 1000), (15, 0, 1000), (5, None, 1000), (None, 1000, 1000), (-1, 1000, 1)]
    return [(i, x, n, m) for i, (x, n, m) in enumerate(rows)]


def _numerator_for(z: float, n: int, target: float, kind: str, multiplier: float) -> int:
    """The count that puts a unit of size n at (about) z-score z."""
    if kind == "proportion":
        return round(target * n + z * np.sqrt(n * target * (1 - target)))
    expected = target * n / multiplier
    return round(expected + z * np.sqrt(expected))


def funnel_cases() -> list[tuple]:
    """(scenario, unit, numerator, denominator, target, kind, multiplier) rows.

    calm: 20 proportion units close to the target, plus one far above (unit 'far'), one
      ordinary unit ('inside') and one with numerator 3 ('small').
    overdispersed: 20 proportion units spread about twice as widely as chance allows; unit
      'borderline' sits at z = 2.5 (above_95 unadjusted, within once phi is applied).
    rates: 20 rate units (per 1,000) with a far one and a small one.
    """
    rows = []
    target = 0.3
    calm_z = np.linspace(-1.0, 1.0, 17)
    for i, z in enumerate(calm_z):
        n = 400 + 150 * i
        unit = "inside" if i == 11 else f"calm_{i:02d}"
        rows.append(("calm", unit, _numerator_for(z, n, target, "proportion", 1), n))
    rows.append(("calm", "far", _numerator_for(6.0, 900, target, "proportion", 1), 900))
    rows.append(("calm", "small", 3, 10))
    rows.append(("calm", "low", _numerator_for(-1.5, 3000, target, "proportion", 1), 3000))
    rows = [(*r, target, "proportion", 1) for r in rows]

    spread_z = [
        -4.0,
        -3.6,
        -3.2,
        -2.8,
        -2.4,
        -2.0,
        -1.6,
        -1.2,
        -0.8,
        -0.4,
        0.0,
        0.4,
        0.8,
        1.2,
        1.6,
        2.0,
        2.9,
        3.3,
        3.7,
    ]
    for i, z in enumerate(spread_z):
        n = 5000 + 700 * i
        rows.append(
            (
                "overdispersed",
                f"spread_{i:02d}",
                _numerator_for(z, n, target, "proportion", 1),
                n,
                target,
                "proportion",
                1,
            )
        )
    rows.append(
        (
            "overdispersed",
            "borderline",
            _numerator_for(2.5, 20000, target, "proportion", 1),
            20000,
            target,
            "proportion",
            1,
        )
    )

    rate_target, multiplier = 0.45, 1000
    for i, z in enumerate(np.linspace(-1.8, 1.8, 18)):
        n = 150_000 + 60_000 * i
        rows.append(
            (
                "rates",
                f"rate_{i:02d}",
                _numerator_for(z, n, rate_target, "rate", multiplier),
                n,
                rate_target,
                "rate",
                multiplier,
            )
        )
    rows.append(
        (
            "rates",
            "far",
            _numerator_for(-5.0, 900_000, rate_target, "rate", multiplier),
            900_000,
            rate_target,
            "rate",
            multiplier,
        )
    )
    rows.append(("rates", "small", 4, 9_000, rate_target, "rate", multiplier))

    # small: proportions and rates with small counts, classed by exact tails (the audit's
    # "0 of 347 referrals waiting"), among ordinary units.
    small_target = 0.3
    for i, z in enumerate(np.linspace(-1.5, 1.5, 12)):
        n = 300 + 40 * i
        rows.append(
            (
                "small",
                f"ordinary_{i:02d}",
                _numerator_for(z, n, small_target, "proportion", 1),
                n,
                small_target,
                "proportion",
                1,
            )
        )
    rows += [
        ("small", "none_of_347", 0, 347, small_target, "proportion", 1),
        ("small", "two_of_40", 2, 40, small_target, "proportion", 1),
        ("small", "three_of_10", 3, 10, small_target, "proportion", 1),
        ("small", "all_but_one_of_12", 11, 12, small_target, "proportion", 1),
        ("small", "zero_of_zero", 0, 0, small_target, "proportion", 1),
    ]
    # FunnelPlotR's published test data (tests/testthat/test-funnel_plot.R): observed and
    # expected counts of six units, an indirectly standardised ratio (target 1).
    observed = (100, 150, 180, 80, 120, 225)
    expected = (108, 112, 165, 95, 100, 220)
    for unit, o, e in zip("abcdef", observed, expected, strict=True):
        rows.append(("funnelplotr", unit, o, e, 1.0, "rate", 1))
    return rows


def limit_cases() -> list[tuple]:
    """(case_id, target, n, kind, tau2, phi, multiplier) rows."""
    rows = []
    for target in (0.3, 0.02, 0.97, 0.0):
        for n in (10, 100, 1000, 100_000):
            for tau2, phi in ((None, None), (0.0, 0.5), (0.004, 1.0), (0.02, 2.7)):
                rows.append((target, n, "proportion", tau2, phi, 1))
    for target, multiplier in ((0.45, 1000), (12.0, 100_000), (35.0, 100)):
        for n in (1000, 50_000, 2_000_000):
            for tau2, phi in ((None, None), (0.0, 0.5), (0.004, 1.0), (0.02, 2.7)):
                rows.append((target, n, "rate", tau2, phi, multiplier))
    rows += [
        (0.3, 0, "proportion", None, None, 1),
        (0.3, None, "proportion", None, None, 1),
        (0.45, 0, "rate", None, None, 1000),
    ]
    return [(i, *r) for i, r in enumerate(rows)]


def exact_cases() -> list[tuple]:
    """(case_id, numerator, denominator, target, kind, multiplier): small counts."""
    rows = []
    for x in range(12):
        for n in (x, x + 1, 12, 40, 347, 5000):
            for p0 in (0.003, 0.05, 0.3, 0.8, 0.995):
                if n >= x and n > 0:
                    rows.append((x, n, p0, "proportion", 1))
        for population in (50, 900, 20_000, 400_000):
            rows.append((x, population, 0.45, "rate", 1000))
    return [(i, *r) for i, r in enumerate(rows)]


def tau2_cases() -> list[tuple]:
    """(case_id, units, phi, sum_w, sum_w2, statsmodels_tau2) from random meta-analyses.

    phi = Q / k with Q the DerSimonian-Laird heterogeneity statistic statsmodels computes, so
    the macro's tau2 must be statsmodels' DL tau2.
    """
    rng = np.random.default_rng(14)
    rows = []
    for case_id in range(40):
        k = int(rng.integers(3, 45))
        variance = rng.uniform(0.0005, 0.02, k)
        spread = rng.choice([0.0, 0.001, 0.01, 0.05])
        effect = rng.normal(0.4, np.sqrt(variance + spread))
        with np.errstate(invalid="ignore"):  # statsmodels' HKSJ extras when tau2 is 0
            result = combine_effects(effect, variance, method_re="dl")
        w = 1 / variance
        q, tau2 = float(result.q), float(result.tau2)
        rows.append((case_id, k, q / k, float(w.sum()), float((w**2).sum()), tau2))
    return rows


# ----------------------------------------------------------------------------- query ----


def inline_query() -> str:
    """One Jinja query with a section per group of cases (split on SECTION afterwards)."""
    grid_columns = []
    for suffix, literal in LEVEL_LITERAL.items():
        grid_columns += [
            f"{{{{ wilson_lower('numerator', 'denominator', {literal}) }}}} as wilson{suffix}_low",
            f"{{{{ wilson_upper('numerator', 'denominator', {literal}) }}}} as wilson{suffix}_high",
        ]
    rate_columns = []
    for suffix, literal in LEVEL_LITERAL.items():
        rate_columns += [
            f"{{{{ rate_lower('numerator', 'denominator', 'multiplier', {literal}) }}}}"
            f" as rate{suffix}_low",
            f"{{{{ rate_upper('numerator', 'denominator', 'multiplier', {literal}) }}}}"
            f" as rate{suffix}_high",
        ]
    limit_columns = []
    for suffix, literal in LEVEL_LITERAL.items():
        for side in ("lower", "upper"):
            limit_columns += [
                f"{{{{ funnel_limit('target', 'n', {literal}, '{side}', 'kind', 'tau2',"
                f" 'multiplier') }}}} as additive{suffix}_{side}",
                f"{{{{ funnel_limit('target', 'n', {literal}, '{side}', 'proportion', 'tau2')"
                f" }}}} as prop_additive{suffix}_{side}",
                f"{{{{ funnel_limit('target', 'n', {literal}, '{side}', 'rate', 'tau2',"
                f" 'multiplier') }}}} as rate_additive{suffix}_{side}",
                f"{{{{ funnel_limit('target', 'n', {literal}, '{side}', 'kind', none,"
                f" 'multiplier', 'phi') }}}} as multiplicative{suffix}_{side}",
            ]
    sections = {
        "z": """
select
    {{ z_value(95) }} as z95,
    {{ z_value(99.8) }} as z998,
    {{ z_value('99.8') }} as z998_text,
    {{ safe_divide(7, 2) }} as seven_halves,
    {{ safe_divide(7, 0) }} as seven_zeroths
""",
        "proportions": """
select case_id, numerator, denominator, """
        + ",\n    ".join(grid_columns)
        + """
from (values
"""
        + _values(proportion_cases())
        + """
) as cases (case_id, numerator, denominator)
order by case_id
""",
        "rates": """
select case_id, numerator, denominator, multiplier, """
        + ",\n    ".join(rate_columns)
        + """
from (values
"""
        + _values(rate_cases())
        + """
) as cases (case_id, numerator, denominator, multiplier)
order by case_id
""",
        "funnel": """
with cases as (
    select * from (values
"""
        + _values(funnel_cases())
        + """
    ) as cases (scenario, unit, numerator, denominator, target, kind, multiplier)
),

scored as (
    select
        *,
        {{ funnel_z('numerator', 'denominator', 'target', 'kind', 'multiplier') }} as z,
        {{ funnel_z('numerator', 'denominator', 'target', 'proportion') }} as z_proportion,
        {{ funnel_z('numerator', 'denominator', 'target', 'rate', 'multiplier') }} as z_rate,
        {{ funnel_se('denominator', 'target', 'kind', 'multiplier') }} as se,
        {{ funnel_exact_class('numerator', 'denominator', 'target', 'kind', 'multiplier') }}
            as exact_class
    from cases
),

winsorised as (
    select
        *,
        {{ funnel_winsorised_z('z', 'scenario') }} as z_winsorised,
        {{ funnel_phi('z_winsorised_window', 'scenario') }} as phi_window
    from (select *, {{ funnel_winsorised_z('z', ['scenario']) }} as z_winsorised_window from scored)
),

grouped as (
    select
        scenario,
        {{ funnel_phi('z_winsorised', order_by='unit') }} as phi,
        {{ funnel_units('z_winsorised') }} as units,
        {{ funnel_weight_sum('se', 'z_winsorised', 1, order_by='unit') }} as sum_w,
        {{ funnel_weight_sum('se', 'z_winsorised', 2, order_by='unit') }} as sum_w2
    from winsorised
    group by scenario
),

dispersion as (
    select
        winsorised.*,
        grouped.phi,
        grouped.units,
        {{ funnel_overdispersion_critical('grouped.units') }} as critical,
        {{ funnel_overdispersed('grouped.units', 'grouped.phi') }} as overdispersed,
        {{ funnel_tau2('grouped.units', 'grouped.phi', 'grouped.sum_w', 'grouped.sum_w2') }} as tau2
    from winsorised
    inner join grouped using (scenario)
)

select
    *,
    coalesce(exact_class, {{ funnel_class('z') }}) as class_unadjusted,
    {{ funnel_class(funnel_random_effects_z('z', 'se', 'tau2')) }} as class_additive,
    {{ funnel_class('z / sqrt(greatest(phi, 1))') }} as class_multiplicative,
    {{ funnel_limit('target', 'denominator', 95, 'upper', 'kind', 'tau2', 'multiplier') }}
        as upper95_additive,
    {{ funnel_limit('target', 'denominator', 99.8, 'lower', 'kind', 'tau2', 'multiplier') }}
        as lower998_additive,
    {{ funnel_limit('target', 'denominator', 95, 'upper', 'kind', none, 'multiplier', 'phi') }}
        as upper95_multiplicative,
    {{ safe_divide('numerator', 'denominator') }} * multiplier as value
from dispersion
order by scenario, unit
""",
        "grouped_phi": """
select
    scenario,
    {{ funnel_phi('z_w') }} as phi,
    {{ funnel_units('z_w') }} as units
from (values ('a', 1.5), ('a', -0.5), ('a', null), ('b', 2.0)) as t (scenario, z_w)
group by scenario
order by scenario
""",
        "critical": """
select
    units,
    {{ funnel_overdispersion_critical('units') }} as critical,
    {{ funnel_overdispersed('units', 'phi') }} as overdispersed,
    phi
from (select range as units, 1.2 as phi from range(0, 202)) as cases
order by units
""",
        "tau2": """
select
    case_id,
    statsmodels_tau2,
    {{ funnel_tau2('units', 'phi', 'sum_w', 'sum_w2') }} as tau2
from (values
"""
        + _values(tau2_cases())
        + """
) as cases (case_id, units, phi, sum_w, sum_w2, statsmodels_tau2)
order by case_id
""",
        "exact": """
select
    case_id, numerator, denominator, target, kind, multiplier,
    {{ funnel_exact_class('numerator', 'denominator', 'target', 'kind', 'multiplier') }}
        as exact_class
from (values
"""
        + _values(exact_cases())
        + """
) as cases (case_id, numerator, denominator, target, kind, multiplier)
order by case_id
""",
        "limits": """
select case_id, target, n, kind, tau2, phi, multiplier, """
        + ",\n    ".join(limit_columns)
        + """
from (values
"""
        + _values(limit_cases())
        + """
) as cases (case_id, target, n, kind, tau2, phi, multiplier)
order by case_id
""",
    }
    return "\n".join(SECTION + name + "\n" + sql for name, sql in sections.items())


def dbt_compile_inline(sql: str, data_dir: Path) -> subprocess.CompletedProcess:
    (data_dir / "warehouse").mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "STALKING_DATA_DIR": str(data_dir),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    command = [
        str(DBT),
        "compile",
        "--inline",
        sql,
        "--project-dir",
        str(DBT_PROJECT),
        "--profiles-dir",
        str(DBT_PROJECT),
        "--target-path",
        str(data_dir / "dbt_target"),
        "--log-path",
        str(data_dir / "dbt_logs"),
        "--output",
        "json",
        "--quiet",
    ]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)


# Session scope: a worker may run other modules between this module's tests, which would
# tear a module fixture down and compile again.
@pytest.fixture(scope="session")
def results(tmp_path_factory) -> dict[str, pd.DataFrame]:
    data_dir = tmp_path_factory.mktemp("stalking_data")
    completed = dbt_compile_inline(inline_query(), data_dir)
    assert completed.returncode == 0, (
        "dbt compile --inline failed (if the error names another model, the project does "
        f"not parse right now):\n{completed.stdout}\n{completed.stderr}"
    )
    compiled = json.loads(completed.stdout[completed.stdout.index("{") :])["compiled"]
    assert "{{" not in compiled
    frames = {}
    with duckdb.connect() as con:
        for chunk in compiled.split(SECTION)[1:]:
            name, sql = chunk.split("\n", 1)
            frames[name.strip()] = con.sql(sql).df()
    return frames


# ------------------------------------------------------------------------------ tests ----


def test_z_values_and_safe_divide(results):
    row = results["z"].iloc[0]
    assert row.z95 == pytest.approx(norm.isf(0.025), abs=1e-15)
    assert row.z998 == pytest.approx(norm.isf(0.001), abs=1e-15)
    assert row.z998_text == row.z998
    assert row.seven_halves == 3.5
    assert pd.isna(row.seven_zeroths)


def test_wilson_matches_statsmodels(results):
    frame = results["proportions"]
    valid = (
        frame.denominator.notna()
        & frame.numerator.notna()
        & (frame.denominator > 0)
        & (frame.numerator >= 0)
        & (frame.numerator <= frame.denominator)
    )
    assert valid.sum() > 500
    good = frame[valid]
    worst = 0.0
    for suffix, alpha in LEVELS.items():
        low, high = proportion_confint(
            good.numerator.to_numpy(float),
            good.denominator.to_numpy(float),
            alpha=alpha,
            method="wilson",
        )
        for column, expected in ((f"wilson{suffix}_low", low), (f"wilson{suffix}_high", high)):
            actual = good[column].to_numpy(float)
            np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-9, err_msg=column)
            worst = max(worst, float(np.max(np.abs(actual - expected))))
        assert (good[f"wilson{suffix}_low"] >= 0).all()
        assert (good[f"wilson{suffix}_high"] <= 1).all()
        # x = 0 starts at 0 and x = n ends at 1, exactly.
        assert (good.loc[good.numerator == 0, f"wilson{suffix}_low"] == 0).all()
        assert (good.loc[good.numerator == good.denominator, f"wilson{suffix}_high"] == 1).all()
    print(f"\nWilson: max |macro - statsmodels| = {worst:.3e} over {len(good)} cases x 2 levels")
    # NULL when the denominator is 0 or NULL, the numerator NULL, or the proportion impossible.
    assert frame.loc[~valid, [c for c in frame if c.startswith("wilson")]].isna().all().all()


def _exact_poisson(o: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    low = np.where(o == 0, 0.0, chi2.ppf(alpha / 2, 2 * o) / 2)
    high = chi2.ppf(1 - alpha / 2, 2 * o + 2) / 2
    return low, high


def _byar(o: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    z = norm.isf(alpha / 2)
    low = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
    high = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3
    return low, high


def test_rate_intervals_exact_below_10_byar_from_10(results):
    frame = results["rates"]
    valid = frame.denominator.gt(0) & frame.numerator.ge(0)
    good = frame[valid]
    o = good.numerator.to_numpy(float)
    scale = good.multiplier.to_numpy(float) / good.denominator.to_numpy(float)
    small = o < 10
    assert small.sum() >= 60 and (~small).sum() >= 300
    worst = {"exact": 0.0, "byar": 0.0}
    for suffix, alpha in LEVELS.items():
        exact = _exact_poisson(o, alpha)
        byar = _byar(np.maximum(o, 1), alpha)
        for column, exact_limit, byar_limit in (
            (f"rate{suffix}_low", exact[0], byar[0]),
            (f"rate{suffix}_high", exact[1], byar[1]),
        ):
            actual = good[column].to_numpy(float) / scale  # back on the count scale
            for branch, mask, expected in (
                ("exact", small, exact_limit),
                ("byar", ~small, byar_limit),
            ):
                np.testing.assert_allclose(
                    actual[mask],
                    expected[mask],
                    rtol=1e-9,
                    atol=1e-12,
                    err_msg=f"{column} ({branch})",
                )
                rel = np.abs(actual[mask] - expected[mask]) / np.maximum(expected[mask], 1e-300)
                worst[branch] = max(worst[branch], float(np.max(rel)))
            # The published scale: count limit x multiplier / denominator.
            np.testing.assert_allclose(
                good[column].to_numpy(float),
                np.where(small, exact_limit, byar_limit) * scale,
                rtol=1e-9,
                atol=1e-15,
            )
    print(f"\nPoisson exact (O<10): max rel |macro - scipy chi2| = {worst['exact']:.3e}")
    print(f"Byar (O>=10): max rel |macro - Byar in Python| = {worst['byar']:.3e}")
    assert frame.loc[~valid, [c for c in frame if c.startswith("rate")]].isna().all().all()


def test_byar_is_close_to_exact_from_10():
    """Byar against the exact scipy limits for O = 10..100000 (the macro = Byar, above)."""
    o = np.arange(10, 100_001, dtype=float)
    report = []
    for suffix, alpha in LEVELS.items():
        exact = _exact_poisson(o, alpha)
        byar = _byar(o, alpha)
        rel = [np.abs(b / e - 1) for b, e in zip(byar, exact, strict=True)]
        worst = max(float(r.max()) for r in rel)
        for side, r in zip(("lower", "upper"), rel, strict=True):
            report.append(f"{suffix} {side}: worst {r.max():.4%} at O={int(o[np.argmax(r)])}")
        from_13 = max(float(r[o >= 13].max()) for r in rel)
        if suffix == "95":
            assert worst < 0.01
        else:
            # At 99.8% the lower limit is 1.49% low at O=10, 1.23% at 11, 1.04% at 12;
            # within 1% from O=13.
            assert worst < 0.015
            assert from_13 < 0.01
    print("\nByar vs exact Poisson: " + "; ".join(report))


Z95, Z998 = norm.isf(0.025), norm.isf(0.001)


def _class_from_z(z: float) -> str:
    if not np.isfinite(z):
        return "insufficient_data"
    if z > Z998:
        return "above_998"
    if z > Z95:
        return "above_95"
    if z < -Z998:
        return "below_998"
    if z < -Z95:
        return "below_95"
    return "within"


def _class_from_tails(high: float, low: float) -> str:
    """Exact class from P(X >= x) and P(X <= x)."""
    if high < 0.001:
        return "above_998"
    if high < 0.025:
        return "above_95"
    if low < 0.001:
        return "below_998"
    if low < 0.025:
        return "below_95"
    return "within"


def _nones(column: pd.Series) -> list:
    return [None if pd.isna(v) else v for v in column]


def _python_exact_class(x: float, n: float, target: float, kind: str, m: float) -> str | None:
    """Exact binomial / Poisson class with scipy, for the units the macro calls small."""
    if not n > 0:
        return None
    if kind == "rate":
        mu = target * n / m
        if x >= 10 or mu <= 0:
            return None
        return _class_from_tails(poisson.sf(x - 1, mu), poisson.cdf(x, mu))
    if not 0 < target < 1 or (x >= 10 and n - x >= 10):
        return None
    return _class_from_tails(binom.sf(x - 1, n, target), binom.cdf(x, n, target))


def _python_funnel(frame: pd.DataFrame) -> pd.DataFrame:
    """The funnel in plain numpy/scipy, one scenario (partition) at a time: z on the
    variance-stabilising scale, 10% winsorised phi, the chi-square test with scipy's exact
    quantile, DerSimonian-Laird tau2, and the three classes."""
    out = []
    for _, group in frame.groupby("scenario", sort=False):
        group = group.copy()
        o, n = group.numerator.astype(float), group.denominator.astype(float)
        target, m = group.target.astype(float), group.multiplier.astype(float)
        is_rate = (group.kind == "rate").to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            expected = target * n / m
            z_rate = 2 * (np.sqrt(o) - np.sqrt(expected))
            se_rate = 1 / (2 * np.sqrt(expected))
            z_prop = (np.arcsin(np.sqrt(o / n)) - np.arcsin(np.sqrt(target))) * 2 * np.sqrt(n)
            se_prop = 1 / (2 * np.sqrt(n))
        z = np.where(is_rate, z_rate, z_prop)
        z = np.where(n > 0, z, np.nan)
        se = np.where(is_rate, se_rate, se_prop)
        usable = np.isfinite(z)
        zs = z[usable]
        low, high = np.percentile(zs, [10, 90])  # linear interpolation = quantile_cont
        k = len(zs)
        phi = float(np.mean(np.clip(zs, low, high) ** 2))
        w = 1 / se[usable] ** 2
        q = k * phi
        tau2 = max(0.0, (q - (k - 1)) / (w.sum() - (w**2).sum() / w.sum())) if q > k - 1 else 0.0
        group["py_z"], group["py_se"] = z, se
        group["py_phi"], group["py_units"], group["py_tau2"] = phi, k, tau2
        group["py_overdispersed"] = q > chi2.ppf(0.95, k - 1)
        exact = [
            _python_exact_class(r.numerator, r.denominator, r.target, r.kind, r.multiplier)
            for r in group.itertuples()
        ]
        group["py_exact_class"] = exact
        group["py_class_unadjusted"] = [
            e if e is not None else _class_from_z(zz) for e, zz in zip(exact, z, strict=True)
        ]
        group["py_class_additive"] = [
            _class_from_z(zz * s_ / np.sqrt(s_**2 + tau2)) for zz, s_ in zip(z, se, strict=True)
        ]
        group["py_class_multiplicative"] = [_class_from_z(zz / np.sqrt(max(phi, 1))) for zz in z]
        out.append(group)
    return pd.concat(out)


def test_funnel_z_phi_tau2_and_classes(results):
    frame = _python_funnel(results["funnel"])
    by_unit = frame.set_index(["scenario", "unit"])
    assert len(frame) == 83

    usable = frame.py_z.notna()
    np.testing.assert_allclose(frame.z[usable], frame.py_z[usable], rtol=1e-12, atol=1e-12)
    assert frame.z[~usable].isna().all()
    z_diff = float(np.max(np.abs(frame.z[usable] - frame.py_z[usable])))
    # The literal-kind and SQL-expression-kind renderings agree.
    prop = frame.kind == "proportion"
    np.testing.assert_array_equal(frame.z[prop], frame.z_proportion[prop])
    np.testing.assert_array_equal(frame.z[~prop], frame.z_rate[~prop])
    np.testing.assert_allclose(frame.se[usable], frame.py_se[usable], rtol=1e-12)

    for column in ("phi", "tau2"):
        np.testing.assert_allclose(frame[column], frame[f"py_{column}"], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(frame.phi_window, frame.py_phi, rtol=1e-10)
    assert (frame.units == frame.py_units).all()
    assert (frame.overdispersed == frame.py_overdispersed).all()
    for column in ("class_unadjusted", "class_additive", "class_multiplicative"):
        assert frame[column].tolist() == frame[f"py_{column}"].tolist(), column
    assert _nones(frame.exact_class) == _nones(frame.py_exact_class)
    print(
        f"\nFunnel: max |z - Python| = {z_diff:.3e}; "
        + ", ".join(
            f"{sc}: phi {p:.3f}, tau2 {t:.5f}, k={k}, overdispersed {od}"
            for sc, p, t, k, od in frame.groupby("scenario")[
                ["phi", "tau2", "units", "overdispersed"]
            ]
            .first()
            .itertuples()
        )
    )

    # calm: not overdispersed; the far unit is an outlier, the ordinary one within.
    calm = by_unit.loc["calm"]
    assert not calm.overdispersed.iloc[0]
    assert calm.loc["far", "class_unadjusted"] == "above_998"
    assert calm.loc["inside", "class_unadjusted"] == "within"
    # Every unit with a denominator is classed; 3 of 10 at 0.3 is within by exact tails.
    assert calm.loc["small", "class_unadjusted"] == "within"
    assert calm.loc["small", "exact_class"] == "within"

    # overdispersed: the test fires, tau2 > 0, and the random-effects limits pull the
    # borderline unit inside while unadjusted it is above the 95% limit.
    over = by_unit.loc["overdispersed"]
    assert over.overdispersed.iloc[0] and over.tau2.iloc[0] > 0
    borderline = over.loc["borderline"]
    assert borderline.class_unadjusted == "above_95"
    assert borderline.class_additive == "within"
    # Additive widens small units' limits less than large ones' relative to their se.
    assert over.loc["spread_00", "class_additive"] in {"below_95", "below_998", "within"}

    rates = by_unit.loc["rates"]
    assert rates.loc["far", "class_unadjusted"] == "below_998"
    assert rates.loc["small", "exact_class"] is not None

    # small counts: classed, not "insufficient data"; the audit's 0 of 347 is below 99.8%.
    small = by_unit.loc["small"]
    assert small.loc["none_of_347", "class_unadjusted"] == "below_998"
    assert small.loc["all_but_one_of_12", "exact_class"] == "above_998"
    assert small.loc["zero_of_zero", "class_unadjusted"] == "insufficient_data"
    assert (frame.loc[frame.denominator > 0, "class_unadjusted"] != "insufficient_data").all()

    # Drawn limits agree with the classes for the units classed by z.
    by_z = frame[frame.exact_class.isna() & usable]
    above = by_z.class_additive.isin(["above_95", "above_998"])
    assert ((by_z.value > by_z.upper95_additive) == above).all()
    assert ((by_z.value < by_z.lower998_additive) == (by_z.class_additive == "below_998")).all()
    above_m = by_z.class_multiplicative.isin(["above_95", "above_998"])
    assert ((by_z.value > by_z.upper95_multiplicative) == above_m).all()


def test_funnelplotr_published_example(results):
    """FunnelPlotR's published test data (six units, O and E) through the macros, against
    FunnelPlotR's documented algorithm for a standardised ratio with the square-root (CQC)
    transformation: Y = sqrt(O / E), s = 1 / (2 sqrt(E)), target 1, z winsorised at the 10%
    and 90% quantiles (R type 7), phi = mean(z_w^2), tau2 = (k phi - (k - 1)) /
    (sum(1/s^2) - sum(1/s^4) / sum(1/s^2)) (R/od_adjustment.R, tau_func)."""
    frame = results["funnel"].set_index(["scenario", "unit"]).loc["funnelplotr"]
    o = np.array([100, 150, 180, 80, 120, 225], dtype=float)
    e = np.array([108, 112, 165, 95, 100, 220], dtype=float)
    y, s_ = np.sqrt(o / e), 1 / (2 * np.sqrt(e))
    z = (y - 1) / s_
    lz, uz = np.quantile(z, [0.1, 0.9])
    phi = float(np.mean(np.clip(z, lz, uz) ** 2))
    k = len(z)
    w = 1 / s_**2
    tau2 = max(0.0, (k * phi - (k - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    np.testing.assert_allclose(frame.loc[list("abcdef"), "z"].to_numpy(), z, rtol=1e-12)
    assert frame.phi.iloc[0] == pytest.approx(phi, rel=1e-12)
    assert frame.tau2.iloc[0] == pytest.approx(tau2, rel=1e-12)
    assert frame.tau2.iloc[0] > 0  # b (150 vs 112) makes these six overdispersed
    # FunnelPlotR's adjusted limit for unit b: 1 + 3.09 sqrt(s^2 + tau2), squared.
    upper_b = (1 + Z998 * np.sqrt(s_[1] ** 2 + tau2)) ** 2
    adjusted_b = (y[1] - 1) / np.sqrt(s_[1] ** 2 + tau2)
    print(
        f"\nFunnelPlotR test data: phi {phi:.4f}, tau2 {tau2:.6f}; unit b ratio "
        f"{o[1] / e[1]:.4f}, 99.8% upper limit {upper_b:.4f}, adjusted z {adjusted_b:.3f}"
    )
    assert frame.loc["b", "class_additive"] == _class_from_z(adjusted_b)


def test_tau2_matches_statsmodels_dersimonian_laird(results):
    frame = results["tau2"]
    # statsmodels leaves the DL estimate negative when Q < k - 1; the estimator is its
    # positive part (DerSimonian and Laird 1986).
    expected = np.maximum(frame.statsmodels_tau2, 0)
    np.testing.assert_allclose(frame.tau2, expected, rtol=1e-9, atol=1e-15)
    assert (frame.tau2 > 0).sum() >= 10 and (frame.tau2 == 0).sum() >= 3
    worst = float(np.max(np.abs(frame.tau2 - expected)))
    print(f"\ntau2: {len(frame)} meta-analyses, max |macro - statsmodels DL| = {worst:.2e}")


def test_overdispersion_critical_value_against_scipy(results):
    frame = results["critical"]
    assert frame.loc[frame.units < 2, "critical"].isna().all()
    assert not frame.loc[frame.units < 2, "overdispersed"].any()
    good = frame[frame.units >= 2]
    exact = chi2.ppf(0.95, good.units - 1)
    rel = np.abs(good.critical / exact - 1)
    assert rel[good.units - 1 >= 5].max() < 0.0025
    assert rel.max() < 0.025  # df = 1
    # The decision: k phi against the point, phi = 1.2.
    agree = (good.units * good.phi > exact) == good.overdispersed
    assert agree.all()
    print(
        f"\nWilson-Hilferty chi-square 95%: worst {rel.max():.3%} (df 1), "
        f"{rel[good.units - 1 >= 5].max():.3%} from df 5"
    )


def test_exact_small_count_classes_match_scipy(results):
    frame = results["exact"]
    expected = [
        _python_exact_class(r.numerator, r.denominator, r.target, r.kind, r.multiplier)
        for r in frame.itertuples()
    ]
    got = _nones(frame.exact_class)
    mismatches = [
        (r.numerator, r.denominator, r.target, r.kind, g, e)
        for r, g, e in zip(frame.itertuples(), got, expected, strict=True)
        if g != e
    ]
    assert not mismatches
    classed = [c for c in got if c is not None]
    assert len(classed) > 300
    assert {"above_998", "above_95", "within", "below_95", "below_998"} <= set(classed)


def test_funnel_phi_as_plain_aggregate(results):
    frame = results["grouped_phi"].set_index("scenario")
    assert frame.loc["a", "phi"] == pytest.approx((1.5**2 + 0.5**2) / 2)
    assert frame.loc["a", "units"] == 2
    assert frame.loc["b", "phi"] == pytest.approx(4.0)


def test_funnel_limits(results):
    frame = results["limits"]
    valid = frame.n.gt(0)
    good = frame[valid]
    target, n = good.target.to_numpy(float), good.n.to_numpy(float)
    m = good.multiplier.to_numpy(float)
    tau2 = good.tau2.fillna(0).to_numpy(float)
    phi = np.maximum(good.phi.fillna(1).to_numpy(float), 1.0)
    is_rate = (good.kind == "rate").to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.where(is_rate, 1 / (2 * np.sqrt(target * n / m)), 1 / (2 * np.sqrt(n)))
    worst = 0.0
    for suffix, alpha in LEVELS.items():
        z = norm.isf(alpha / 2)
        for side, sign in (("lower", -1), ("upper", 1)):
            for column, sd in (
                (f"additive{suffix}_{side}", np.sqrt(se**2 + tau2)),
                (f"multiplicative{suffix}_{side}", se * np.sqrt(phi)),
            ):
                with np.errstate(invalid="ignore"):
                    prop = (
                        np.sin(np.clip(np.arcsin(np.sqrt(target)) + sign * z * sd, 0, np.pi / 2))
                        ** 2
                    )
                    rate = target * np.maximum(0, 1 + sign * z * sd) ** 2
                expected = np.where(is_rate, np.where(target > 0, rate, np.nan), prop)
                actual = good[column].to_numpy(float)
                np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-12, err_msg=column)
                worst = max(worst, float(np.nanmax(np.abs(actual - expected))))
            np.testing.assert_array_equal(
                good[f"additive{suffix}_{side}"].to_numpy(float)[~is_rate],
                good[f"prop_additive{suffix}_{side}"].to_numpy(float)[~is_rate],
            )
            np.testing.assert_array_equal(
                good[f"additive{suffix}_{side}"].to_numpy(float)[is_rate],
                good[f"rate_additive{suffix}_{side}"].to_numpy(float)[is_rate],
            )
    print(f"\nFunnel limits: max |macro - Python| = {worst:.3e}")
    assert frame.loc[~valid, [c for c in frame if "additive" in c]].isna().all().all()


def test_level_other_than_95_or_998_is_a_compile_error(tmp_path):
    completed = dbt_compile_inline("select {{ wilson_lower('x', 'n', 90) }}", tmp_path)
    assert completed.returncode != 0
    assert "level must be the literal 95 or 99.8, got '90'" in completed.stdout + completed.stderr
