"""Chart building blocks (reports_app.charts): time axes, spine rows, PNG export."""

from __future__ import annotations

import json

import altair as alt
import polars as pl

from reports_app import charts
from reports_app.charts.spine import spine_chart, spine_rows


def test_time_series_orders_periods_and_leaves_gaps_per_series():
    frame = pl.DataFrame(
        {
            "month": ["2025-06", "2025-04", "2025-06", "2025-04"],
            "status": ["a", "a", "b", "b"],
            "n": [3, 1, None, 2],
        }
    )
    data = charts.time_series(frame, "month", "status")
    assert data.height == 6  # 3 months x 2 series: May is a gap in both
    assert data["month_start"].is_sorted()
    may = data.filter(pl.col("month") == "2025-05")
    assert may["n"].null_count() == 2


def test_line_chart_puts_periods_on_a_time_axis():
    frame = pl.DataFrame({"period": ["2025/26 Q2", "2025/26 Q1", "2025/26 Q4"], "n": [2, 1, 4]})
    spec = charts.line_chart(
        frame, x="period", y="n", title="t", x_title="Quarter", y_title="n"
    ).to_dict(validate=False)
    assert spec["encoding"]["x"]["type"] == "temporal"
    assert "Q" in spec["encoding"]["x"]["axis"]["labelExpr"]
    values = next(iter(spec["datasets"].values()))
    assert [v["period"] for v in values] == ["2025/26 Q1", "2025/26 Q2", "2025/26 Q3", "2025/26 Q4"]
    assert values[2]["n"] is None  # Q3 has no figure: the line breaks there


def test_count_bars_with_nothing_above_zero_still_have_a_whole_axis():
    frame = pl.DataFrame({"step": ["a", "b"], "count": [0, 0]})
    spec = charts.bar_chart(frame, x="count", y="step", title="t", x_title="n", y_title=None)
    x = spec.to_dict(validate=False)["encoding"]["x"]
    assert x["scale"]["domain"] == [0, 1]
    assert x["axis"]["tickMinStep"] == 1


def figures() -> pl.DataFrame:
    rows = []
    for metric, national in (("m1", 50.0), ("m2", 2.0)):
        for i, value in enumerate([10.0, 40.0, 60.0, 90.0] if metric == "m1" else [1, 2, 3, 6]):
            rows.append(
                {
                    "metric_id": metric,
                    "metric_label": metric.upper(),
                    "unit": "%",
                    "force_name": f"F{i}",
                    "shown": float(value),
                    "low": float(value) - 1,
                    "high": float(value) + 1,
                    "national": national,
                    "class_label": "Within the 95% limits",
                }
            )
    return pl.DataFrame(rows)


def test_spine_rows_centre_on_national_and_scale_to_the_furthest_force():
    metric_table = pl.DataFrame({"metric_id": ["m2", "m1"]})
    rows = spine_rows(figures(), metric_table)
    assert rows["metric_id"].to_list() == ["m2", "m1"]  # the reference order
    m1 = rows.filter(pl.col("metric_id") == "m1").row(0, named=True)
    assert (m1["lowest"], m1["highest"], m1["half_width"]) == (10.0, 90.0, 40.0)
    m2 = rows.filter(pl.col("metric_id") == "m2").row(0, named=True)
    assert m2["half_width"] == 4.0  # 6 is further from 2 than 1 is


def test_spine_chart_exports_as_png():
    frame = figures()
    rows = spine_rows(frame, pl.DataFrame({"metric_id": ["m1", "m2"]}))
    chart = spine_chart(
        rows,
        frame.filter(pl.col("force_name") == "F1").select(
            "metric_id", "force_name", "shown", "low", "high", "class_label"
        ),
        title="t",
        subtitle="s",
        colour_by="class",
    )
    spec = json.loads(chart.to_json())
    assert isinstance(chart, alt.LayerChart) and len(spec["layer"]) == 5
    image = charts.png(chart)
    assert image[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_image_exported_from_the_restricted_view_carries_its_mark(monkeypatch):
    frame = pl.DataFrame({"step": ["a", "b"], "count": [3, 5]})
    chart = charts.bar_chart(frame, x="count", y="step", title="t", x_title="n", y_title=None)
    monkeypatch.setenv("STALKING_APP_VIEW", "public")
    public = charts.image_spec(chart)
    assert charts.RESTRICTED_IMAGE_MARK not in json.dumps(public)
    public_png = charts.png(chart)
    monkeypatch.setenv("STALKING_APP_VIEW", "restricted")
    restricted = charts.image_spec(chart)
    marks = [
        row["mark"] for rows in restricted["datasets"].values() for row in rows if "mark" in row
    ]
    assert marks == [charts.RESTRICTED_IMAGE_MARK]
    assert restricted["vconcat"][0]["mark"]["type"] == "text"  # drawn above the chart
    restricted_png = charts.png(chart)
    # PNG height (bytes 20-24 of the IHDR chunk): the mark adds a band above the chart.
    height = int.from_bytes(restricted_png[20:24], "big")
    assert height > int.from_bytes(public_png[20:24], "big")


def test_every_chart_in_the_restricted_view_is_marked_in_its_title(monkeypatch):
    frame = pl.DataFrame({"step": ["a"], "count": [3]})
    chart = charts.bar_chart(frame, x="count", y="step", title="Steps", x_title="n", y_title=None)
    spec = chart.to_dict(validate=False)
    monkeypatch.setenv("STALKING_APP_VIEW", "public")
    assert charts.marked(spec) == spec
    monkeypatch.setenv("STALKING_APP_VIEW", "restricted")
    assert charts.marked(spec)["title"]["text"] == [charts.RESTRICTED_IMAGE_MARK, "Steps"]
    titled = {"title": {"text": "T", "subtitle": "S", "anchor": "start"}}
    assert charts.marked(titled)["title"] == {
        "text": [charts.RESTRICTED_IMAGE_MARK, "T"],
        "subtitle": "S",
        "anchor": "start",
    }
    assert charts.marked({})["title"]["text"] == [charts.RESTRICTED_IMAGE_MARK]
