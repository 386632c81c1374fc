"""The "Survey and police records" page under AppTest, on the demo pipeline's snapshot: its
table is the published survey_against_records row for row, the ratio is recomputed from the
survey's estimate and the Home Office's counts, and every figure is labelled an indication,
not a rate (render, marks and tidy downloads of every page: tests/test_app.py)."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest
from test_app import app_env, frames, open_page, public_ready, texts

__all__ = ["app_env", "public_ready"]  # fixtures used by name below

pytestmark = pytest.mark.xdist_group("demo_pipeline")


def test_the_page_is_the_published_table(demo_pipeline, public_ready):
    with duckdb.connect(str(demo_pipeline.public_db), read_only=True) as con:
        published = con.sql(
            "select * from published.survey_against_records order by period_end"
        ).pl()
        home_office = con.sql(
            "select financial_year || ' ' || fy_quarter as quarter, sum(offences) as crimes "
            "from published.home_office_recorded_crime h join published.dim_force f "
            "using (force_code) where offence_code = '8Q' and f.is_territorial group by 1"
        ).pl()
    assert published.height > 0 and published["recorded_crimes"].null_count() == 0
    # The recorded count is the Home Office's four quarters; the ratio and its interval follow.
    row = published.row(0, named=True)
    quarters = sorted(home_office["quarter"])
    first, last = quarters.index(row["first_quarter"]), quarters.index(row["last_quarter"])
    window = quarters[first : last + 1]
    assert len(window) == 4
    assert (
        row["recorded_crimes"]
        == home_office.filter(pl.col("quarter").is_in(window))["crimes"].sum()
    )
    victims = row["estimate_pct"] / 100 * row["population_base"]
    assert row["recorded_per_100_victims"] == pytest.approx(100 * row["recorded_crimes"] / victims)
    assert row["ci95_low"] < row["recorded_per_100_victims"] < row["ci95_high"]
    assert "not a rate" in row["label"]

    at = open_page("survey_records")
    assert "Survey and police records" in texts(at.title)
    assert any("not a rate" in i for i in texts(at.info))
    table = pl.from_pandas(next(f for f in frames(at) if "recorded_crimes" in f.columns))
    assert table["period"].to_list() == published["period_end"].to_list()
    assert table["recorded_crimes"].to_list() == [f"{n:,}" for n in published["recorded_crimes"]]
    assert table["recorded_per_100_victims"].to_list() == [
        f"{v:,.1f}" for v in published["recorded_per_100_victims"]
    ]
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert "not a rate" in spec
