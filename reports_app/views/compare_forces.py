"""Compare forces: any set of forces, or a peer group, side by side on every metric."""

from __future__ import annotations

import polars as pl
import streamlit as st

from publish.shorthand import LOW_RELIABILITY, NOT_AVAILABLE, SUPPRESSED, marker_legend
from reports_app import charts, queries
from reports_app.charts.spine import spine_chart, spine_rows
from reports_app.components import (
    caveat,
    choose_period,
    show_tidy,
    text_alternative,
    url_choice,
    url_multi,
)
from reports_app.figures import metric_figures
from reports_app.format import figure_text

MAX_FORCES = 8  # distinguishable colours and shapes (Okabe-Ito)
CUSTOM = "custom"


def main() -> None:
    st.title("Compare forces")
    st.write(
        "Choose any forces, or a peer group, and see them side by side on every metric, with "
        "95% intervals, against England and Wales and their peers."
    )
    force_table = queries.forces()
    names = dict(force_table.select("force_code", "force_name").iter_rows())
    regions = dict(force_table.select("region_code", "region_name").unique().iter_rows())
    groups = {
        CUSTOM: "Forces I choose",
        **{c: f"Region: {n}" for c, n in sorted(regions.items(), key=lambda i: i[1])},
    }
    controls = st.columns([2, 3])
    with controls[0]:
        group = url_choice("Peer group", list(groups), "group", format_func=groups.get)
    periods = queries.comparison_periods()
    by_type = {
        t: periods.filter(pl.col("period_type") == t).get_column("period").to_list()
        for t in ("financial_year", "quarter")
    }
    with controls[1]:
        period = choose_period(by_type, container=st.container())
    if group == CUSTOM:
        chosen = url_multi(
            f"Forces (up to {MAX_FORCES})",
            sorted(names, key=names.get),
            "forces",
            default=sorted(names, key=names.get)[:3],
            format_func=names.get,
            max_selections=MAX_FORCES,
        )
    else:
        members = force_table.filter(pl.col("region_code") == group)["force_code"].to_list()
        chosen = sorted(members, key=names.get)[:MAX_FORCES]
        st.caption(
            f"{groups[group]}: {', '.join(names[c] for c in chosen)}. Peers are the ONS region "
            "until a peer-group file is supplied."
        )
    if not chosen:
        st.info("Choose at least one force.")
        return

    figures = metric_figures([period])
    metric_table = queries.metric_table()
    rows = spine_rows(figures, metric_table)
    picked = figures.filter(pl.col("force_code").is_in(chosen))
    st.subheader(f"{len(chosen)} forces on every metric, {period}")
    charts.show(
        spine_chart(
            rows,
            picked.select("metric_id", "force_name", "shown", "low", "high", "class_label"),
            title=f"Every metric, {period}: the chosen forces against England and Wales",
            subtitle="Centre line: England and Wales. Grey: range of the 43 forces (darker: "
            "middle half). Line: 95% interval.",
            colour_by="force",
        )
    )
    text_alternative(
        "; ".join(
            f"{r['metric_label']}: national {figure_text(r['national'], r['unit'])}, "
            + ", ".join(
                f"{f['force_name']} {f['value_text']}"
                for f in picked.filter(pl.col("metric_id") == r["metric_id"]).iter_rows(named=True)
            )
            for r in rows.iter_rows(named=True)
        )
        + "."
    )
    group_value = None
    if group != CUSTOM:
        group_value = picked.group_by("metric_id").agg(pl.col("region").first().alias("group"))

    st.subheader("Side by side")
    wide = rows.select("metric_id", "metric_label", "unit", "national")
    wide = wide.with_columns(
        pl.struct("national", "unit")
        .map_elements(lambda r: figure_text(r["national"], r["unit"]), return_dtype=pl.String)
        .alias("England and Wales")
    )
    if group_value is not None:
        wide = wide.join(group_value, on="metric_id", how="left").with_columns(
            pl.struct("group", "unit")
            .map_elements(lambda r: figure_text(r["group"], r["unit"]), return_dtype=pl.String)
            .alias(groups[group])
        )
    for code in chosen:
        one = picked.filter(pl.col("force_code") == code).select(
            "metric_id",
            pl.struct(
                "value_text", "low", "high", "unit", "class_label", "peer", "peer_value_marker"
            )
            .map_elements(_cell, return_dtype=pl.String)
            .alias(names[code]),
        )
        wide = wide.join(one, on="metric_id", how="left")
    st.dataframe(
        wide.drop("metric_id", "national", *(["group"] if "group" in wide.columns else [])).rename(
            {"metric_label": "Metric", "unit": "Unit"}
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(
        "Each force: value (95% interval), ▲ or ▼ when it is beyond the funnel limits around "
        "England and Wales, and its peers' value (its ONS region until a peer-group file is "
        "supplied). " + marker_legend(SUPPRESSED, LOW_RELIABILITY, NOT_AVAILABLE)
    )
    show_tidy(
        picked,
        f"Compare forces {period}",
        extra=["low", "high", "national", "peer", "class_label"],
    )
    caveat(
        "Forces differ in how they record and count. Overlapping intervals mean a difference "
        "may be chance; read the funnel class, not the order."
    )


def _cell(row: dict) -> str:
    text = row["value_text"]
    if row["low"] is not None and row["high"] is not None:
        places = 1 if row["unit"] == "%" else 2
        text += f" ({row['low']:.{places}f} to {row['high']:.{places}f})"
    label = row["class_label"] or ""
    if label and not label.startswith("Within") and not label.startswith("Not classed"):
        text += " ▲" if label.startswith("Higher") else " ▼"
    peers = figure_text(row["peer"], row["unit"], row["peer_value_marker"])
    return f"{text}; peers {peers}"


if __name__ == "__main__":
    main()
