"""The warehouse's statistics checked independently: force_comparisons' intervals, national
values and funnel classes against scipy/statsmodels (linkage: tests/test_linkage.py)."""

from __future__ import annotations

import duckdb
import numpy as np
import polars as pl
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

pytestmark = pytest.mark.xdist_group("demo_pipeline")
Z95, Z998 = stats.norm.isf(0.025), stats.norm.isf(0.001)


@pytest.fixture(scope="module")
def comparisons(demo_pipeline) -> pl.DataFrame:
    with duckdb.connect(str(demo_pipeline.serving_db), read_only=True) as con:
        return con.sql("select * from marts.force_comparisons").pl()


def test_every_metric_for_all_43_forces(comparisons):
    metrics = pl.read_csv("dbt_project/seeds/ref_metrics.csv")["metric_id"].to_list()
    per_metric = (
        comparisons.filter(pl.col("period_type") == "financial_year")
        .group_by("metric_id", "period")
        .agg(pl.col("force_code").n_unique().alias("forces"))
    )
    assert set(per_metric["metric_id"]) == set(metrics)
    assert per_metric["forces"].min() == 43


def exact_poisson(count: float, level: float) -> tuple[float, float]:
    alpha = 1 - level
    lower = 0.0 if count == 0 else stats.chi2.ppf(alpha / 2, 2 * count) / 2
    return lower, stats.chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2


def byar(count: float, z: float) -> tuple[float, float]:
    lower = count * (1 - 1 / (9 * count) - z / (3 * np.sqrt(count))) ** 3
    upper = (count + 1) * (1 - 1 / (9 * (count + 1)) + z / (3 * np.sqrt(count + 1))) ** 3
    return lower, upper


def test_intervals_match_scipy_and_statsmodels(comparisons):
    rows = comparisons.filter(pl.col("denominator") > 0)
    worst = 0.0
    for row in rows.iter_rows(named=True):
        x, n = row["numerator"], row["denominator"]
        for level, low, high, z in (
            (0.95, "ci95_low", "ci95_high", Z95),
            (0.998, "ci998_low", "ci998_high", Z998),
        ):
            if row["kind"] == "proportion":
                expected = proportion_confint(x, n, alpha=1 - level, method="wilson")
            else:
                counts = exact_poisson(x, level) if x < 10 else byar(x, z)
                expected = tuple(c / n * row["multiplier"] for c in counts)
            got = (row[low], row[high])
            scale = max(1.0, abs(expected[1]))
            worst = max(worst, abs(got[0] - expected[0]) / scale, abs(got[1] - expected[1]) / scale)
    print(f"\nintervals: {rows.height} rows, worst relative difference {worst:.2e}")
    assert worst < 1e-6


def test_national_values_and_funnel_classes_match_independent_calculation(comparisons):
    mismatches = []
    for (metric, _period_type, period), group in comparisons.group_by(
        "metric_id", "period_type", "period"
    ):
        multiplier = group["multiplier"][0]
        national = group["numerator"].sum() / group["denominator"].sum() * multiplier
        assert group["national_value"][0] == pytest.approx(national, rel=1e-9)
        x, n = group["numerator"].to_numpy(), group["denominator"].to_numpy()
        ok = (x >= 10) & (n > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            if group["kind"][0] == "proportion":
                p0 = national
                z = (x / n - p0) / np.sqrt(p0 * (1 - p0) / n)
            else:
                expected = national * n / multiplier
                z = (x - expected) / np.sqrt(expected)
        usable = z[ok & np.isfinite(z)]
        phi = 1.0
        if usable.size:
            low, high = np.percentile(usable, [10, 90])
            phi = float(np.mean(np.clip(usable, low, high) ** 2))
        adjusted = z / np.sqrt(max(phi, 1.0))
        for i, row in enumerate(group.iter_rows(named=True)):
            if not ok[i] or not np.isfinite(z[i]):
                expected_class = "insufficient_data"
            elif adjusted[i] > Z998:
                expected_class = "above_998"
            elif adjusted[i] > Z95:
                expected_class = "above_95"
            elif adjusted[i] < -Z998:
                expected_class = "below_998"
            elif adjusted[i] < -Z95:
                expected_class = "below_95"
            else:
                expected_class = "within"
            if row["funnel_class"] != expected_class:
                mismatches.append(
                    (metric, period, row["force_code"], row["funnel_class"], expected_class)
                )
    classes = comparisons["funnel_class"].value_counts().sort("funnel_class")
    print(f"\nfunnel classes: {dict(classes.iter_rows())}")
    assert not mismatches, mismatches[:5]
