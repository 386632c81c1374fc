"""Hidden stalking: courses of conduct in which no stalking crime was ever recorded."""

from __future__ import annotations

import polars as pl
import streamlit as st

from publish.shorthand import SUPPRESSED
from reports_app import charts, queries
from reports_app.components import (
    caveat,
    choose_force,
    default_period,
    fmt_count,
    fmt_value,
    period_label_fn,
    ratio_pct,
    show_table,
    text_alternative,
    url_choice,
)
from reports_app.data import NATIONAL_CODE, comparisons, metric, sum_counts


def main() -> None:
    st.title("Hidden stalking")
    st.write(
        "Stalking is often recorded as separate harassment or malicious communications crimes, so "
        "the pattern is never seen. Linking crimes between the same (pseudonymised) victim and "
        "suspect finds courses of conduct: two or more stalking and harassment crimes within 12 "
        "months. A course with no stalking crime (8Q) recorded is a *possible* unrecognised "
        "stalking case."
    )

    years = queries.course_years()
    if not years:
        st.info("No courses of conduct have been published yet.")
        st.stop()
    controls = st.columns(2)
    with controls[0]:
        force_code = choose_force("Force to highlight")
    with controls[1]:
        year = url_choice(
            "Financial year",
            years,
            "period",
            default=default_period(years),
            format_func=period_label_fn(),
        )

    COUNTS = ["courses_of_conduct", "recognised_as_stalking", "possible_unrecognised"]
    national = sum_counts(
        "fct_courses_of_conduct_yearly",
        COUNTS,
        [],
        where="financial_year = ?",
        params=(year,),
        scope="national",
    ).row(0, named=True)
    share = (
        national["possible_unrecognised"] / national["courses_of_conduct"] * 100
        if national["possible_unrecognised"] is not None and national["courses_of_conduct"]
        else None
    )
    m = metric("possible_unrecognised_share")
    cols = st.columns(3)
    cols[0].metric(
        "Courses of conduct",
        fmt_count(national["courses_of_conduct"], national["courses_of_conduct_marker"]),
    )
    cols[1].metric(
        "Recognised as stalking",
        fmt_count(national["recognised_as_stalking"], national["recognised_as_stalking_marker"]),
    )
    cols[2].metric(
        "Possible unrecognised stalking",
        fmt_count(national["possible_unrecognised"], national["possible_unrecognised_marker"]),
        help=f"{m['metric_label']}.",
    )
    st.caption(
        f"England and Wales, {year}: "
        + (
            f"{share:.1f}% of courses of conduct had no stalking crime recorded."
            if share is not None
            else "share not available."
        )
    )

    st.subheader(f"Share of courses of conduct with no stalking crime recorded, {year}")
    rows = comparisons("possible_unrecognised_share", year)
    selected = rows.filter(pl.col("force_code") == force_code)
    peers = set()
    if not selected.is_empty() and selected["peer_basis"][0] == "ons_region":
        peers = set(rows.filter(pl.col("region_code") == selected["region_code"][0])["force_code"])
    ranked = rows.filter(pl.col("value").is_not_null()).with_columns(
        (pl.col("value") * 100).alias("shown"),
        (pl.col("ci95_low") * 100).alias("low"),
        (pl.col("ci95_high") * 100).alias("high"),
        pl.when(pl.col("force_code") == force_code)
        .then(pl.lit("Selected force"))
        .when(pl.col("force_code").is_in(list(peers)))
        .then(pl.lit("Peer (same region)"))
        .otherwise(pl.lit("Other force"))
        .alias("role"),
        pl.col("value_marker").fill_null("").alias("marker"),
    )
    first = rows.row(0, named=True) if rows.height else {}
    national_value = first.get("national_value")
    if ranked.is_empty():
        st.info(f"Every force's share for {year} is withheld ({SUPPRESSED}) or not available.")
    else:
        charts.show(
            charts.ski_slope(
                ranked.select("force_name", "shown", "low", "high", "role", "marker"),
                title=f"Possible unrecognised stalking by force, {year}, with 95% intervals "
                "(dashed line: England and Wales)",
                x_title=f"{m['metric_label']} (%)",
                x_format=".0f",
                national=national_value * 100 if national_value is not None else None,
            )
        )
        top = ranked.sort("shown", descending=True)
        chosen = ""
        if not selected.is_empty():
            pick = selected.row(0, named=True)
            chosen = f"{pick['force_name']}: {fmt_value(pick['value'], m, pick['value_marker'])}."
        text_alternative(
            "England and Wales "
            f"{fmt_value(national_value, m, first.get('national_value_marker'))}. "
            f"Highest {top['force_name'][0]} ({top['shown'][0]:.1f}%, 95% interval "
            f"{top['low'][0]:.1f}% to {top['high'][0]:.1f}%); lowest {top['force_name'][-1]} "
            f"({top['shown'][-1]:.1f}%). " + chosen
        )
    caveat(
        "A possible unrecognised course is a lead for review, not a finding: some are harassment "
        "that is not stalking. Courses are found by probabilistic record linkage (Splink) of "
        "keyed hashes of names and dates of birth, within and across forces; on the synthetic "
        "test data its precision and recall are at least 0.9 overall and for every kind of "
        "recording noise (docs/LINKAGE.md), and on real records they are unmeasured until a "
        "review sample is labelled. Forces with better identifiers find more courses. A course "
        "is counted in the year it became visible (its second crime), by the force that recorded "
        "that crime; a crime inside one, in the year and force it was recorded. Higher or lower "
        "is not in itself better or worse."
    )

    st.subheader(f"All forces, {year}")
    by_force = sum_counts(
        "fct_courses_of_conduct_yearly",
        COUNTS,
        ["force_code"],
        where="financial_year = ?",
        params=(year,),
    )
    table = (
        rows.select(
            "force_code",
            "force_name",
            "region_name",
            "value",
            "ci95_low",
            "ci95_high",
            "value_marker",
        )
        .join(by_force, on="force_code", how="left")
        .with_columns(
            ratio_pct(pl.col("possible_unrecognised"), pl.col("courses_of_conduct")).alias(
                "possible_unrecognised_pct"
            ),
            (pl.col("ci95_low") * 100).alias("low_95_pct"),
            (pl.col("ci95_high") * 100).alias("high_95_pct"),
        )
        .drop("value", "ci95_low", "ci95_high")
        .filter(pl.col("force_code") != NATIONAL_CODE)
    )
    show_table(
        table.select(
            "force_code",
            "force_name",
            "region_name",
            *COUNTS,
            *[f"{c}_marker" for c in COUNTS],
            "possible_unrecognised_pct",
            "low_95_pct",
            "high_95_pct",
            "value_marker",
        ),
        f"Courses of conduct by force {year}",
        counts=COUNTS,
        pct=["possible_unrecognised_pct", "low_95_pct", "high_95_pct"],
        caption="95% Wilson interval for the share",
    )


if __name__ == "__main__":
    main()
