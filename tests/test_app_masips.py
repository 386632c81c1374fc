"""MASIPs against the referral rate (issue 18 item 3), on the demo pipeline's snapshot: the
published table's rate columns are published.force_comparisons' own (a withheld rate stays
withheld, never refilled from marts), its national rows count what the force rows say, and the
"MASIPs" page shows the published table (render, marks and tidy downloads of every page:
tests/test_app.py)."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest
from test_app import app_env, frames, open_page, public_ready, texts

__all__ = ["app_env", "public_ready"]  # fixtures used by name below

pytestmark = pytest.mark.xdist_group("demo_pipeline")

NATIONAL = "K04000001"
RATE_COLUMNS = ("masip_referral_rate", "masip_referral_rate_marker", "ci95_low", "ci95_high")
FORCE_RATES = """
    select force_code, period as financial_year, value as masip_referral_rate,
           value_marker as masip_referral_rate_marker, ci95_low, ci95_high, funnel_class,
           national_value, national_value_marker
    from published.force_comparisons
    where metric_id = 'masip_referral_rate' and period_type = 'financial_year'
"""


def published(demo_pipeline) -> tuple[pl.DataFrame, pl.DataFrame]:
    with duckdb.connect(str(demo_pipeline.public_db), read_only=True) as con:
        coverage = con.sql("select * from published.masip_coverage").pl()
        rates = con.sql(FORCE_RATES).pl()
    return coverage, rates


def test_rates_are_the_published_comparisons_and_withheld_stays_withheld(demo_pipeline):
    coverage, rates = published(demo_pipeline)
    forces = coverage.filter(pl.col("force_code") != NATIONAL)
    assert forces["force_code"].n_unique() == 43
    joined = forces.join(rates, on=["force_code", "financial_year"], how="inner", suffix="_fc")
    assert joined.height == rates.height > 0  # every published rate has its row here
    for column in (*RATE_COLUMNS, "funnel_class"):
        differ = joined.filter(pl.col(column).ne_missing(pl.col(f"{column}_fc")))
        assert differ.is_empty(), (column, differ.head(3))
    withheld = joined.filter(pl.col("masip_referral_rate_marker_fc") == "[c]")
    assert withheld.height > 0, "the demo should withhold some referral rates"
    assert withheld["masip_referral_rate"].null_count() == withheld.height
    assert withheld["ci95_low"].null_count() == withheld.height
    # The exact rate exists in marts for those rows: only the published copy withholds it.
    with duckdb.connect(str(demo_pipeline.restricted_db), read_only=True) as con:
        exact = con.sql(
            "select force_code, financial_year, masip_referral_rate from marts.masip_coverage"
        ).pl()
    kept = withheld.select("force_code", "financial_year").join(
        exact, on=["force_code", "financial_year"]
    )
    assert kept["masip_referral_rate"].null_count() == 0
    national = coverage.filter(pl.col("force_code") == NATIONAL).join(
        rates.group_by("financial_year").agg(
            pl.col("national_value").first(), pl.col("national_value_marker").first()
        ),
        on="financial_year",
    )
    assert national.height > 0
    assert (
        national["masip_referral_rate"].eq_missing(national["national_value"]).all()
        and national["national_referral_rate_marker"]
        .eq_missing(national["national_value_marker"])
        .all()
    )


def test_national_rows_count_the_force_rows(demo_pipeline):
    coverage, _ = published(demo_pipeline)
    forces = coverage.filter(pl.col("force_code") != NATIONAL)
    by_year = forces.group_by("financial_year").agg(
        (pl.col("programme_status") == "in_place").sum().alias("in_place"),
        (pl.col("programme_status") != "not_reported").sum().alias("returned"),
        pl.col("population").filter(pl.col("programme_in_place")).sum().alias("covered"),
        pl.col("population").sum().alias("residents"),
    )
    national = coverage.filter(pl.col("force_code") == NATIONAL).join(by_year, on="financial_year")
    assert national.height == forces["financial_year"].n_unique()
    assert (national["forces_with_programme"] == national["in_place"]).all()
    assert (national["forces_returned"] == national["returned"]).all()
    assert (national["population_covered"] == national["covered"]).all()
    share = national["covered"] / national["residents"]
    assert ((national["population_share_covered"] - share).abs() < 1e-9).all()
    assert (national["forces_with_programme"] > 0).all()
    # Only a programme in place has a start, places and a lead agency.
    without = forces.filter(pl.col("programme_status") != "in_place")
    assert (
        without.select("programme_since", "funded_places", "lead_agency_code").null_count().row(0)
        == (without.height,) * 3
    )
    started = forces.filter(pl.col("programme_status") == "in_place")
    assert started.height > 0
    assert started.select("programme_since", "funded_places", "lead_agency_name").null_count().row(
        0
    ) == (0, 0, 0)
    year_ends = pl.date(pl.col("financial_year").str.slice(0, 4).cast(pl.Int32) + 1, 4, 1)
    assert started.select(pl.col("programme_since") < year_ends).to_series().all()


def test_the_page_shows_the_published_table(demo_pipeline, public_ready):
    coverage, _ = published(demo_pipeline)
    year = coverage.filter(pl.col("period_status") == "complete")["financial_year"].max()
    shown = coverage.filter(
        (pl.col("financial_year") == year) & (pl.col("force_code") != NATIONAL)
    ).sort("area_label")
    at = open_page("masips", {"period": year})
    assert "MASIPs" in texts(at.title)
    assert any("withheld [c]" in i for i in texts(at.info))
    table = pl.from_pandas(next(f for f in frames(at) if "referral_rate_pct" in f.columns))
    assert table["force_name"].to_list() == shown["area_label"].to_list()
    expected = [
        ("[c]" if marker == "[c]" else "[x]")
        if value is None
        else f"{value * 100:.1f}%" + (" [u]" if marker == "[u]" else "")
        for value, marker in zip(
            shown["masip_referral_rate"], shown["masip_referral_rate_marker"], strict=True
        )
    ]
    assert table["referral_rate_pct"].to_list() == expected
    national = coverage.filter(
        (pl.col("financial_year") == year) & (pl.col("force_code") == NATIONAL)
    ).row(0, named=True)
    metric = next(m for m in at.metric if m.label == "Forces with a programme")
    assert metric.value == f"{national['forces_with_programme']} of 43"
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert "by programme status" in spec
    assert len(at.get("download_button")) >= 2
