"""Service funding and capacity (issue 18 item 5) on the demo pipeline's public file: the
demand in service_demand_capacity_yearly is the published advocacy table's, summed and carried
by the suppressed-sum rule of publish/shorthand.py (a figure built from a withheld one is
withheld), its capacity is the published funding returns', and its clearing cost follows the
stated parameters of seed ref_cost_parameters."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from ingest.settings import SEEDS_DIR
from publish.disclosure.relations import financial_year_of_month
from publish.shorthand import SUPPRESSED, sum_with_markers

pytestmark = pytest.mark.xdist_group("demo_pipeline")
KEYS = ["service_name", "force_code", "financial_year"]


@pytest.fixture(scope="module")
def published(demo_pipeline) -> dict[str, pl.DataFrame]:
    with duckdb.connect(str(demo_pipeline.public_db), read_only=True) as con:
        return {
            name: con.sql(f"select * from published.{name}").pl()
            for name in (
                "fct_advocacy_monthly",
                "service_funding_yearly",
                "service_demand_capacity_yearly",
            )
        }


def test_demand_is_the_published_months_by_the_shorthand_rule(published):
    months = published["fct_advocacy_monthly"].with_columns(
        financial_year_of_month(pl.col("month")).alias("financial_year")
    )
    table = published["service_demand_capacity_yearly"].filter(pl.col("months_of_data") > 0)
    expected = sum_with_markers(months, ["referrals_received"], KEYS)
    joined = table.join(expected, on=KEYS, how="full", suffix="_rule", coalesce=True)
    assert joined.height == table.height == expected.height
    assert joined["referrals_received"].to_list() == joined["referrals_received_rule"].to_list()
    assert (
        joined["referrals_received_marker"].to_list()
        == joined["referrals_received_marker_rule"].to_list()
    )
    # The waiting list and caseload are the year's last published month's, marker and all.
    last = months.sort("month").group_by(KEYS).agg(pl.all().last())
    ends = table.join(last, on=KEYS, suffix="_month")
    assert (ends["year_end_month"] == ends["month"]).all()
    for column in ("waiting_list_end", "open_cases_end"):
        assert ends[column].to_list() == ends[f"{column}_month"].to_list()
        withheld = ends.filter(pl.col(f"{column}_marker_month") == SUPPRESSED)
        assert (withheld[f"{column}_marker"] == SUPPRESSED).all()


def test_clearing_cost_follows_the_stated_parameters_and_stays_withheld(published):
    seed = pl.read_csv(SEEDS_DIR / "ref_cost_parameters.csv")
    value = dict(seed.select("parameter_id", "value").iter_rows())
    assert value["national_ask"] == 243_810_000
    assert all(seed["source"].str.len_chars() > 0)
    table = published["service_demand_capacity_yearly"]
    shown = table.filter(pl.col("waiting_list_end").is_not_null())
    expected = (
        shown["waiting_list_end"]
        / value["cases_cleared_per_fte_year"]
        * value["advocate_cost_per_fte"]
    )
    assert shown["clearing_cost_gbp"].to_list() == pytest.approx(expected.round(0).to_list())
    assert (shown["national_ask_gbp"] == value["national_ask"]).all()
    withheld = table.filter(pl.col("waiting_list_end_marker") == SUPPRESSED)
    assert withheld["clearing_cost_gbp"].null_count() == withheld.height
    assert (withheld["clearing_cost_gbp_marker"] == SUPPRESSED).all()
    # England and Wales: built from the all-services total, shown for every year.
    national = table.filter(pl.col("force_code") == "K04000001")
    assert national.height > 0 and national["clearing_cost_gbp"].null_count() == 0


def test_capacity_is_the_published_funding_returns(published):
    funding = published["service_funding_yearly"]
    areas = funding.group_by(KEYS).agg(
        pl.col("advocate_fte").sum(), pl.col("caseload_capacity").sum()
    )
    table = published["service_demand_capacity_yearly"]
    joined = table.join(areas, on=KEYS, suffix="_returns")
    assert joined.height == areas.height > 0
    assert (joined["caseload_capacity"] == joined["caseload_capacity_returns"]).all()
    assert (joined["advocate_fte"] == joined["advocate_fte_returns"]).all()
    national = table.filter(pl.col("force_code") == "K04000001").sort("financial_year")
    by_year = funding.group_by("financial_year").agg(pl.col("caseload_capacity").sum())
    assert (
        national["caseload_capacity"].to_list()
        == by_year.sort("financial_year")["caseload_capacity"].to_list()
    )
