"""Every metric for chosen forces and periods, on the display scale, with the national,
region and peer values, funnel class and change since the same period a year earlier: the
one frame behind Compare forces, Force profile, Find your area and the table builder."""

from __future__ import annotations

import polars as pl

from publish.shorthand import NOT_AVAILABLE
from reports_app import queries
from reports_app.components import funnel_labels
from reports_app.format import figure_text

SHOWN = ["value", "ci95_low", "ci95_high", "national_value", "region_value", "peer_value"]


def metric_units(metric_table: pl.DataFrame) -> pl.DataFrame:
    """metric_id, metric_label, unit ('%' for proportions), scale, direction, kind."""
    return metric_table.select(
        "metric_id",
        "metric_label",
        "direction",
        pl.col("kind").alias("metric_kind"),
        pl.when(pl.col("kind") == "proportion")
        .then(pl.lit("%"))
        .otherwise(pl.col("unit_label"))
        .alias("unit"),
        pl.when(pl.col("kind") == "proportion").then(100.0).otherwise(1.0).alias("scale"),
    )


def class_label_expr() -> pl.Expr:
    """Funnel class in words, with better/worse only for metrics with an agreed direction."""
    expr = pl.lit(None, dtype=pl.String)
    for direction in ("none", "higher_is_better", "lower_is_better"):
        labels = funnel_labels(direction)
        expr = (
            pl.when(pl.col("direction") == direction)
            .then(pl.col("funnel_class").replace_strict(labels, default=None))
            .otherwise(expr)
        )
    return expr


def metric_figures(periods: list[str]) -> pl.DataFrame:
    """One row per metric, force and period (display scale: per cent for proportions).

    Columns: metric_id, metric_label, unit, direction, force_code, force_name, region_code,
    region_name, period, shown, low, high, national, region, peer, value_marker,
    national_value_marker, numerator, numerator_marker, denominator, denominator_marker,
    funnel_class, class_label, previous (same period a year before), change, value_text.
    """
    periods = list(periods)
    previous = {p: queries.previous_year_period(p) for p in periods}
    rows = queries.comparisons(sorted(set(periods) | set(previous.values())))
    units = metric_units(queries.metric_table())
    scaled = rows.join(units, on="metric_id", how="inner").with_columns(
        (pl.col("value") * pl.col("scale")).alias("shown"),
        (pl.col("ci95_low") * pl.col("scale")).alias("low"),
        (pl.col("ci95_high") * pl.col("scale")).alias("high"),
        (pl.col("national_value") * pl.col("scale")).alias("national"),
        (pl.col("region_value") * pl.col("scale")).alias("region"),
        (pl.col("peer_value") * pl.col("scale")).alias("peer"),
        class_label_expr().alias("class_label"),
    )
    before = scaled.select(
        "metric_id",
        "force_code",
        pl.col("period").alias("previous_period"),
        pl.col("shown").alias("previous"),
    )
    current = (
        scaled.filter(pl.col("period").is_in(periods))
        .with_columns(
            pl.col("period").replace_strict(previous, default=None).alias("previous_period")
        )
        .join(before, on=["metric_id", "force_code", "previous_period"], how="left")
        .with_columns((pl.col("shown") - pl.col("previous")).alias("change"))
    )
    return current.with_columns(
        pl.struct("shown", "unit", "value_marker")
        .map_elements(
            lambda r: figure_text(r["shown"], r["unit"], r["value_marker"]),
            return_dtype=pl.String,
        )
        .alias("value_text")
    ).select(
        "metric_id",
        "metric_label",
        "unit",
        "direction",
        "force_code",
        "force_name",
        "region_code",
        "region_name",
        "period",
        "shown",
        "low",
        "high",
        "national",
        "region",
        "peer",
        "peer_basis",
        "value_marker",
        "national_value_marker",
        "region_value_marker",
        "peer_value_marker",
        "numerator",
        "numerator_marker",
        "denominator",
        "denominator_marker",
        "funnel_class",
        "class_label",
        "previous_period",
        "previous",
        "change",
        "value_text",
    )


def change_text(change: float | None, unit: str) -> str:
    if change is None:
        return NOT_AVAILABLE
    if unit == "%":
        return f"{change:+.1f} pp"
    return f"{change:+,.2f}"
