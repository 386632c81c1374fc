"""Table builder, as the DfE's table tool: choose measures, areas, periods and a breakdown,
and get a table with its markers, as CSV or a spreadsheet with its metadata, and a link."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import polars as pl
import streamlit as st

from publish.shorthand import LOW_RELIABILITY, MARKERS, NOT_AVAILABLE, SUPPRESSED
from reports_app import queries
from reports_app.components import (
    default_period,
    download,
    slug,
    tidy_figures,
    url_choice,
    url_multi,
)
from reports_app.data import NATIONAL_CODE, NATIONAL_LABEL
from reports_app.figures import metric_figures
from reports_app.format import period_start
from reports_app.serving import is_public, release_id

BREAKDOWNS = {
    "value": "Value only",
    "interval": "Value and 95% interval",
    "counts": "Value, numerator and denominator",
}
MARKER_NOTES = {m: MARKERS[m].meaning for m in (SUPPRESSED, LOW_RELIABILITY, NOT_AVAILABLE)}


def area_choices() -> tuple[list[str], dict[str, str]]:
    force_table = queries.forces()
    regions = dict(force_table.select("region_code", "region_name").unique().iter_rows())
    names = {NATIONAL_CODE: NATIONAL_LABEL}
    names |= {c: f"Region: {n}" for c, n in sorted(regions.items(), key=lambda i: i[1])}
    names |= dict(force_table.select("force_code", "force_name").iter_rows())
    return list(names), names


def build(
    measures: list[str], areas: list[str], periods: list[str], breakdown: str
) -> pl.DataFrame:
    """Long table: one row per area, period, measure and statistic, with markers."""
    figures = metric_figures(periods).filter(pl.col("metric_id").is_in(measures))
    forces = figures.filter(pl.col("force_code").is_in(areas))
    # England and Wales and regions carry their value only (published per force row).
    benchmarks = []
    if NATIONAL_CODE in areas:
        benchmarks.append(
            figures.group_by("metric_id", "metric_label", "unit", "period").agg(
                pl.lit(NATIONAL_CODE).alias("force_code"),
                pl.lit(NATIONAL_LABEL).alias("force_name"),
                pl.col("national").first().alias("shown"),
                pl.col("national_value_marker").first().alias("value_marker"),
            )
        )
    regions = [a for a in areas if a.startswith(("E12", "W92"))]
    if regions:
        benchmarks.append(
            figures.filter(pl.col("region_code").is_in(regions))
            .group_by("metric_id", "metric_label", "unit", "period", "region_code")
            .agg(
                pl.col("region_name").first().alias("force_name"),
                pl.col("region").first().alias("shown"),
                pl.col("region_value_marker").first().alias("value_marker"),
            )
            .rename({"region_code": "force_code"})
        )
    rows = pl.concat([forces, *benchmarks], how="diagonal_relaxed")
    statistics = [("shown", "value_marker", "Value")]
    if breakdown == "interval":
        statistics += [("low", None, "95% low"), ("high", None, "95% high")]
    if breakdown == "counts":
        statistics += [
            ("numerator", "numerator_marker", "Numerator"),
            ("denominator", "denominator_marker", "Denominator"),
        ]
    parts = []
    for column, marker, label in statistics:
        if column not in rows.columns:
            continue
        parts.append(
            rows.select(
                "force_code",
                "force_name",
                "period",
                "metric_id",
                "metric_label",
                pl.lit(label).alias("statistic"),
                pl.when(pl.lit(column in ("numerator", "denominator")))
                .then(pl.lit("count"))
                .otherwise(pl.col("unit"))
                .alias("unit"),
                pl.col(column).cast(pl.Float64).alias("shown"),
                (pl.col(marker) if marker and marker in rows.columns else pl.lit(None, pl.String))
                .cast(pl.String)
                .alias("value_marker"),
            )
        )
    order = {a: i for i, a in enumerate(areas)}
    return (
        pl.concat(parts)
        .with_columns(
            pl.col("force_code").replace_strict(order, default=len(order)).alias("_area"),
            pl.col("period").map_elements(period_start, return_dtype=pl.Date).alias("_period"),
        )
        .sort("_area", "_period", "metric_id")
        .drop("_area", "_period")
    )


def cell_text(value: float | None, unit: str, marker: str | None) -> str:
    if value is None:
        return marker or NOT_AVAILABLE
    places = 0 if unit == "count" else 1 if unit == "%" else 2
    text = f"{value:,.{places}f}"
    return f"{text} {marker}" if marker else text


def metadata(measures: list[str], periods: list[str], breakdown: str) -> pl.DataFrame:
    definitions = queries.metric_table().filter(pl.col("metric_id").is_in(measures))
    lines = [
        ("Title", "Stalking statistics, England and Wales: table builder extract"),
        ("Release", release_id()),
        ("View", "public (disclosure control applied)" if is_public() else "restricted"),
        ("Periods", ", ".join(periods)),
        ("Breakdown", BREAKDOWNS[breakdown]),
        ("Produced", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("Source", "Police force extracts, CPS, helpline and advocacy returns (see Methodology)"),
    ]
    lines += [(f"Marker {k}", v) for k, v in MARKER_NOTES.items()]
    for row in definitions.iter_rows(named=True):
        lines.append(
            (
                row["metric_label"],
                f"numerator: {row['numerator_description']}; denominator: "
                f"{row['denominator_description']}; unit: {row['unit_label']}",
            )
        )
    return pl.DataFrame(lines, schema=["item", "detail"], orient="row")


def workbook(table: pl.DataFrame, meta: pl.DataFrame) -> bytes:
    """An xlsx with the tidy table and a metadata sheet (xlsxwriter through polars)."""
    import xlsxwriter

    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer) as book:
        meta.write_excel(book, worksheet="metadata", autofit=True)
        table.write_excel(book, worksheet="table", autofit=True)
    return buffer.getvalue()


def main() -> None:
    st.title("Table builder")
    st.write(
        "Build your own table: choose the measures, the areas, the periods and how much detail, "
        "then download it as CSV or a spreadsheet. The link in your address bar rebuilds it."
    )
    metric_table = queries.metric_table()
    labels = dict(metric_table.select("metric_id", "metric_label").iter_rows())
    areas, area_names = area_choices()
    periods = queries.comparison_periods()
    # Latest first; a year and its first quarter start on one day: the quarter first, always.
    period_options = sorted(
        periods["period"].unique().to_list(), key=lambda p: (period_start(p), p), reverse=True
    )
    years = [p for p in period_options if " " not in p]
    step = st.columns(2)
    with step[0]:
        measures = url_multi(
            "1. Measures",
            list(labels),
            "measures",
            default=["stalking_rate", "charge_rate"],
            format_func=labels.get,
        )
        chosen_areas = url_multi(
            "2. Areas",
            areas,
            "areas",
            default=[NATIONAL_CODE, *areas[11:14]],
            format_func=area_names.get,
        )
    with step[1]:
        chosen_periods = url_multi(
            "3. Periods",
            period_options,
            "periods",
            default=[default_period(years)],
        )
        breakdown = url_choice(
            "4. Breakdown", list(BREAKDOWNS), "breakdown", format_func=BREAKDOWNS.get
        )
    if not (measures and chosen_areas and chosen_periods):
        st.info("Choose at least one measure, area and period.")
        return
    long = build(measures, chosen_areas, chosen_periods, breakdown)
    st.subheader(
        f"{len(measures)} measures, {len(chosen_areas)} areas, {len(chosen_periods)} periods"
    )
    shown = long.with_columns(
        pl.struct("shown", "unit", "value_marker")
        .map_elements(
            lambda r: cell_text(r["shown"], r["unit"], r["value_marker"]), return_dtype=pl.String
        )
        .alias("cell"),
        (pl.col("metric_label") + pl.lit(": ") + pl.col("statistic")).alias("column"),
    )
    wide = shown.pivot(
        on="column", index=["force_code", "force_name", "period"], values="cell"
    ).rename({"force_code": "Area code", "force_name": "Area", "period": "Period"})
    st.dataframe(wide, hide_index=True, width="stretch")
    markers = {m for m in shown["value_marker"].drop_nulls().to_list()}
    if shown["shown"].null_count():
        markers.add(NOT_AVAILABLE)
    notes = [f"{m} {MARKER_NOTES[m]}" for m in MARKER_NOTES if m in markers]
    st.caption(
        "Units: per cent for proportions; rates as labelled. England and Wales and regions have "
        "their value only. " + ". ".join(notes) + ("." if notes else "")
    )
    tidy = tidy_figures(
        long.rename({"metric_label": "metric_label"}).with_columns(
            (pl.col("metric_label") + pl.lit(": ") + pl.col("statistic")).alias("metric_label")
        )
    )
    meta = metadata(measures, chosen_periods, breakdown)
    name = slug(f"stalking table {'_'.join(chosen_periods)}")
    downloads = st.columns(2)
    download(
        "Download the table (CSV)",
        tidy.write_csv(),
        f"{name}.csv",
        mime="text/csv",
        key="download_table_csv",
        container=downloads[0],
    )
    download(
        "Download the table with its metadata (xlsx)",
        lambda: workbook(tidy, meta),
        f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="download_table_xlsx",
        container=downloads[1],
    )
    with st.expander("Metadata"):
        st.dataframe(meta, hide_index=True, width="stretch")


if __name__ == "__main__":
    main()
