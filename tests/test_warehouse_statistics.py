"""The warehouse's statistics checked independently: linkage against the planted truth,
force_comparisons' intervals, national values and funnel classes against scipy/statsmodels."""

from __future__ import annotations

import duckdb
import numpy as np
import polars as pl
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from ingest.pseudonymise import keyed_hash
from tests.conftest import TEST_KEY

pytestmark = pytest.mark.xdist_group("demo_pipeline")
Z95, Z998 = stats.norm.isf(0.025), stats.norm.isf(0.001)


def test_courses_of_conduct_precision_and_recall(demo_pipeline):
    truth = pl.read_parquet(demo_pipeline.truth / "courses_of_conduct.parquet")
    key = TEST_KEY.encode()
    planted = {
        (
            row["force_code"],
            keyed_hash(key, row["force_code"], row["victim_ref"]),
            keyed_hash(key, row["force_code"], row["suspect_ref"]),
        ): row["planted_as"]
        for row in truth.iter_rows(named=True)
    }
    with duckdb.connect(str(demo_pipeline.warehouse_db), read_only=True) as con:
        linked_rows = con.execute(
            "select force_code, victim_key, suspect_key, recognised_as_stalking "
            "from intermediate.int_linkage__courses_of_conduct"
        ).fetchall()
    linked = {(f, v, s): "recognised" if r else "unrecognised" for f, v, s, r in linked_rows}
    true_positive = planted.keys() & linked.keys()
    precision = len(true_positive) / len(linked)
    recall = len(true_positive) / len(planted)
    agree = sum(planted[k] == linked[k] for k in true_positive) / len(true_positive)
    print(
        f"\nlinkage: {len(planted)} planted courses, {len(linked)} linked, "
        f"precision {precision:.3f}, recall {recall:.3f}, "
        f"recognised/unrecognised agreement {agree:.3f}"
    )
    assert len(planted) >= 100
    assert precision >= 0.9 and recall >= 0.9
    assert agree >= 0.99


@pytest.fixture(scope="module")
def comparisons(demo_pipeline) -> pl.DataFrame:
    with duckdb.connect(str(demo_pipeline.restricted_db), read_only=True) as con:
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
