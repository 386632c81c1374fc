"""The warehouse's statistics checked independently: force_comparisons' intervals, national
values and funnel classes against scipy/statsmodels (linkage: tests/test_linkage.py)."""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import polars as pl
import pytest
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint
from statsmodels.stats.rates import confint_poisson_2indep

pytestmark = pytest.mark.xdist_group("demo_pipeline")
Z95, Z998 = stats.norm.isf(0.025), stats.norm.isf(0.001)


@pytest.fixture(scope="module")
def comparisons(demo_pipeline) -> pl.DataFrame:
    with duckdb.connect(str(demo_pipeline.restricted_db), read_only=True) as con:
        return con.sql("select * from marts.force_comparisons").pl()


def test_every_metric_for_all_43_forces(comparisons, demo_pipeline):
    """Every crime-based metric for all 43 forces every year; training coverage for exactly
    the forces that sent a training return (one demo force sends none: no row, not [c])."""
    metrics = pl.read_csv("dbt_project/seeds/ref_metrics.csv")["metric_id"].to_list()
    yearly = comparisons.filter(pl.col("period_type") == "financial_year")
    per_metric = yearly.group_by("metric_id", "period").agg(
        pl.col("force_code").n_unique().alias("forces")
    )
    assert set(per_metric["metric_id"]) == set(metrics)
    assert per_metric.filter(pl.col("metric_id") != "training_coverage")["forces"].min() == 43
    with duckdb.connect(str(demo_pipeline.restricted_db), read_only=True) as con:
        returned = con.sql(
            "select distinct force_code, financial_year as period from marts.fct_training_yearly "
            "where force_code != 'K04000001'"
        ).pl()
    training = yearly.filter(pl.col("metric_id") == "training_coverage")
    assert 0 < training.height < 43 * training["period"].n_unique()
    assert set(training.select("force_code", "period").iter_rows()) == set(returned.iter_rows())


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


def _class(z: float) -> str:
    if not np.isfinite(z):
        return "insufficient_data"
    for limit, above, below in ((Z998, "above_998", "below_998"), (Z95, "above_95", "below_95")):
        if z > limit:
            return above
        if z < -limit:
            return below
    return "within"


def _tails_class(high: float, low: float) -> str:
    """Exact class from P(X >= x) and P(X <= x)."""
    for limit, above in ((0.001, "above_998"), (0.025, "above_95")):
        if high < limit:
            return above
    for limit, below in ((0.001, "below_998"), (0.025, "below_95")):
        if low < limit:
            return below
    return "within"


def _recompute_funnel(group: pl.DataFrame) -> dict:
    """One funnel recomputed with numpy/scipy from its numerators and denominators alone."""
    kind, multiplier = group["kind"][0], group["multiplier"][0]
    x = group["numerator"].to_numpy().astype(float)
    n = group["denominator"].to_numpy().astype(float)
    has_n = np.nan_to_num(n) > 0
    target = x[has_n].sum() / n[has_n].sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "proportion":
            z = (np.arcsin(np.sqrt(x / n)) - np.arcsin(np.sqrt(target))) * 2 * np.sqrt(n)
            se = 1 / (2 * np.sqrt(n))
        else:
            expected = target * n
            z = 2 * (np.sqrt(x) - np.sqrt(expected))
            se = 1 / (2 * np.sqrt(expected))
    z = np.where(has_n, z, np.nan)
    usable = np.isfinite(z)
    zs, k = z[usable], int(usable.sum())
    low, high = np.percentile(zs, [10, 90])
    phi = float(np.mean(np.clip(zs, low, high) ** 2))
    w = 1 / se[usable] ** 2
    tau2 = max(0.0, (k * phi - (k - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    critical = stats.chi2.ppf(0.95, k - 1)
    unadjusted = []
    for xi, ni, zi in zip(x, n, z, strict=True):
        exact = None
        if ni > 0 and kind == "rate" and xi < 10:
            mu = target * ni
            exact = _tails_class(stats.poisson.sf(xi - 1, mu), stats.poisson.cdf(xi, mu))
        elif ni > 0 and kind == "proportion" and 0 < target < 1 and min(xi, ni - xi) < 10:
            exact = _tails_class(
                stats.binom.sf(xi - 1, ni, target), stats.binom.cdf(xi, ni, target)
            )
        unadjusted.append(exact or _class(zi))
    return {
        "target": target * multiplier,
        "z": z,
        "phi": phi,
        "k": k,
        "tau2": tau2,
        "statistic": k * phi,
        "critical": critical,
        "unadjusted": unadjusted,
        "additive": [_class(zi * si / np.sqrt(si**2 + tau2)) for zi, si in zip(z, se, strict=True)],
        "multiplicative": [_class(zi / np.sqrt(max(phi, 1.0))) for zi in z],
    }


def test_funnels_match_independent_calculation(comparisons):
    """National value, z, phi, the overdispersion test, tau2 and all three classes of every
    funnel against numpy/scipy; funnel_class follows the test."""
    mismatches, funnels, overdispersed, changed, outliers = [], 0, 0, 0, {"additive": 0, "mult": 0}
    for key, group in comparisons.group_by("metric_id", "period_type", "period"):
        group = group.sort("force_code")
        got = group.row(0, named=True)
        expected = _recompute_funnel(group)
        funnels += 1
        assert got["national_value"] == pytest.approx(expected["target"], rel=1e-9), key
        np.testing.assert_allclose(
            group["funnel_z"].to_numpy().astype(float), expected["z"], rtol=1e-9, atol=1e-9
        )
        assert got["funnel_phi"] == pytest.approx(expected["phi"], rel=1e-9), key
        assert got["funnel_units"] == expected["k"]
        assert got["funnel_tau2"] == pytest.approx(expected["tau2"], rel=1e-9, abs=1e-15), key
        assert got["funnel_dispersion_critical_95"] == pytest.approx(expected["critical"], rel=3e-3)
        exact_decision = expected["statistic"] > expected["critical"]
        near_boundary = abs(expected["statistic"] / expected["critical"] - 1) < 3e-3
        assert got["overdispersion_adjusted"] == exact_decision or near_boundary, key
        overdispersed += got["overdispersion_adjusted"]
        default = expected["additive"] if got["overdispersion_adjusted"] else expected["unadjusted"]
        for column, classes in (
            ("funnel_class", default),
            ("funnel_class_unadjusted", expected["unadjusted"]),
            ("funnel_class_additive", expected["additive"]),
            ("funnel_class_multiplicative", expected["multiplicative"]),
        ):
            for force, actual, wanted in zip(
                group["force_code"], group[column], classes, strict=True
            ):
                if actual != wanted:
                    mismatches.append((key, force, column, actual, wanted))
        if got["overdispersion_adjusted"]:
            changed += sum(
                a != m
                for a, m in zip(expected["additive"], expected["multiplicative"], strict=True)
            )
            outliers["additive"] += sum(
                c in ("above_998", "below_998") for c in expected["additive"]
            )
            outliers["mult"] += sum(
                c in ("above_998", "below_998") for c in expected["multiplicative"]
            )
    methods = comparisons["funnel_method"].value_counts().sort("funnel_method")
    print(
        f"\nfunnels: {funnels}, overdispersed by the test: {overdispersed}; in those, additive vs "
        f"multiplicative classes differ for {changed} rows, 99.8% outliers {outliers['additive']} "
        f"(additive) vs {outliers['mult']} (multiplicative); rows by method "
        f"{dict(methods.iter_rows())}"
    )
    assert not mismatches, mismatches[:5]
    assert 0 < overdispersed < funnels


def test_every_force_with_a_denominator_is_classed(comparisons):
    unclassed = comparisons.filter(pl.col("funnel_class") == "insufficient_data")
    assert (unclassed["denominator"].fill_null(0) <= 0).all()
    classed_small = comparisons.filter((pl.col("numerator") < 10) & (pl.col("denominator") > 0))
    assert classed_small.height > 0
    assert (classed_small["funnel_class"] != "insufficient_data").all()
    print(
        f"\nunclassed rows: {unclassed.height} (no denominator); classed rows with numerators "
        f"below 10: {classed_small.height}"
    )


def test_population_rates_use_the_financial_years_population_and_are_annual(comparisons):
    seeds = "dbt_project/seeds/"
    mid2023 = dict(
        pl.read_csv(seeds + "ref_forces.csv").select("force_code", "population_mid2023").iter_rows()
    )
    mid2024 = dict(
        pl.read_csv(seeds + "ref_population_mid2024.csv")
        .select("force_code", "population_mid2024")
        .iter_rows()
    )
    rates = comparisons.filter(pl.col("metric_id") == "stalking_rate")
    for row in rates.iter_rows(named=True):
        start = int(row["financial_year"][:4])
        population = mid2023[row["force_code"]] if start <= 2023 else mid2024[row["force_code"]]
        basis = {2023: "matching_year", 2024: "matching_year"}.get(start, "carried_forward")
        if start < 2023:
            basis = "carried_back"
        assert row["population_basis"] == basis
        assert row["denominator"] == pytest.approx(population * row["quarters_in_period"] / 4)
        assert row["value"] == pytest.approx(row["numerator"] / row["denominator"] * 1000)
        if row["period_type"] == "quarter":
            assert row["value_unit"].endswith("(quarter annualised)")
    assert set(rates["population_basis"]) >= {"carried_forward"}


def test_period_status_follows_the_documented_rule(comparisons):
    quarters = (
        comparisons.filter(pl.col("period_type") == "quarter")
        .select("financial_year", "fy_quarter")
        .unique()
        .sort("financial_year", "fy_quarter")
    )
    latest_two = set(quarters.tail(2).iter_rows())
    per_year = dict(quarters.group_by("financial_year").len().iter_rows())
    metrics = pl.read_csv("dbt_project/seeds/ref_metrics.csv")
    outcome_based = set(metrics.filter(pl.col("outcome_based"))["metric_id"])
    for row in comparisons.iter_rows(named=True):
        year = row["financial_year"]
        if row["period_type"] == "financial_year" and per_year[year] < 4:
            expected = "part_year"
        elif row["metric_id"] in outcome_based and (
            (year, row["fy_quarter"]) in latest_two
            or (row["period_type"] == "financial_year" and year in {y for y, _ in latest_two})
        ):
            expected = "provisional"
        else:
            expected = "complete"
        assert row["period_status"] == expected, row


def test_peer_groups_are_seven_nearest_neighbours(demo_pipeline, comparisons):
    forces = pl.read_csv("dbt_project/seeds/ref_forces.csv").filter(pl.col("is_territorial"))
    mid2024 = pl.read_csv("dbt_project/seeds/ref_population_mid2024.csv")
    lads = pl.read_csv("dbt_project/seeds/ref_lad_to_force.csv").unique(["force_code", "lad_code"])
    urban = lads.group_by("force_code").agg(
        pl.col("lad_code").str.slice(0, 3).is_in(["E08", "E09"]).mean().alias("urban")
    )
    table = (
        forces.join(mid2024.select("force_code", "population_mid2024"), on="force_code")
        .join(urban, on="force_code", how="left")
        .sort("force_code")
    )
    features = np.column_stack(
        [
            np.log(table["population_mid2024"].to_numpy()),
            (table["population_mid2023"] / table["households_mid2021"]).to_numpy(),
            (table["population_mid2024"] / table["population_mid2023"] - 1).to_numpy(),
            table["urban"].fill_null(0).to_numpy(),
        ]
    )
    standardised = (features - features.mean(axis=0)) / features.std(axis=0)
    distance = np.sqrt(((standardised[:, None, :] - standardised[None, :, :]) ** 2).sum(axis=2))
    codes = table["force_code"].to_list()
    expected = {}
    for i, code in enumerate(codes):
        order = sorted((distance[i, j], codes[j]) for j in range(len(codes)) if j != i)
        expected[code] = {c for _, c in order[:7]}
    with duckdb.connect(str(demo_pipeline.warehouse_db), read_only=True) as con:
        pairs = con.execute(
            "select force_code, peer_force_code, peer_basis "
            "from intermediate.int_comparisons__peer_groups"
        ).fetchall()
    got: dict[str, set[str]] = {}
    for force, peer, basis in pairs:
        assert basis == "nearest_neighbours"
        got.setdefault(force, set()).add(peer)
    assert got == expected
    # peer_value sums the 7 peers' numerators and denominators.
    year = comparisons.filter(
        (pl.col("metric_id") == "stalking_share") & (pl.col("period_type") == "financial_year")
    )
    for period, group in year.group_by("period"):
        counts = {
            r["force_code"]: (r["numerator"], r["denominator"]) for r in group.iter_rows(named=True)
        }
        for row in group.iter_rows(named=True):
            num = sum(counts[p][0] for p in expected[row["force_code"]])
            den = sum(counts[p][1] for p in expected[row["force_code"]])
            assert row["peer_basis"] == "nearest_neighbours"
            assert row["peer_value"] == pytest.approx(num / den, rel=1e-12), period


def test_change_over_time_intervals_against_statsmodels(demo_pipeline):
    with duckdb.connect(str(demo_pipeline.restricted_db), read_only=True) as con:
        trends = con.sql("select * from marts.force_trends").pl()
    assert trends.height > 0
    proportions = trends.filter(pl.col("kind") == "proportion").filter(
        (pl.col("denominator") > 0) & (pl.col("prior_denominator") > 0)
    )
    low, high = confint_proportions_2indep(
        proportions["numerator"].to_numpy(),
        proportions["denominator"].to_numpy(),
        proportions["prior_numerator"].to_numpy(),
        proportions["prior_denominator"].to_numpy(),
        method="newcomb",
        compare="diff",
    )
    np.testing.assert_allclose(proportions["change_ci95_low"].to_numpy(), low, atol=1e-9)
    np.testing.assert_allclose(proportions["change_ci95_high"].to_numpy(), high, atol=1e-9)
    rates = trends.filter(
        (pl.col("kind") == "rate") & (pl.col("numerator") > 0) & (pl.col("prior_numerator") > 0)
    )
    o1, o0 = rates["numerator"].to_numpy(), rates["prior_numerator"].to_numpy()
    e1, e0 = rates["denominator"].to_numpy(), rates["prior_denominator"].to_numpy()
    share_low, share_high = proportion_confint(o1, o1 + o0, alpha=0.05, method="wilson")
    np.testing.assert_allclose(
        rates["change_ci95_low"].to_numpy(), share_low / (1 - share_low) * e0 / e1, rtol=1e-9
    )
    np.testing.assert_allclose(
        rates["change_ci95_high"].to_numpy(), share_high / (1 - share_high) * e0 / e1, rtol=1e-9
    )
    np.testing.assert_allclose(rates["change"].to_numpy(), (o1 / e1) / (o0 / e0), rtol=1e-12)
    # Against statsmodels' score interval for the ratio: close where counts are large.
    large = (o1 >= 100) & (o0 >= 100)
    if large.any():
        score_low, score_high = np.array(
            [
                confint_poisson_2indep(a, b, c, d, method="score", compare="ratio")
                for a, b, c, d in zip(o1[large], e1[large], o0[large], e0[large], strict=True)
            ]
        ).T
        assert np.max(np.abs(rates["change_ci95_low"].to_numpy()[large] / score_low - 1)) < 0.02
        assert np.max(np.abs(rates["change_ci95_high"].to_numpy()[large] / score_high - 1)) < 0.02
    for row in trends.iter_rows(named=True):
        no_change = 1.0 if row["kind"] == "rate" else 0.0
        low_, high_ = row["change_ci95_low"], row["change_ci95_high"]
        if low_ is None or high_ is None:
            continue
        significant = low_ > no_change or high_ < no_change
        assert row["change_significant"] == significant
        if not significant:
            assert row["change_statement"] == "no significant change from a year earlier"
    print(
        f"\ntrends: {trends.height} rows, {proportions.height} Newcombe, {rates.height} rate "
        f"ratios; significant: {trends['change_significant'].sum()}"
    )


def test_hidden_stalking_and_first_year_partial(demo_pipeline):
    with duckdb.connect(str(demo_pipeline.warehouse_db), read_only=True) as con:
        yearly = con.sql("select * from marts.fct_courses_of_conduct_yearly").pl()
        in_courses = con.execute(
            "select coalesce(sum(crimes), 0) from intermediate.int_linkage__courses_of_conduct "
            "where not recognised_as_stalking"
        ).fetchall()[0][0]
        starts = dict(
            con.execute(
                "select force_code, min(recorded_date) "
                "from intermediate.int_force_crimes__current group by force_code"
            ).fetchall()
        )
    # Every crime of an unrecognised course is counted once, in the year it was recorded.
    assert yearly["crimes_in_unrecognised_courses"].sum() == in_courses
    for row in yearly.iter_rows(named=True):
        year_start = date(int(row["financial_year"][:4]), 4, 1)
        start = starts[row["force_code"]]
        partial = year_start < date(start.year + 1, start.month, start.day)
        assert row["first_12_months_partial"] == partial
        if partial:
            assert row["period_status"] == "partial"
        if row["harassment_crimes"]:
            assert row["unrecognised_crime_share"] == pytest.approx(
                row["crimes_in_unrecognised_courses"] / row["harassment_crimes"]
            )
    assert yearly["first_12_months_partial"].any()


def test_attrition_cohort_and_flows(demo_pipeline, comparisons):
    with duckdb.connect(str(demo_pipeline.restricted_db), read_only=True) as con:
        attrition = con.sql("select * from marts.attrition_yearly").pl()
    wide = attrition.pivot(on="stage", index=["force_code", "financial_year"], values="count")
    assert (wide["stalking_crimes_recorded"] >= wide["outcome_assigned"]).all()
    assert (wide["outcome_assigned"] >= wide["charged_summonsed"]).all()
    charge = comparisons.filter(
        (pl.col("metric_id") == "charge_rate") & (pl.col("period_type") == "financial_year")
    ).select("force_code", pl.col("financial_year"), pl.col("numerator").alias("charged"))
    joined = wide.join(charge, on=["force_code", "financial_year"])
    assert joined.height == wide.height
    assert (joined["charged"] == joined["charged_summonsed"]).all()
    flows = attrition.filter(pl.col("stage").str.starts_with("cps_"))
    assert (~flows["is_cohort"]).all()
    assert flows["basis"].str.starts_with("not a cohort").all()
    assert flows["share_of_recorded"].is_null().all()
