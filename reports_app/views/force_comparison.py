"""Force comparison: one force against national, region and peers, with its uncertainty."""

from __future__ import annotations

import polars as pl
import streamlit as st

from publish.shorthand import LOW_RELIABILITY, LOW_RELIABILITY_EVENTS, SUPPRESSED, is_suppressed
from reports_app import charts
from reports_app.components import (
    FUNNEL_CLASSES,
    caveat,
    choose_force,
    choose_period,
    fmt_value,
    funnel_labels,
    show_table,
    text_alternative,
    url_choice,
    value_scale,
)
from reports_app.data import (
    comparison_periods,
    comparisons,
    funnel_limits,
    metric,
    metrics,
    quarters_in_year,
)


def main() -> None:
    st.title("Force comparison")
    st.write(
        "How one force compares with England and Wales, its region and its peers, with 95% and "
        "99.8% intervals. Small forces' figures move a lot by chance: read the intervals, not the "
        "ranks."
    )

    metric_table = metrics()
    metric_labels = dict(metric_table.select("metric_id", "metric_label").iter_rows())
    controls = st.columns([3, 3, 4])
    with controls[0]:
        force_code = choose_force()
    with controls[1]:
        metric_id = url_choice(
            "Metric",
            list(metric_labels),
            "metric",
            format_func=metric_labels.get,
            default="charge_rate",
        )
    m = metric(metric_id)
    periods = comparison_periods(metric_id)
    by_type = {
        t: periods.filter(pl.col("period_type") == t).get_column("period").to_list()
        for t in ("financial_year", "quarter")
    }
    with controls[2]:
        period = choose_period(by_type, container=st.container())
    period_type = "quarter" if " " in period else "financial_year"
    year_quarters = quarters_in_year()

    scale = value_scale(m["kind"])
    unit = "%" if m["kind"] == "proportion" else f" {m['unit_label']}"
    # Rates' labels already carry their unit ("... per 1,000 residents").
    axis_title = f"{m['metric_label']} (%)" if m["kind"] == "proportion" else m["metric_label"]
    y_format = ".1f" if m["kind"] == "proportion" else ".2~f"
    labels = funnel_labels(m["direction"])
    direction_note = {
        "higher_is_better": "For this metric a higher value is agreed to be better.",
        "lower_is_better": "For this metric a lower value is agreed to be better.",
    }.get(m["direction"], "Higher or lower is not in itself better or worse for this metric.")

    rows = comparisons(metric_id, period).with_columns(
        (pl.col("value") * scale).alias("shown"),
        (pl.col("ci95_low") * scale).alias("low"),
        (pl.col("ci95_high") * scale).alias("high"),
        pl.col("funnel_class").replace(labels).alias("class_label"),
        (pl.col("force_code") == force_code).alias("is_selected"),
    )
    if rows.is_empty():
        st.info(f"No figures for {m['metric_label']} in {period}.")
        st.stop()
    selected = rows.filter(pl.col("is_selected")).row(0, named=True)
    peer_basis = selected["peer_basis"]
    peer_note = (
        "Peers: the force's ONS region, because no peer-group file was given"
        if peer_basis == "ons_region"
        else "Peers: the supplied peer-group file"
    )
    name = selected["force_name"]

    # --- The force against its benchmarks -----------------------------------------------------
    st.subheader(f"{name}: {m['metric_label'].lower()}, {period}")
    value_text = fmt_value(selected["value"], m, selected["value_marker"])
    cols = st.columns(4)
    cols[0].metric(
        name,
        value_text,
        help=f"95% interval {fmt_value(selected['ci95_low'], m)} "
        f"to {fmt_value(selected['ci95_high'], m)}",
    )
    national_text = fmt_value(selected["national_value"], m, selected["national_value_marker"])
    region_text = fmt_value(selected["region_value"], m, selected["region_value_marker"])
    peer_text = fmt_value(selected["peer_value"], m, selected["peer_value_marker"])
    cols[1].metric("England and Wales", national_text)
    cols[2].metric(f"Region ({selected['region_name']})", region_text)
    cols[3].metric("Peers", peer_text, help=peer_note)
    st.markdown(f"**Funnel class:** {labels[selected['funnel_class']]}. {direction_note}")

    bench = pl.DataFrame(
        {
            "label": [
                name,
                "England and Wales",
                f"Region: {selected['region_name']}",
                "Peers (ONS region)" if peer_basis == "ons_region" else "Peer group",
            ],
            "value": [
                selected["value"],
                selected["national_value"],
                selected["region_value"],
                selected["peer_value"],
            ],
            "low95": [selected["ci95_low"], None, None, None],
            "high95": [selected["ci95_high"], None, None, None],
            "low998": [selected["ci998_low"], None, None, None],
            "high998": [selected["ci998_high"], None, None, None],
        },
        schema={
            "label": pl.String,
            **{k: pl.Float64 for k in ("value", "low95", "high95", "low998", "high998")},
        },
    ).with_columns(pl.col(c) * scale for c in ("value", "low95", "high95", "low998", "high998"))
    charts.show(
        charts.benchmark_chart(
            bench,
            title=f"{name} against England and Wales, region and peers, {period}",
            subtitle=f"{peer_note}. Thick bar: 95% interval; thin bar: 99.8% interval.",
            x_title=axis_title,
            x_format=y_format,
        )
    )
    text_alternative(
        f"{name} {value_text} (95% interval {fmt_value(selected['ci95_low'], m)} to "
        f"{fmt_value(selected['ci95_high'], m)}; thin bar 99.8%); England and Wales "
        f"{national_text}; region {region_text}; peers {peer_text}. {peer_note}."
    )
    if selected["value_marker"]:
        caveat(
            f"{name}'s figure is marked {selected['value_marker']}: "
            + (
                "suppressed to protect confidentiality."
                if is_suppressed(selected["value_marker"])
                else "the numerator is below 10, so it is of low reliability and not classed."
            )
        )

    # --- Funnel plot ------------------------------------------------------------------------------
    st.subheader("Funnel plot: all forces against the national value")
    limits = funnel_limits(metric_id, period)
    plotted = rows.filter(pl.col("shown").is_not_null() & (pl.col("denominator") > 0))
    phi = selected["funnel_phi"]
    adjusted = bool(selected["overdispersion_adjusted"])
    dispersion = (
        f"Overdispersion: the forces vary more than chance alone predicts (φ = {phi:.2f}, "
        "multiplicative, from 10% winsorised z-scores), so the limits are widened by √φ."
        if adjusted
        else f"Overdispersion: none found (φ = {phi:.2f} ≤ 1), so the limits are not widened."
        if phi is not None
        else "Overdispersion: not estimated (too few forces with enough cases)."
    )
    if limits.is_empty() or plotted.is_empty():
        st.info("Not enough published figures to draw a funnel plot for this period.")
    else:
        lines = limits.select(
            "denominator",
            (pl.col("national_value") * scale).alias("national"),
            *[
                (pl.col(c) * scale).alias(c)
                for c in ("lower_95", "upper_95", "lower_998", "upper_998")
            ],
        )
        span = plotted.get_column("shown").to_list()
        if selected["national_value"] is not None:
            span.append(selected["national_value"] * scale)
        low, high = min(span), max(span)
        pad = (high - low) * 0.25 or 1
        y_domain = (
            max(low - pad, 0.0),
            min(high + pad, 100.0) if m["kind"] == "proportion" else high + pad,
        )
        spread = plotted.get_column("denominator")
        lines = lines.filter(
            (pl.col("denominator") >= spread.min() / 1.5)
            & (pl.col("denominator") <= spread.max() * 1.5)
        )
        denominator_title = f"Denominator: {m['denominator_description']} (log scale)"
        charts.show(
            charts.funnel_plot(
                plotted.select("force_name", "denominator", "shown", "class_label", "is_selected"),
                lines,
                title=f"{m['metric_label']}, {period}: 43 forces against 95% and 99.8% limits",
                x_title=denominator_title,
                y_title=axis_title,
                y_format=y_format,
                direction=m["direction"],
                y_domain=y_domain,
                x_domain=(spread.min() / 1.5, spread.max() * 1.5),
            )
        )
        counts = rows.group_by("funnel_class").len()
        count_of = dict(counts.iter_rows())
        text_alternative(
            f"National value {national_text}. "
            + "; ".join(f"{labels[c]}: {count_of.get(c, 0)} forces" for c in FUNNEL_CLASSES)
            + f". {name} is {labels[selected['funnel_class']].lower()}."
        )
        st.caption(
            dispersion + " Every force with a denominator is classed (exact limits for small "
            f"counts); figures from fewer than {LOW_RELIABILITY_EVENTS} events carry "
            f"{LOW_RELIABILITY}."
        )

    # --- Ski slope ------------------------------------------------------------------------------
    st.subheader("Ranked forces with 95% intervals")
    peers = set()
    if peer_basis == "ons_region":
        peers = set(rows.filter(pl.col("region_code") == selected["region_code"])["force_code"])
    ranked = rows.filter(pl.col("shown").is_not_null()).with_columns(
        pl.when(pl.col("is_selected"))
        .then(pl.lit("Selected force"))
        .when(pl.col("force_code").is_in(list(peers)))
        .then(pl.lit("Peer (same region)"))
        .otherwise(pl.lit("Other force"))
        .alias("role"),
        pl.col("value_marker").fill_null("").alias("marker"),
    )
    not_shown = rows.filter(pl.col("shown").is_null())["force_name"].to_list()
    order = ranked.sort("shown", descending=True)
    ranked_codes = order["force_code"].to_list()
    position = ranked_codes.index(force_code) + 1 if force_code in ranked_codes else None
    if order.is_empty():
        st.info(f"Every force's figure for {period} is withheld ({SUPPRESSED}) or not available.")
    else:
        charts.show(
            charts.ski_slope(
                ranked.select("force_name", "shown", "low", "high", "role", "marker"),
                title=f"{m['metric_label']}, {period}: forces ranked, highest first (dashed line: "
                "England and Wales)",
                x_title=axis_title,
                x_format=y_format,
                national=selected["national_value"] * scale
                if selected["national_value"] is not None
                else None,
            )
        )
        text_alternative(
            f"Highest {order['force_name'][0]} ({order['shown'][0]:.1f}{unit}); lowest "
            f"{order['force_name'][-1]} ({order['shown'][-1]:.1f}{unit}). "
            + (
                f"{name} ranks {position} of {order.height}, "
                if position
                else f"{name} is not shown, "
            )
            + "but most intervals overlap: a rank alone says little."
            + (f" Not shown (withheld): {', '.join(not_shown)}." if not_shown else "")
        )
    if peer_basis != "ons_region":
        st.caption("Peer-group membership is not in the serving snapshot, so peers are not marked.")

    # --- Trend ----------------------------------------------------------------------------------
    st.subheader(f"{name} over time")
    history = (
        comparisons(metric_id, force_code=force_code)
        .filter(pl.col("period_type") == period_type)
        .sort("period")
    )
    trend = history.select(
        "period",
        (pl.col("value") * scale).alias("value"),
        (pl.col("ci95_low") * scale).alias("low"),
        (pl.col("ci95_high") * scale).alias("high"),
        (pl.col("national_value") * scale).alias("national"),
    )
    charts.show(
        charts.interval_trend(
            trend,
            title=f"{m['metric_label']}: {name} with 95% interval (band) and England and Wales",
            y_title=axis_title,
            y_format=y_format,
            force_label=name,
        )
    )
    part_years = [p for p in trend["period"] if " " not in p and year_quarters.get(p, 4) < 4]
    if part_years and m["kind"] == "rate":
        caveat(
            f"{', '.join(part_years)} cover fewer than four quarters, so their rates per resident "
            "are lower than a full year's: compare quarters, or full years only."
        )
    text_alternative(
        "; ".join(
            f"{r['period']}: {name} {fmt_value(r['value'], m, r['value_marker'])}, national "
            f"{fmt_value(r['national_value'], m)}"
            for r in history.iter_rows(named=True)
        )
        + "."
    )

    show_table(
        history.select(
            "period",
            (pl.col("value") * scale).alias("value"),
            (pl.col("ci95_low") * scale).alias("low_95"),
            (pl.col("ci95_high") * scale).alias("high_95"),
            (pl.col("national_value") * scale).alias("national_value"),
            "value_marker",
            "national_value_marker",
        ),
        f"{metric_id} {name} over time",
        decimals={c: 2 for c in ("value", "low_95", "high_95", "national_value")},
        area=(force_code, name),
        height=240,
    )

    # --- Maps -----------------------------------------------------------------------------------
    st.subheader("Map: funnel class of every force")
    map_frame = rows.select(
        "force_code",
        "force_name",
        "class_label",
        "is_selected",
        pl.struct("value", "value_marker")
        .map_elements(lambda r: fmt_value(r["value"], m, r["value_marker"]), return_dtype=pl.String)
        .alias("value_text"),
    )
    boundaries = charts.has_boundaries()
    map_cols = st.columns(2 if boundaries else 1)
    with map_cols[0]:
        charts.show(
            charts.hex_map(
                map_frame,
                title=charts.titled(
                    "Hex map: one equal tile per force area", f"{m['metric_label']}, {period}"
                ),
                direction=m["direction"],
            ),
            stretch=False,
        )
    if boundaries:
        with map_cols[1]:
            charts.show_boundary_map(
                map_frame,
                title=charts.titled(
                    "Police Force Area boundaries", f"{m['metric_label']}, {period}"
                ),
                direction=m["direction"],
            )
            st.caption(
                "Source: Office for National Statistics licensed under the Open "
                "Government Licence v.3.0. Contains OS data © Crown copyright and database "
                "right 2023."
            )
    outside = rows.filter(pl.col("funnel_class").is_in(["above_998", "below_998"]))
    text_alternative(
        "Forces beyond the 99.8% limits: "
        + (
            ", ".join(
                f"{r['force_name']} ({r['class_label'].split(':')[0].lower()})"
                for r in outside.iter_rows(named=True)
            )
            or "none"
        )
        + ". The hex map gives every force area the same size, so large rural forces do not "
        "dominate."
    )

    # --- Table ----------------------------------------------------------------------------------
    st.subheader("All forces")
    table = rows.select(
        "force_code",
        "force_name",
        "region_name",
        "numerator",
        "numerator_marker",
        "denominator",
        "denominator_marker",
        "shown",
        "low",
        "high",
        (pl.col("ci998_low") * scale).alias("low_998"),
        (pl.col("ci998_high") * scale).alias("high_998"),
        "value_marker",
        "class_label",
    ).rename(
        {
            "shown": "value",
            "low": "low_95",
            "high": "high_95",
            "class_label": "compared_with_national",
        }
    )
    show_table(
        table,
        f"{metric_id} {period} all forces",
        counts=["numerator", "denominator"],
        decimals={c: 2 for c in ("value", "low_95", "high_95", "low_998", "high_998")},
        caption=f"{m['metric_label']} ({unit.strip()}); numerator: {m['numerator_description']}; "
        f"denominator: {m['denominator_description']}",
    )


if __name__ == "__main__":
    main()
