"""The "Action plans" page under Streamlit's AppTest, on the demo pipeline's serving snapshot:
the force × recommendation matrix is the published statuses cell for cell, its filters keep
only the forces they say, a force's history is its published rows by quarter, the count of
forces without a plan by the requested date is the published one, and the downloads are the
published rows (every page's render, marks and tidy files: tests/test_app.py)."""

from __future__ import annotations

import csv
import io

import duckdb
import polars as pl
import pytest
from test_app import app_env, frames, kept_media, open_page, public_ready, saved_files, texts

from reports_app.accountability import STATUS_LABELS

__all__ = ["app_env", "kept_media", "public_ready"]  # fixtures used by name below

pytestmark = pytest.mark.xdist_group("demo_pipeline")
KENT = "E23000032"


def published(demo_pipeline, sql: str) -> pl.DataFrame:
    with duckdb.connect(str(demo_pipeline.public_db), read_only=True) as con:
        return con.sql(sql).pl()


def latest_statuses(demo_pipeline) -> pl.DataFrame:
    return published(
        demo_pipeline,
        "select f.force_name, s.* from published.action_plan_status_quarterly s "
        "join published.dim_force f using (force_code) "
        "where s.financial_year || ' ' || s.fy_quarter = ("
        "  select max(financial_year || ' ' || fy_quarter) "
        "  from published.action_plan_status_quarterly)",
    )


def the_matrix(at) -> pl.DataFrame:
    frame = next(f for f in frames(at) if "force_name" in f.columns and "SYN-R01" in f.columns)
    return pl.from_pandas(frame)


def test_the_matrix_is_the_published_statuses(demo_pipeline, public_ready):
    at = open_page("action_plans")
    assert "Action plans" in texts(at.title)
    assert any("SYNTHETIC placeholder list" in w for w in texts(at.warning))
    matrix = the_matrix(at)
    expected = latest_statuses(demo_pipeline)
    assert matrix.height == expected["force_code"].n_unique() == 43
    shown = matrix.unpivot(index="force_name", variable_name="recommendation_id").sort(
        "force_name", "recommendation_id"
    )
    truth = expected.select(
        "force_name",
        "recommendation_id",
        pl.col("status").replace_strict(STATUS_LABELS).alias("value"),
    ).sort("force_name", "recommendation_id")
    assert shown.equals(truth)
    # The demo has every status somewhere, so the matrix is not one colour.
    assert set(truth["value"]) >= {"Implemented", "In progress", "Not reported"}


def test_the_filters_keep_only_the_forces_they_say(demo_pipeline, public_ready):
    expected = latest_statuses(demo_pipeline)
    at = open_page("action_plans")
    at.multiselect(key="choice_statuses").set_value(["not_reported"]).run()
    assert not at.exception
    with_gap = expected.filter(pl.col("status") == "not_reported")["force_name"].unique()
    assert 0 < with_gap.len() < 43
    assert sorted(the_matrix(at)["force_name"]) == sorted(with_gap)

    at.multiselect(key="choice_statuses").set_value([]).run()
    at.checkbox(key="only_overdue").check().run()
    overdue = expected.filter(pl.col("is_overdue"))["force_name"].unique()
    assert sorted(the_matrix(at)["force_name"]) == sorted(overdue)
    assert at.query_params["statuses"] == ""

    at.checkbox(key="only_overdue").uncheck().run()
    at.multiselect(key="choice_recommendations").set_value(["SYN-R01", "SYN-R02"]).run()
    assert the_matrix(at).columns == ["force_name", "SYN-R01", "SYN-R02"]


def test_a_forces_history_and_the_plans_published(demo_pipeline, public_ready, kept_media):
    at = open_page("action_plans", {"force": KENT})
    history = published(
        demo_pipeline,
        "select recommendation_id, financial_year || ' ' || fy_quarter as quarter, status "
        f"from published.action_plan_status_quarterly where force_code = '{KENT}'",
    )
    table = next(
        pl.from_pandas(f) for f in frames(at) if list(f.columns[:1]) == ["recommendation_id"]
    )
    quarters = sorted(history["quarter"].unique())
    assert table.columns == ["recommendation_id", *quarters]
    cell = history.row(0, named=True)
    shown = table.filter(pl.col("recommendation_id") == cell["recommendation_id"])
    assert shown[cell["quarter"]].item() == STATUS_LABELS[cell["status"]]

    publication = published(demo_pipeline, "select * from published.action_plan_publication")
    without = publication.filter(~pl.col("published_by_requested_date")).height
    assert 0 < without < 43
    metric = next(m for m in at.metric if "without a published plan" in m.label)
    assert metric.label.endswith("30 November 2024")
    assert metric.value == f"{without} of 43"

    files = {f["name"]: f["data"].decode("utf-8") for f in saved_files(at, kept_media)}
    rows = list(csv.DictReader(io.StringIO(files["published_action_plan_publication.csv"])))
    assert len(rows) == 43
    overdue = list(csv.DictReader(io.StringIO(files["published_action_plan_overdue.csv"])))
    assert (
        len(overdue)
        == published(demo_pipeline, "select count(*) as n from published.action_plan_overdue")[
            "n"
        ].item()
    )
    assert "forces_by_action_plan_status" in " ".join(files)
