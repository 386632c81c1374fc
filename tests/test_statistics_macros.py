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
from scipy.stats import chi2, norm
from statsmodels.stats.proportion import proportion_confint

REPO = Path(__file__).resolve().parents[1]
DBT_PROJECT = REPO / "dbt_project"
DBT = Path(sys.executable).with_name("dbt")

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
    return rows


def limit_cases() -> list[tuple]:
    rows = []
    for target in (0.3, 0.02, 0.97, 0.0):
        for n in (10, 100, 1000, 100_000):
            for phi in (None, 0.5, 1.0, 2.7):
                rows.append((target, n, "proportion", phi, 1))
    for target, multiplier in ((0.45, 1000), (12.0, 100_000), (35.0, 100)):
        for n in (1000, 50_000, 2_000_000):
            for phi in (None, 0.5, 1.0, 2.7):
                rows.append((target, n, "rate", phi, multiplier))
    rows += [
        (0.3, 0, "proportion", None, 1),
        (0.3, None, "proportion", None, 1),
        (0.45, 0, "rate", None, 1000),
    ]
    return [(i, *r) for i, r in enumerate(rows)]


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
                f"{{{{ funnel_limit('target', 'n', {literal}, '{side}', 'kind', 'phi',"
                f" 'multiplier') }}}} as limit{suffix}_{side}",
                f"{{{{ funnel_limit('target', 'n', {literal}, '{side}', 'proportion', 'phi')"
                f" }}}} as prop_limit{suffix}_{side}",
                f"{{{{ funnel_limit('target', 'n', {literal}, '{side}', 'rate', 'phi',"
                f" 'multiplier') }}}} as rate_limit{suffix}_{side}",
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
        {{ funnel_numerator_ok('numerator', 'denominator') }} as numerator_ok,
        {{ funnel_z('numerator', 'denominator', 'target', 'kind', 'multiplier') }} as z,
        {{ funnel_z('numerator', 'denominator', 'target', 'proportion') }} as z_proportion,
        {{ funnel_z('numerator', 'denominator', 'target', 'rate', 'multiplier') }} as z_rate
    from cases
),

winsorised as (
    select
        *,
        {{ funnel_winsorised_z('case when numerator_ok then z end', 'scenario') }}
            as z_winsorised
    from scored
),

dispersion as (
    select
        *,
        {{ funnel_phi('z_winsorised', 'scenario') }} as phi,
        {{ funnel_units('z_winsorised', ['scenario']) }} as units
    from winsorised
)

select
    *,
    {{ funnel_class('z', 'phi', 'numerator_ok') }} as funnel_class,
    {{ funnel_class('z', 'null', 'numerator_ok') }} as funnel_class_unadjusted,
    {{ funnel_limit('target', 'denominator', 95, 'upper', 'kind', 'phi', 'multiplier') }}
        as upper95,
    {{ funnel_limit('target', 'denominator', 99.8, 'lower', 'kind', 'phi', 'multiplier') }}
        as lower998,
    {{ safe_divide('numerator', 'denominator') }}
    * multiplier as value
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
        "limits": """
select case_id, target, n, kind, phi, multiplier, """
        + ",\n    ".join(limit_columns)
        + """
from (values
"""
        + _values(limit_cases())
        + """
) as cases (case_id, target, n, kind, phi, multiplier)
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


@pytest.fixture(scope="module")
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


def _python_funnel(frame: pd.DataFrame) -> pd.DataFrame:
    """Spiegelhalter's funnel in plain Python, one scenario (partition) at a time."""
    out = []
    for _, group in frame.groupby("scenario", sort=False):
        group = group.copy()
        o, n = group.numerator.astype(float), group.denominator.astype(float)
        target, m = group.target.astype(float), group.multiplier.astype(float)
        is_rate = group.kind == "rate"
        expected = target * n / m
        z_rate = (o - expected) / np.sqrt(expected)
        z_prop = (o / n - target) / np.sqrt(target * (1 - target) / n)
        group["py_z"] = np.where(is_rate, z_rate, z_prop)
        group["py_ok"] = (o >= 10) & (n > 0)
        zs = group.loc[group.py_ok, "py_z"].to_numpy()
        low, high = np.percentile(zs, [10, 90])  # linear interpolation = quantile_cont
        group["py_phi"] = float(np.mean(np.clip(zs, low, high) ** 2))
        group["py_units"] = len(zs)
        out.append(group)
    return pd.concat(out)


def _python_class(z: float, phi: float, ok: bool) -> str:
    if not ok:
        return "insufficient_data"
    adjusted = z / np.sqrt(max(phi, 1.0))
    z95, z998 = norm.isf(0.025), norm.isf(0.001)
    if adjusted > z998:
        return "above_998"
    if adjusted > z95:
        return "above_95"
    if adjusted < -z998:
        return "below_998"
    if adjusted < -z95:
        return "below_95"
    return "within"


def test_funnel_z_phi_and_classes(results):
    frame = _python_funnel(results["funnel"])
    by_unit = frame.set_index(["scenario", "unit"])
    assert len(frame) == 60

    np.testing.assert_allclose(frame.z, frame.py_z, rtol=1e-12, atol=1e-12)
    z_diff = float(np.max(np.abs(frame.z - frame.py_z)))
    # The literal-kind and SQL-expression-kind renderings agree.
    prop = frame.kind == "proportion"
    np.testing.assert_array_equal(frame.z[prop], frame.z_proportion[prop])
    np.testing.assert_array_equal(frame.z[~prop], frame.z_rate[~prop])
    assert (frame.numerator_ok == frame.py_ok).all()
    assert frame.loc[~frame.numerator_ok, "z_winsorised"].isna().all()

    np.testing.assert_allclose(frame.phi, frame.py_phi, rtol=1e-12, atol=1e-12)
    phi_diff = float(np.max(np.abs(frame.phi - frame.py_phi)))
    assert (frame.units == frame.py_units).all()
    expected_class = [_python_class(r.py_z, r.py_phi, r.py_ok) for r in frame.itertuples()]
    assert frame.funnel_class.tolist() == expected_class
    print(
        f"\nFunnel: max |z - Python| = {z_diff:.3e}, max |phi - Python| = {phi_diff:.3e}; "
        + ", ".join(
            f"phi[{s}] = {p:.4f} (k={k})"
            for s, p, k in frame.groupby("scenario")[["phi", "units"]].first().itertuples()
        )
    )

    # calm: not overdispersed, so classes use the raw z.
    calm = by_unit.loc["calm"]
    assert calm.phi.iloc[0] <= 1
    assert calm.units.iloc[0] == 19
    assert calm.loc["far", "funnel_class"] == "above_998"
    assert calm.loc["inside", "funnel_class"] == "within"
    assert calm.loc["small", "funnel_class"] == "insufficient_data"
    assert calm.loc["small", "z"] == pytest.approx(calm.loc["small", "py_z"])  # z, not classed
    assert (calm.funnel_class == calm.funnel_class_unadjusted).all()

    # overdispersed: phi > 1 widens the limits; the borderline unit moves inside them.
    over = by_unit.loc["overdispersed"]
    assert over.phi.iloc[0] > 1
    borderline = over.loc["borderline"]
    assert 1.96 < borderline.z < 3.09
    assert borderline.funnel_class_unadjusted == "above_95"
    assert borderline.funnel_class == "within"

    rates = by_unit.loc["rates"]
    assert rates.loc["far", "funnel_class"] == "below_998"
    assert rates.loc["small", "funnel_class"] == "insufficient_data"

    # The drawn limits agree with the classes: above the 95% upper limit iff classed above,
    # below the 99.8% lower limit iff below_998.
    ok = frame[frame.numerator_ok]
    above = ok.funnel_class.isin(["above_95", "above_998"])
    assert ((ok.value > ok.upper95) == above).all()
    assert ((ok.value < ok.lower998) == (ok.funnel_class == "below_998")).all()


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
    phi = np.maximum(good.phi.fillna(1).to_numpy(float), 1.0)
    is_rate = (good.kind == "rate").to_numpy()
    worst = 0.0
    for suffix, alpha in LEVELS.items():
        z = norm.isf(alpha / 2)
        for side, sign in (("lower", -1), ("upper", 1)):
            with np.errstate(invalid="ignore"):  # rate targets > 1 in the proportion formula
                prop_limit = np.clip(
                    target + sign * z * np.sqrt(phi * target * (1 - target) / n), 0, 1
                )
            rate_limit = np.maximum(target + sign * z * np.sqrt(phi * target * m / n), 0)
            expected = np.where(is_rate, rate_limit, prop_limit)
            actual = good[f"limit{suffix}_{side}"].to_numpy(float)
            np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-12)
            worst = max(worst, float(np.max(np.abs(actual - expected))))
            np.testing.assert_array_equal(
                actual[~is_rate], good[f"prop_limit{suffix}_{side}"].to_numpy(float)[~is_rate]
            )
            np.testing.assert_array_equal(
                actual[is_rate], good[f"rate_limit{suffix}_{side}"].to_numpy(float)[is_rate]
            )
    print(f"\nFunnel limits: max |macro - Python| = {worst:.3e}")
    assert frame.loc[~valid, [c for c in frame if "limit" in c]].isna().all().all()


def test_level_other_than_95_or_998_is_a_compile_error(tmp_path):
    completed = dbt_compile_inline("select {{ wilson_lower('x', 'n', 90) }}", tmp_path)
    assert completed.returncode != 0
    assert "level must be the literal 95 or 99.8, got '90'" in completed.stdout + completed.stderr
