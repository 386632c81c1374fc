"""Altair charts shared by the pages; each has a title and axis titles, and colour-blind-safe
colours. Every caller pairs a chart with a text alternative (``components.text_alternative``).
"""

from __future__ import annotations

import csv
import json
import os
from functools import cache
from pathlib import Path

import altair as alt
import polars as pl
import streamlit as st

from reports_app.components import (
    FUNNEL_CLASSES,
    FUNNEL_COLOURS,
    OKABE_ITO,
    SERIES,
    funnel_labels,
)
from reports_app.data import data_dir, is_public
from reports_app.format import all_periods, period_kind, stacked, with_period_dates

HEX_LAYOUT = Path(__file__).resolve().parent.parent / "hex_layout.csv"
BOUNDARY_ENV = "STALKING_PFA_GEOJSON"


def show(chart: alt.TopLevelMixin, *, stretch: bool = True) -> None:
    """Stretch to the page width; the height given is the plotting area's, so legends and
    titles never squeeze the data (Streamlit's default 'fit' would). Maps keep their own size
    (``stretch=False``) so that hexagons stay hexagons."""
    # The specs are built by Altair from known-good code: skipping its JSON-schema validation
    # saves about 50 ms a chart on every interaction.
    if stretch:
        chart = chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
        st.vega_lite_chart(spec=marked(chart.to_dict(validate=False)), width="stretch")
    else:
        chart = chart.properties(autosize=alt.AutoSizeParams(type="pad", contains="padding"))
        st.vega_lite_chart(spec=marked(chart.to_dict(validate=False)), width="content")


def show_side_by_side(*shown: alt.TopLevelMixin) -> None:
    """Charts in equal columns across the page, each stretched to its column."""
    for column, chart in zip(st.columns(len(shown)), shown, strict=True):
        with column:
            show(chart)


def marked(spec: dict) -> dict:
    """In the restricted view, the mark as the first line of the chart's title, so an image
    saved from the chart's own menu (Save as PNG or SVG) carries it too."""
    if is_public():
        return spec
    title = spec.get("title")
    if title is None:
        title = {"text": "", "anchor": "start"}
    elif not isinstance(title, dict):
        title = {"text": title, "anchor": "start"}
    lines = title.get("text", "")
    lines = [lines] if isinstance(lines, str) else list(lines)
    return {**spec, "title": {**title, "text": [RESTRICTED_IMAGE_MARK, *[t for t in lines if t]]}}


# Drawn across the top of every image exported from the restricted view: a file copied out of
# the building still says what it is.
RESTRICTED_IMAGE_MARK = "RESTRICTED: exact counts, not disclosure controlled. Not for release."


def image_spec(chart: alt.TopLevelMixin, *, width: int = 720) -> dict:
    """The Vega-Lite spec an exported image is drawn from: in the restricted view, the chart
    under a red mark (:data:`RESTRICTED_IMAGE_MARK`)."""
    chart = chart.properties(width=width)
    if is_public():
        return chart.to_dict(validate=False)
    mark = (
        alt.Chart(pl.DataFrame({"mark": [RESTRICTED_IMAGE_MARK]}))
        .mark_text(align="left", baseline="middle", fontSize=15, fontWeight="bold", color="#B00020")
        .encode(text="mark:N", x=alt.value(0), y=alt.value(12))
        .properties(width=width, height=24)
    )
    return alt.vconcat(mark, chart).to_dict(validate=False)


def png(chart: alt.TopLevelMixin, *, width: int = 720) -> bytes:
    """The chart as a PNG image for download, drawn on the server by vl-convert (the same
    Vega-Lite the browser draws, with no network), marked when the view is restricted."""
    import vl_convert

    return vl_convert.vegalite_to_png(json.dumps(image_spec(chart, width=width)), scale=2)


def titled(text: str, subtitle: str | None = None) -> alt.Title:
    """A chart title, left-aligned, with an optional subtitle (wrapped by the caller)."""
    if subtitle:
        return alt.Title(text, subtitle=subtitle, anchor="start")
    return alt.Title(text, anchor="start")


# Vega expressions labelling a period's start date on a time axis: a financial quarter as
# '2025/26 Q1', a financial year as '2025/26', a month as 'Apr 2025'.
_FY = "(month(datum.value) >= 3 ? year(datum.value) : year(datum.value) - 1)"
_FY_LABEL = f"{_FY} + '/' + slice('' + ({_FY} + 101), -2)"
_PERIOD_LABELS = {
    "quarter": f"{_FY_LABEL} + ' Q' + (floor(((month(datum.value) + 9) % 12) / 3) + 1)",
    "financial_year": _FY_LABEL,
    "month": "timeFormat(datum.value, '%b %Y')",
}
_PERIOD_STEP = {"month": "month", "quarter": "month", "financial_year": "year"}


def time_axis(frame: pl.DataFrame, column: str, title: str) -> alt.X:
    """A time x axis for a period column (see :func:`time_series`): in order, one label per
    period (fewer when they would overlap), each labelled as the period, not a date."""
    kind = period_kind(frame.get_column(column).drop_nulls()[0]) if frame.height else "month"
    count = frame.get_column(column).n_unique()
    return alt.X(
        f"{column}_start:T",
        title=title,
        axis=alt.Axis(
            labelExpr=_PERIOD_LABELS[kind],
            tickCount={"interval": _PERIOD_STEP[kind], "step": 3 if kind == "quarter" else 1}
            if count <= 12 or kind != "month"
            else {"interval": "month", "step": 3},
            labelAngle=-40,
            labelOverlap=True,
            grid=False,
        ),
    )


def time_series(frame: pl.DataFrame, x: str, series: str | None = None) -> pl.DataFrame:
    """``frame`` with ``<x>_start`` (the period's first day) and a row, null-valued, for every
    period missing from each series: the line breaks there instead of joining across it."""
    if frame.is_empty():
        return frame.with_columns(pl.lit(None, dtype=pl.Date).alias(f"{x}_start"))
    periods = all_periods(frame.get_column(x).drop_nulls().cast(pl.String).to_list())
    grid = pl.DataFrame({x: periods})
    if series:
        grid = grid.join(frame.select(series).unique(maintain_order=True), how="cross")
    keys = [x, series] if series else [x]
    full = grid.join(frame, on=keys, how="left")
    return with_period_dates(full, x, complete=False)


def line_chart(
    frame: pl.DataFrame,
    *,
    x: str,
    y: str,
    title: str | alt.Title,
    x_title: str,
    y_title: str,
    colour: str | None = None,
    colour_title: str | None = None,
    y_format: str = ",.0f",
    height: int = 260,
    zero: bool = True,
) -> alt.Chart:
    """Lines over time: ``x`` is a period column (months, quarters or financial years), put on
    a time axis so periods are in order; a withheld (null) or missing period is a gap."""
    data = time_series(frame, x, colour)
    encoding = {
        "x": time_axis(data, x, x_title),
        "y": alt.Y(
            f"{y}:Q", title=y_title, scale=alt.Scale(zero=zero), axis=alt.Axis(format=y_format)
        ),
        "tooltip": [
            alt.Tooltip(f"{x}:N", title=x_title),
            alt.Tooltip(f"{y}:Q", title=y_title, format=y_format),
        ],
    }
    if colour:
        domain = frame.get_column(colour).unique(maintain_order=True).to_list()
        encoding["color"] = alt.Color(
            f"{colour}:N",
            title=colour_title or colour,
            scale=alt.Scale(domain=domain, range=SERIES[: len(domain)]),
            legend=alt.Legend(orient="bottom", columns=2, labelLimit=340),
        )
        encoding["strokeDash"] = alt.StrokeDash(f"{colour}:N", legend=None)
        encoding["tooltip"].append(alt.Tooltip(f"{colour}:N", title=colour_title or colour))
    return (
        alt.Chart(data, title=title, height=height)
        .mark_line(point=True, color=OKABE_ITO["blue"])
        .encode(**encoding)
    )


def bar_chart(
    frame: pl.DataFrame,
    *,
    x: str,
    y: str,
    title: str,
    x_title: str,
    y_title: str | None,
    colour: str | None = None,
    colour_title: str | None = None,
    x_format: str = ",.0f",
    height: int | None = None,
    stack: str | None = "zero",
) -> alt.Chart:
    """Horizontal bars: x is the quantity, y the category (sorted as given). Counts get whole
    ticks only (a force with small numbers must not repeat '1, 1, 2, 2'), and an axis with
    nothing above zero still runs to a whole unit rather than a lone '0.0'."""
    whole = x_format.endswith(",.0f") or x_format in (",d", "d")
    top = frame.get_column(x).max() if frame.height else None
    scale = alt.Scale() if top else alt.Scale(domain=[0, 1 if whole else 100])
    encoding = {
        "x": alt.X(
            f"{x}:Q",
            title=x_title,
            stack=stack,
            scale=scale,
            axis=alt.Axis(format=x_format, tickMinStep=1 if whole else alt.Undefined),
        ),
        "y": alt.Y(f"{y}:N", title=y_title, sort=None, axis=alt.Axis(labelLimit=200)),
        "tooltip": [
            alt.Tooltip(f"{y}:N", title=y_title or y),
            alt.Tooltip(f"{x}:Q", title=x_title, format=x_format),
        ],
    }
    mark = {"color": OKABE_ITO["blue"]}
    if colour:
        domain = frame.get_column(colour).unique(maintain_order=True).to_list()
        encoding["color"] = alt.Color(
            f"{colour}:N",
            title=colour_title or colour,
            scale=alt.Scale(domain=domain, range=(SERIES * 3)[: len(domain)]),
            legend=alt.Legend(orient="bottom", columns=3),
        )
        encoding["order"] = (
            alt.Order(f"{colour}_order:Q") if f"{colour}_order" in frame.columns else alt.Order()
        )
        encoding["tooltip"].append(alt.Tooltip(f"{colour}:N", title=colour_title or colour))
        mark = {}
    rows = frame.get_column(y).n_unique()
    return (
        alt.Chart(frame, title=title, height=height or max(120, 24 * rows))
        .mark_bar(**mark)
        .encode(**encoding)
    )


def interval_trend(
    frame: pl.DataFrame,
    *,
    title: str,
    y_title: str,
    y_format: str,
    force_label: str,
) -> alt.LayerChart:
    """Force value over periods with its 95% interval band, against the national value.

    ``frame`` has period, value, low, high, national (already scaled for display).
    """
    frame = time_series(frame, "period")
    base = alt.Chart(frame, title=title, height=280).encode(x=time_axis(frame, "period", "Period"))
    band = base.mark_area(opacity=0.25, color=OKABE_ITO["blue"]).encode(
        y=alt.Y("low:Q", title=y_title, axis=alt.Axis(format=y_format)), y2="high:Q"
    )
    long = stacked(
        frame,
        ["period", "period_start"],
        {"value": force_label, "national": "England and Wales"},
        name="series",
        value="shown",
    ).sort("period_start")
    lines = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=time_axis(frame, "period", "Period"),
            y=alt.Y("shown:Q"),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(
                    domain=[force_label, "England and Wales"],
                    range=[OKABE_ITO["blue"], OKABE_ITO["black"]],
                ),
                legend=alt.Legend(orient="bottom"),
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                legend=None,
                scale=alt.Scale(domain=[force_label, "England and Wales"], range=[[1, 0], [4, 3]]),
            ),
            tooltip=[
                alt.Tooltip("period:N"),
                alt.Tooltip("series:N"),
                alt.Tooltip("shown:Q", title=y_title, format=y_format),
            ],
        )
    )
    return alt.layer(band, lines)


def benchmark_chart(
    frame: pl.DataFrame, *, title: str, subtitle: str, x_title: str, x_format: str
) -> alt.LayerChart:
    """Dots with 95% (thick) and 99.8% (thin) interval bars for a force and its benchmarks.

    ``frame``: label, value, low95, high95, low998, high998 (display scale; bounds may be null).
    """
    base = alt.Chart(frame).encode(
        y=alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=260, labelFontSize=12))
    )
    thin = base.mark_rule(color=OKABE_ITO["grey"], strokeWidth=2).encode(
        x=alt.X("low998:Q", title=x_title, axis=alt.Axis(format=x_format)), x2="high998:Q"
    )
    thick = base.mark_rule(color=OKABE_ITO["blue"], strokeWidth=7, opacity=0.6).encode(
        x="low95:Q", x2="high95:Q"
    )
    dots = base.mark_point(filled=True, size=120, color=OKABE_ITO["black"]).encode(
        x="value:Q",
        tooltip=[
            alt.Tooltip("label:N", title="Area"),
            alt.Tooltip("value:Q", title=x_title, format=x_format),
            alt.Tooltip("low95:Q", title="95% low", format=x_format),
            alt.Tooltip("high95:Q", title="95% high", format=x_format),
        ],
    )
    return alt.layer(thin, thick, dots, title=titled(title, subtitle), height=44 * frame.height)


def _class_scale(direction: str) -> alt.Scale:
    labels = funnel_labels(direction)
    return alt.Scale(domain=[labels[c] for c in FUNNEL_CLASSES], range=FUNNEL_COLOURS)


def funnel_plot(
    points: pl.DataFrame,
    limits: pl.DataFrame,
    *,
    title: str,
    x_title: str,
    y_title: str,
    y_format: str,
    direction: str,
    y_domain: tuple[float, float],
    x_domain: tuple[float, float],
) -> alt.LayerChart:
    """Spiegelhalter funnel plot.

    ``points``: force_name, denominator, shown (display value), class_label, is_selected.
    ``limits``: denominator, national, lower_95, upper_95, lower_998, upper_998 (display scale).
    """
    long = limits.unpivot(
        index="denominator",
        on=["national", "lower_95", "upper_95", "lower_998", "upper_998"],
        variable_name="line",
        value_name="shown",
    ).with_columns(
        pl.col("line")
        .replace(
            {
                "national": "England and Wales",
                "lower_95": "95% limits",
                "upper_95": "95% limits",
                "lower_998": "99.8% limits",
                "upper_998": "99.8% limits",
            }
        )
        .alias("limit"),
        pl.col("line").str.starts_with("upper").alias("upper"),
    )
    x_scale = alt.Scale(type="log", domain=list(x_domain), nice=False)
    y_scale = alt.Scale(domain=list(y_domain), nice=False, zero=False)
    lines = (
        alt.Chart(long)
        .mark_line(clip=True)
        .encode(
            x=alt.X("denominator:Q", title=x_title, scale=x_scale),
            y=alt.Y("shown:Q", title=y_title, axis=alt.Axis(format=y_format), scale=y_scale),
            detail="line:N",
            strokeDash=alt.StrokeDash(
                "limit:N",
                title="Lines",
                scale=alt.Scale(
                    domain=["England and Wales", "95% limits", "99.8% limits"],
                    range=[[1, 0], [6, 3], [2, 2]],
                ),
                legend=alt.Legend(orient="top", direction="horizontal"),
            ),
            color=alt.value(OKABE_ITO["black"]),
        )
    )
    dots = (
        alt.Chart(points)
        .mark_point(filled=True, size=90, stroke=OKABE_ITO["black"], strokeWidth=0.7)
        .encode(
            x=alt.X("denominator:Q", scale=x_scale),
            y=alt.Y("shown:Q"),
            fill=alt.Fill(
                "class_label:N",
                title="Compared with national",
                scale=_class_scale(direction),
                legend=alt.Legend(
                    orient="bottom", columns=1, symbolStrokeColor="black", labelLimit=300
                ),
            ),
            shape=alt.Shape(
                "is_selected:N",
                legend=None,
                scale=alt.Scale(domain=[False, True], range=["circle", "diamond"]),
            ),
            size=alt.Size(
                "is_selected:N", legend=None, scale=alt.Scale(domain=[False, True], range=[80, 320])
            ),
            tooltip=[
                alt.Tooltip("force_name:N", title="Force"),
                alt.Tooltip("denominator:Q", title=x_title, format=",.0f"),
                alt.Tooltip("shown:Q", title=y_title, format=y_format),
                alt.Tooltip("class_label:N", title="Class"),
            ],
        )
    )
    label = (
        alt.Chart(points.filter(pl.col("is_selected")))
        .mark_text(align="left", dx=10, dy=-8, fontWeight="bold")
        .encode(x=alt.X("denominator:Q", scale=x_scale), y="shown:Q", text="force_name:N")
    )
    return alt.layer(lines, dots, label, title=title, height=420).resolve_scale(
        strokeDash="independent"
    )


def ski_slope(
    frame: pl.DataFrame, *, title: str, x_title: str, x_format: str, national: float | None
) -> alt.LayerChart:
    """Forces ranked by value with 95% intervals; the selected force and its peers marked.

    ``frame``: force_name, shown, low, high, role ('Selected force' | 'Peer' | 'Other force').
    """
    order = frame.sort("shown", descending=True, nulls_last=True).get_column("force_name")
    palette = {
        "Selected force": OKABE_ITO["vermillion"],
        "Peer (same region)": OKABE_ITO["sky_blue"],
        "Other force": "#BDBDBD",
    }
    present = set(frame.get_column("role").to_list())
    roles = [role for role in palette if role in present]
    colours = [palette[role] for role in roles]
    base = alt.Chart(frame).encode(
        y=alt.Y(
            "force_name:N",
            title=None,
            sort=order.to_list(),
            axis=alt.Axis(labelLimit=200, labelFontSize=11, labelOverlap=False),
        )
    )
    bars = base.mark_bar().encode(
        x=alt.X("shown:Q", title=x_title, axis=alt.Axis(format=x_format)),
        color=alt.Color(
            "role:N",
            title=None,
            scale=alt.Scale(domain=roles, range=colours),
            legend=alt.Legend(orient="bottom"),
        ),
        tooltip=[
            alt.Tooltip("force_name:N", title="Force"),
            alt.Tooltip("shown:Q", title=x_title, format=x_format),
            alt.Tooltip("low:Q", title="95% low", format=x_format),
            alt.Tooltip("high:Q", title="95% high", format=x_format),
            alt.Tooltip("marker:N", title="Marker"),
        ],
    )
    whiskers = base.mark_rule(color=OKABE_ITO["black"]).encode(x="low:Q", x2="high:Q")
    layers = [bars, whiskers]
    if national is not None:
        layers.append(
            alt.Chart(pl.DataFrame({"national": [national]}))
            .mark_rule(strokeDash=[4, 3], color=OKABE_ITO["black"], strokeWidth=1.5)
            .encode(x="national:Q")
        )
    return alt.layer(*layers, title=title, height=max(200, 19 * frame.height))


# --------------------------------------------------------------------------------------------
# Maps


@cache
def hex_layout() -> pl.DataFrame:
    """The 43 force areas as equal hexagons (odd rows shifted right), from hex_layout.csv."""
    with HEX_LAYOUT.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    frame = pl.DataFrame(rows).with_columns(pl.col("q").cast(pl.Int64), pl.col("r").cast(pl.Int64))
    return frame.with_columns(
        (pl.col("q") + (pl.col("r") % 2) * 0.5).alias("hex_x"),
        (pl.col("r") * 0.866).alias("hex_y"),
    )


HEXAGON = "M0,-1 L0.866,-0.5 L0.866,0.5 L0,1 L-0.866,0.5 L-0.866,-0.5 Z"


def hex_map(frame: pl.DataFrame, *, title: str | alt.Title, direction: str) -> alt.LayerChart:
    """Hex cartogram coloured by funnel class. ``frame``: force_code, force_name, class_label,
    value_text, is_selected."""
    data = hex_layout().join(frame, on="force_code", how="left")
    unit = 46  # pixels per hexagon width
    x_domain = [data["hex_x"].min() - 0.7, data["hex_x"].max() + 0.7]
    y_domain = [data["hex_y"].min() - 0.7, data["hex_y"].max() + 0.7]
    width = int((x_domain[1] - x_domain[0]) * unit)
    height = int((y_domain[1] - y_domain[0]) * unit)
    size = (0.96 * unit / 0.866) ** 2
    x = alt.X("hex_x:Q", axis=None, scale=alt.Scale(domain=x_domain, nice=False))
    y = alt.Y("hex_y:Q", axis=None, scale=alt.Scale(domain=y_domain, nice=False, reverse=True))
    tiles = (
        alt.Chart(data)
        .mark_point(shape=HEXAGON, filled=True, size=size, opacity=1)
        .encode(
            x=x,
            y=y,
            fill=alt.Fill(
                "class_label:N",
                title="Compared with national",
                scale=_class_scale(direction),
                legend=alt.Legend(
                    orient="bottom",
                    columns=1,
                    symbolType="square",
                    symbolStrokeColor="#666666",
                    labelLimit=360,
                ),
            ),
            stroke=alt.condition("datum.is_selected", alt.value("black"), alt.value("#666666")),
            strokeWidth=alt.condition("datum.is_selected", alt.value(3), alt.value(0.8)),
            tooltip=[
                alt.Tooltip("force_name:N", title="Force"),
                alt.Tooltip("value_text:N", title="Value"),
                alt.Tooltip("class_label:N", title="Class"),
            ],
        )
    )
    labels = (
        alt.Chart(data)
        .mark_text(fontSize=10, fontWeight="bold")
        .encode(
            x=x,
            y=y,
            text="label:N",
            color=alt.condition(
                "datum.class_label && (indexof(datum.class_label, '99.8%') >= 0)",
                alt.value("white"),
                alt.value("black"),
            ),
        )
    )
    return alt.layer(tiles, labels, title=title, width=width, height=height)


def boundary_path() -> Path | None:
    configured = os.environ.get(BOUNDARY_ENV)
    candidates = [Path(configured)] if configured else []
    candidates.append(data_dir() / "reference" / "pfa_boundaries.geojson")
    for path in candidates:
        if path.is_file():
            return path
    return None


def _round_coords(coords, places: int = 3):
    if isinstance(coords[0], (int, float)):
        return [round(coords[0], places), round(coords[1], places)]
    return [_round_coords(c, places) for c in coords]


def _boundary_features(path: str) -> list[dict]:
    """Features of the ONS PFA boundaries, read in place, coordinates rounded to ~100 m."""
    with open(path, encoding="utf-8") as handle:
        collection = json.load(handle)
    features = []
    for feature in collection["features"]:
        props = feature["properties"]
        code = props.get("PFA23CD") or props.get("PFA22CD") or props.get("PFACD")
        name = props.get("PFA23NM") or props.get("PFA22NM") or props.get("PFANM")
        geometry = dict(feature["geometry"])
        geometry["coordinates"] = _round_coords(geometry["coordinates"])
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {"force_code": code, "boundary_name": name},
            }
        )
    return features


@st.cache_resource(show_spinner=False, max_entries=6)
def _boundary_spec(path: str, mtime: float, direction: str) -> dict:
    """The boundary map's Vega-Lite spec, built with Altair once per file and direction.

    Altair validates inline data, which for ~170 kB of geometry takes about a second: the chart
    names its data (``pfa_boundaries``) and the features are put into the spec's datasets
    afterwards. Only the small per-view table (``force_classes``: class, value and selection
    per force) changes per interaction; a lookup on the force code joins it to the shapes.
    """
    lookup = alt.LookupData(
        data=alt.NamedData(name="force_classes"),
        key="force_code",
        fields=["force_name", "class_label", "value_text", "is_selected"],
    )
    chart = (
        alt.Chart(alt.NamedData(name="pfa_boundaries"))
        .mark_geoshape()
        .transform_lookup(lookup="properties.force_code", from_=lookup)
        .encode(
            fill=alt.Fill(
                "class_label:N",
                title="Compared with national",
                scale=_class_scale(direction),
                legend=None,
            ),
            stroke=alt.condition("datum.is_selected", alt.value("black"), alt.value("#555555")),
            strokeWidth=alt.condition("datum.is_selected", alt.value(2.5), alt.value(0.5)),
            tooltip=[
                alt.Tooltip("force_name:N", title="Force"),
                alt.Tooltip("value_text:N", title="Value"),
                alt.Tooltip("class_label:N", title="Class"),
            ],
        )
        .project(type="mercator")
        .properties(width=340, height=390)  # fits a 390 px phone screen
    )
    spec = chart.to_dict()
    spec["datasets"] = {"pfa_boundaries": _boundary_features(path)}
    return spec


def has_boundaries() -> bool:
    return boundary_path() is not None


def show_boundary_map(frame: pl.DataFrame, *, title: alt.Title, direction: str) -> None:
    """ONS Police Force Area boundaries coloured by funnel class.

    ``frame``: force_code, force_name, class_label, value_text, is_selected.
    """
    path = boundary_path()
    base = _boundary_spec(str(path), path.stat().st_mtime, direction)
    spec = {
        **base,
        "title": title.to_dict(),
        "autosize": {"type": "pad", "contains": "padding"},
        "datasets": {**base.get("datasets", {}), "force_classes": frame.to_dicts()},
    }
    st.vega_lite_chart(spec=marked(spec), width="content")
