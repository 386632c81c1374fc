"""Force profile: a spine chart of every metric for one force, as Fingertips' area profiles."""

from __future__ import annotations

import polars as pl
import streamlit as st

from publish.shorthand import LOW_RELIABILITY, NOT_AVAILABLE, SUPPRESSED, marker_legend
from reports_app import charts, queries
from reports_app.charts.spine import spine_chart, spine_rows
from reports_app.components import (
    caveat,
    choose_force,
    choose_period,
    download,
    show_tidy,
    slug,
    text_alternative,
)
from reports_app.figures import change_text, metric_figures
from reports_app.format import figure_text


def main() -> None:
    st.title("Force profile")
    st.write(
        "Every metric for one force: its value, England and Wales, the range across the 43 "
        "forces, whether it is beyond the funnel limits, and the change since a year before."
    )
    controls = st.columns([2, 3])
    with controls[0]:
        force_code = choose_force()
    periods = queries.comparison_periods()
    by_type = {
        t: periods.filter(pl.col("period_type") == t).get_column("period").to_list()
        for t in ("financial_year", "quarter")
    }
    with controls[1]:
        period = choose_period(by_type, container=st.container())
    figures = metric_figures([period])
    rows = spine_rows(figures, queries.metric_table())
    mine = figures.filter(pl.col("force_code") == force_code)
    if mine.is_empty():
        st.info(f"No figures for this force in {period}.")
        return
    name = mine["force_name"][0]
    st.subheader(f"{name}, {period}")
    chart = spine_chart(
        rows,
        mine.select("metric_id", "force_name", "shown", "low", "high", "class_label"),
        title=f"{name}: every metric against England and Wales, {period}",
        subtitle="Centre line: England and Wales. Grey: range of the 43 forces (darker: middle "
        "half). Dot: the force, coloured by funnel class; line: its 95% interval.",
        colour_by="class",
    )
    charts.show(chart)
    table = rows.select("metric_id", "metric_label", "unit", "national", "lowest", "highest").join(
        mine.select(
            "metric_id",
            "value_text",
            "shown",
            "value_marker",
            "class_label",
            "change",
            "previous_period",
        ),
        on="metric_id",
        how="left",
    )
    shown = table.select(
        pl.col("metric_label").alias("Metric"),
        pl.col("value_text").fill_null(NOT_AVAILABLE).alias(name),
        pl.struct("national", "unit")
        .map_elements(lambda r: figure_text(r["national"], r["unit"]), return_dtype=pl.String)
        .alias("England and Wales"),
        pl.struct("lowest", "highest", "unit")
        .map_elements(
            lambda r: (
                f"{figure_text(r['lowest'], r['unit'])} to {figure_text(r['highest'], r['unit'])}"
            ),
            return_dtype=pl.String,
        )
        .alias("Range across forces"),
        pl.col("class_label").fill_null("Not classed").alias("Compared with national"),
        pl.struct("change", "unit")
        .map_elements(lambda r: change_text(r["change"], r["unit"]), return_dtype=pl.String)
        .alias("Change since a year before"),
    )
    text_alternative(
        "; ".join(
            f"{r['Metric']}: {r[name]} (England and Wales {r['England and Wales']}, range "
            f"{r['Range across forces']}; {r['Compared with national'].lower()}; change "
            f"{r['Change since a year before']})"
            for r in shown.iter_rows(named=True)
        )
        + "."
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    previous = queries.previous_year_period(period)
    st.caption(
        f"Change: against {previous} (percentage points for per cent). "
        + marker_legend(SUPPRESSED, LOW_RELIABILITY, NOT_AVAILABLE)
    )
    downloads = st.columns(2)
    with downloads[0]:
        show_tidy(
            mine.join(rows.select("metric_id", "lowest", "highest"), on="metric_id"),
            f"Force profile {name} {period}",
            extra=["low", "high", "national", "lowest", "highest", "class_label", "change"],
        )
    with downloads[1]:
        download(
            "Download the spine chart (PNG)",
            lambda: charts.png(chart),
            f"{slug(f'force profile {name} {period}')}.png",
            mime="image/png",
            key="download_profile_png",
        )
    caveat(
        "The scale of each row is its own: the dot's distance from the centre compares the "
        "force with the spread of forces on that metric, not across metrics."
    )


if __name__ == "__main__":
    main()
