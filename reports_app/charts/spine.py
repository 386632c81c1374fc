"""Spine charts, as in Fingertips' area profiles: one row per metric, each on its own scale.

For each metric the national value sits on the centre line; the grey bar runs from the lowest
to the highest force, the darker bar over the middle half (25th to 75th percentile); the scale
is chosen so that whichever of the lowest and highest force is further from the national value
reaches the edge. A force's value is a dot there, with its 95% interval as a line.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from reports_app.charts import _class_scale, titled
from reports_app.components import OKABE_ITO, SERIES

ROW_HEIGHT = 30


def spine_rows(figures: pl.DataFrame, metric_table: pl.DataFrame) -> pl.DataFrame:
    """Per metric (in ``metric_table`` order), from a :mod:`reports_app.figures` frame of one
    period: the national value, the lowest, 25th, 75th percentile and highest force (display
    scale), and the half-width that maps a value to the chart's -1..1 position."""
    summary = figures.group_by("metric_id", "metric_label", "unit").agg(
        pl.col("national").drop_nulls().first().alias("national"),
        pl.col("shown").min().alias("lowest"),
        pl.col("shown").quantile(0.25, "linear").alias("q25"),
        pl.col("shown").quantile(0.75, "linear").alias("q75"),
        pl.col("shown").max().alias("highest"),
    )
    order = metric_table.select("metric_id").with_row_index("order")
    return (
        summary.join(order, on="metric_id")
        .sort("order")
        .with_columns(
            pl.max_horizontal(
                (pl.col("highest") - pl.col("national")).abs(),
                (pl.col("national") - pl.col("lowest")).abs(),
            ).alias("half_width")
        )
        .with_columns(pl.when(pl.col("half_width") > 0).then(pl.col("half_width")).otherwise(1.0))
    )


def _position(column: str) -> pl.Expr:
    """-1..1 across the spine, 0 at the national value."""
    return ((pl.col(column) - pl.col("national")) / pl.col("half_width")).clip(-1.0, 1.0)


def spine_chart(
    rows: pl.DataFrame,
    points: pl.DataFrame,
    *,
    title: str,
    subtitle: str,
    colour_by: str = "force",
    direction: str = "none",
) -> alt.LayerChart:
    """``rows`` from :func:`spine_rows`; ``points``: metric_id, force_name, shown, low, high
    (display scale), class_label. ``colour_by='force'`` colours each force (compare page);
    ``'class'`` fills by funnel class (a single force's profile)."""
    bars = rows.with_columns(
        _position("lowest").alias("p_low"),
        _position("highest").alias("p_high"),
        _position("q25").alias("p_q25"),
        _position("q75").alias("p_q75"),
    )
    dots = points.join(
        rows.select("metric_id", "metric_label", "national", "half_width"), on="metric_id"
    ).with_columns(
        _position("shown").alias("p_value"),
        _position("low").alias("p_ci_low"),
        _position("high").alias("p_ci_high"),
    )
    labels = rows.get_column("metric_label").to_list()
    y = alt.Y(
        "metric_label:N",
        title=None,
        sort=labels,
        axis=alt.Axis(labelLimit=180, labelFontSize=11, labelOverlap=False),
    )
    x_scale = alt.Scale(domain=[-1.05, 1.05], nice=False)
    x_axis = alt.Axis(values=[-1, 0, 1], labelExpr="datum.value == 0 ? 'National' : ''", grid=False)
    base = alt.Chart(bars).encode(y=y)
    range_bar = base.mark_bar(color="#D0D0D0", height=ROW_HEIGHT * 0.6).encode(
        x=alt.X("p_low:Q", title=None, scale=x_scale, axis=x_axis),
        x2="p_high:Q",
        tooltip=[
            alt.Tooltip("metric_label:N", title="Metric"),
            alt.Tooltip("national:Q", title="England and Wales", format=",.2f"),
            alt.Tooltip("lowest:Q", title="Lowest force", format=",.2f"),
            alt.Tooltip("highest:Q", title="Highest force", format=",.2f"),
            alt.Tooltip("unit:N", title="Unit"),
        ],
    )
    middle = base.mark_bar(color="#8C8C8C", height=ROW_HEIGHT * 0.6).encode(
        x="p_q25:Q", x2="p_q75:Q"
    )
    centre = (
        alt.Chart(pl.DataFrame({"p": [0.0]}))
        .mark_rule(color=OKABE_ITO["black"], strokeWidth=2)
        .encode(x=alt.X("p:Q", scale=x_scale))
    )
    point_base = alt.Chart(dots).encode(y=y)
    tooltip = [
        alt.Tooltip("force_name:N", title="Force"),
        alt.Tooltip("metric_label:N", title="Metric"),
        alt.Tooltip("shown:Q", title="Value", format=",.2f"),
        alt.Tooltip("low:Q", title="95% low", format=",.2f"),
        alt.Tooltip("high:Q", title="95% high", format=",.2f"),
        alt.Tooltip("class_label:N", title="Compared with national"),
    ]
    if colour_by == "force":
        forces = dots.get_column("force_name").unique(maintain_order=True).to_list()
        colour = alt.Color(
            "force_name:N",
            title="Force",
            scale=alt.Scale(domain=forces, range=(SERIES + [OKABE_ITO["black"]])[: len(forces)]),
            legend=alt.Legend(orient="bottom", columns=2, labelLimit=300),
        )
        whisker = point_base.mark_rule(strokeWidth=2, opacity=0.7).encode(
            x="p_ci_low:Q", x2="p_ci_high:Q", color=colour
        )
        marks = point_base.mark_point(filled=True, size=90, opacity=0.95).encode(
            x="p_value:Q",
            color=colour,
            shape=alt.Shape("force_name:N", legend=None),
            tooltip=tooltip,
        )
    else:
        whisker = point_base.mark_rule(strokeWidth=2, color=OKABE_ITO["black"]).encode(
            x="p_ci_low:Q", x2="p_ci_high:Q"
        )
        marks = point_base.mark_point(
            filled=True, size=140, stroke=OKABE_ITO["black"], strokeWidth=1
        ).encode(
            x="p_value:Q",
            fill=alt.Fill(
                "class_label:N",
                title="Compared with national",
                scale=_class_scale(direction),
                legend=alt.Legend(orient="bottom", columns=1, labelLimit=300),
            ),
            tooltip=tooltip,
        )
    return alt.layer(
        range_bar,
        middle,
        centre,
        whisker,
        marks,
        title=titled(title, subtitle),
        height=ROW_HEIGHT * max(rows.height, 1),
    )
