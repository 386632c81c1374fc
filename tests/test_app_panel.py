"""The overview's accountability panel (issue 18 item 6) under Streamlit's AppTest, on the demo
pipeline's public snapshot: for a chosen force, its action-plan status and its published
force_comparisons figures (training coverage, SPO applications, screening, charging) beside
England and Wales and its peers with the funnel class; a withheld figure shows as [c], never a
number; a force without a training return has no coverage figure."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest
from test_app import app_env, frames, open_page, public_ready, texts

from reports_app.components import funnel_labels
from reports_app.panel import PANEL_METRICS

__all__ = ["app_env", "public_ready"]  # fixtures used by name below

pytestmark = pytest.mark.xdist_group("demo_pipeline")
KENT = "E23000032"


def published(demo_pipeline, sql: str, *params) -> pl.DataFrame:
    with duckdb.connect(str(demo_pipeline.public_db), read_only=True) as con:
        return con.sql(sql, params=list(params) or None).pl()


def shown(value, kind: str, marker) -> str:
    """A figure as the page must show it, written out here rather than borrowed."""
    if value is None:
        return marker or "[x]"  # withheld, or not available
    text = f"{value * 100:.1f}%" if kind == "proportion" else f"{value:,.2f}"
    return f"{text} {marker}" if marker else text


def the_panel(at) -> pl.DataFrame:
    frame = next(f for f in frames(at) if "Measure" in f.columns and "Funnel class" in f.columns)
    return pl.from_pandas(frame)


def latest_year(demo_pipeline) -> str:
    return published(
        demo_pipeline,
        "select max(period) as p from published.force_comparisons "
        "where metric_id = 'training_coverage'",
    )["p"].item()


def test_the_panel_is_the_forces_published_figures(demo_pipeline, public_ready):
    year = latest_year(demo_pipeline)
    at = open_page("overview", {"force": KENT, "period": year})
    assert "Accountability panel" in texts(at.subheader)
    panel = the_panel(at)
    metrics = published(demo_pipeline, "select * from reference.ref_metrics")
    figures = published(
        demo_pipeline,
        "select * from published.force_comparisons where force_code = ? and period = ?",
        KENT,
        year,
    )
    assert panel.height == 2 + len(PANEL_METRICS)  # the action plan, the MASIP, the metrics
    assert panel["Measure"][0].startswith("Action plan")
    for metric_id in PANEL_METRICS:
        m = metrics.filter(pl.col("metric_id") == metric_id).row(0, named=True)
        f = figures.filter(pl.col("metric_id") == metric_id).row(0, named=True)
        row = panel.filter(pl.col("Measure") == m["metric_label"]).row(0, named=True)
        assert row["Force"] == shown(f["value"], m["kind"], f["value_marker"]), metric_id
        assert row["England and Wales"] == shown(
            f["national_value"], m["kind"], f["national_value_marker"]
        )
        assert row["Peers"] == shown(f["peer_value"], m["kind"], f["peer_value_marker"])
        assert row["Funnel class"] == funnel_labels(m["direction"])[f["funnel_class"]]
        assert row["Period"] == year
    # The action plan: Kent's items at the year's last quarter with returns.
    statuses = published(
        demo_pipeline,
        "select * from published.action_plan_status_quarterly where force_code = ? "
        "and financial_year = ? order by fy_quarter desc",
        KENT,
        year,
    )
    last = statuses.filter(pl.col("fy_quarter") == statuses["fy_quarter"].max())
    implemented = int((last["status"] == "implemented").sum())
    overdue = int(last["is_overdue"].sum())
    assert panel["Force"][0].startswith(f"{implemented} implemented, ")
    assert f", {overdue} overdue of {last.height} " in panel["Force"][0]
    # The MASIP: Kent's own return for the year, and the national count of programmes.
    masip = published(
        demo_pipeline,
        "select * from published.masip_coverage where financial_year = ? "
        "and force_code in (?, 'K04000001') order by force_code",
        year,
        KENT,
    )
    own = masip.filter(pl.col("force_code") == KENT).row(0, named=True)
    national = masip.filter(pl.col("force_code") == "K04000001").row(0, named=True)
    row = panel.filter(pl.col("Measure").str.starts_with("MASIP")).row(0, named=True)
    if own["programme_status"] == "not_reported":
        assert row["Force"] == "no return"
    elif own["programme_in_place"]:
        assert row["Force"].startswith(f"in place since {own['programme_since']}, ")
        assert f"{own['funded_places']:,} funded places" in row["Force"]
    else:
        assert row["Force"] == "no programme"
    assert row["England and Wales"].startswith(
        f"{national['forces_with_programme']} of {national['forces_returned']} forces"
    )


def test_a_withheld_figure_shows_as_c_never_a_number(demo_pipeline, public_ready):
    withheld = published(
        demo_pipeline,
        "select force_code, period, metric_id from published.force_comparisons "
        "where value_marker = '[c]' and metric_id in (select unnest(?)) "
        "and force_code != 'K04000001' order by period desc, force_code limit 1",
        list(PANEL_METRICS),
    )
    if withheld.is_empty():
        pytest.skip("no panel figure is withheld in this snapshot")
    force_code, period, metric_id = withheld.row(0)
    label = published(
        demo_pipeline,
        "select metric_label from reference.ref_metrics where metric_id = ?",
        metric_id,
    )["metric_label"].item()
    at = open_page("overview", {"force": force_code, "period": period})
    row = the_panel(at).filter(pl.col("Measure") == label).row(0, named=True)
    assert row["Force"] == "[c]"


def test_a_force_without_a_training_return_has_no_coverage_figure(demo_pipeline, public_ready):
    year = latest_year(demo_pipeline)
    silent = published(
        demo_pipeline,
        "select force_code from published.dim_force where is_territorial and force_code not in "
        "(select force_code from published.fct_training_yearly where financial_year = ?) "
        "order by 1 limit 1",
        year,
    )
    assert silent.height == 1, "the demo has a force that sends no training return"
    at = open_page("overview", {"force": silent["force_code"].item(), "period": year})
    panel = the_panel(at)
    coverage = panel.filter(pl.col("Measure").str.contains("specialist stalking training"))
    assert coverage["Force"].to_list() == ["no figure (no return)"]


def test_england_and_wales_asks_for_a_force(public_ready):
    at = open_page("overview", {"force": "K04000001"})
    assert any("Choose a force" in t for t in texts(at.info))
    assert not [f for f in frames(at) if "Funnel class" in f.columns]
