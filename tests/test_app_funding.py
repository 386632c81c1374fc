"""The "Funding and capacity" page under AppTest, on the demo pipeline's public snapshot
(issue 18 item 5): its demand-against-capacity table is the published
service_demand_capacity_yearly for the year shown, withheld figures shown as [c]; the
clearing cost is printed beside the national ask with both parameters and their sources
(render, marks and tidy downloads of every page: tests/test_app.py)."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest
from test_app import app_env, complete_years, frames, open_page, public_ready, texts

__all__ = ["app_env", "public_ready"]  # fixtures used by name below

pytestmark = pytest.mark.xdist_group("demo_pipeline")


def test_the_page_is_the_published_table_with_its_assumptions(demo_pipeline, public_ready):
    with duckdb.connect(str(demo_pipeline.public_db), read_only=True) as con:
        published = con.sql("select * from published.service_demand_capacity_yearly").pl()
    year = complete_years(demo_pipeline.root)[-1]  # the page opens on the latest complete year
    shown_year = published.filter(pl.col("financial_year") == year)

    at = open_page("funding_capacity")
    assert "Funding and capacity" in texts(at.title)
    table = pl.from_pandas(next(f for f in frames(at) if "clearing_cost_gbp" in f.columns))
    assert table.height == shown_year.height
    # Counts as text with their markers: a withheld waiting list and its cost show [c].
    expected = shown_year.sort("service_name", "force_code")
    got = table.sort("service_name", "force_code")
    assert got["waiting_list_end"].to_list() == [
        f"{v:,}" if v is not None else m
        for v, m in expected.select("waiting_list_end", "waiting_list_end_marker").iter_rows()
    ]
    withheld = got.filter(pl.col("waiting_list_end") == "[c]")
    assert (withheld["clearing_cost_gbp"] == "[c]").all()

    national = shown_year.filter(pl.col("force_code") == "K04000001").row(0, named=True)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["The national ask"] == "£243.81m"
    cost = national["clearing_cost_gbp"]
    assert metrics["Cost of clearing the waiting lists"] == (
        f"£{cost / 1e6:,.2f}m" if cost >= 1e6 else f"£{cost:,.0f}"
    )
    how = " ".join(texts(at.info))
    assert f"£{national['advocate_cost_per_fte']:,.0f}" in how
    assert national["advocate_cost_source"] in how and national["national_ask_source"] in how
    assert any("Funding by funder" in s for s in texts(at.subheader))
