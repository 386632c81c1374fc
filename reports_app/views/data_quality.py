"""Data quality and coverage: what has landed, what was rejected, and reconciliation."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from reports_app import charts, queries
from reports_app.components import (
    OKABE_ITO,
    caveat,
    choose_force,
    show_table,
    text_alternative,
    url_choice,
)
from reports_app.data import (
    NATIONAL_CODE,
    NATIONAL_LABEL,
    forces,
    is_public,
    quarters,
    sum_counts,
)


def main() -> None:
    st.title("Data quality and coverage")
    st.write(
        "Which forces and sources have landed for which quarters, what the ingest ledger accepted "
        "and rejected, how files fared against the validation suites, and how the forces' own "
        "extracts reconcile with the Home Office's published figures."
    )

    # --- Coverage grid ----------------------------------------------------------------------------
    landed = queries.landed_force_periods()
    grid_forces = forces().select("force_code", "force_name")
    all_quarters = quarters()
    grid = (
        grid_forces.join(pl.DataFrame({"period": all_quarters}), how="cross")
        .join(
            landed.group_by("force_code", "period").agg(
                pl.col("source").n_unique().alias("sources_landed"),
                pl.col("source").sort().str.join(", ").alias("landed"),
            ),
            on=["force_code", "period"],
            how="left",
        )
        .with_columns(pl.col("sources_landed").fill_null(0), pl.col("landed").fill_null("none"))
    )
    st.subheader("Coverage: sources landed per force and quarter")
    total = len(queries.LANDED_SOURCES)
    chart = (
        alt.Chart(
            grid,
            title=charts.titled(
                "Sources landed for each force and financial quarter",
                f"Darker = more of the {total} sources present (crime, SPO, CPS, helpline, "
                "advocacy)",
            ),
        )
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X(
                "period:N",
                title="Financial quarter",
                sort=all_quarters,
                axis=alt.Axis(labelAngle=-40, orient="top"),
            ),
            y=alt.Y(
                "force_name:N",
                title=None,
                sort=grid_forces["force_name"].to_list(),
                axis=alt.Axis(labelOverlap=False, labelLimit=200),
            ),
            color=alt.Color(
                "sources_landed:O",
                title="Sources landed",
                scale=alt.Scale(domain=list(range(total + 1)), scheme="blues"),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("force_name:N", title="Force"),
                alt.Tooltip("period:N"),
                alt.Tooltip("sources_landed:O", title="Sources landed"),
                alt.Tooltip("landed:N", title="Landed"),
            ],
        )
        .properties(height=20 * grid_forces.height)
    )
    charts.show(chart)
    gaps = grid.filter(pl.col("sources_landed") < total)
    forces_landed = (
        landed.group_by("source", "period")
        .agg(pl.col("force_code").n_unique().alias("forces_landed"))
        .sort("source", "period")
    )
    summary = forces_landed.pivot(
        on="period", index="source", values="forces_landed", sort_columns=True
    ).sort("source")
    text_alternative(
        f"{grid.height - gaps.height} of {grid.height} force-quarters have all {total} sources. "
        + "; ".join(
            f"{r['source']}: {min(v for k, v in r.items() if k != 'source' and v is not None)} to "
            f"{max(v for k, v in r.items() if k != 'source' and v is not None)} forces a quarter"
            for r in summary.iter_rows(named=True)
        )
        + "."
    )
    show_table(
        summary,
        "Forces landed per source and quarter",
        numbers=[c for c in summary.columns if c != "source"],
        area=(NATIONAL_CODE, NATIONAL_LABEL),
        long_form=(forces_landed, ["forces_landed"]),
        caption="Number of forces with any rows in each source for the quarter; helpline and "
        "advocacy count forces with at least one month in the quarter",
    )
    caveat(
        "Helpline contacts with no known force area are not counted here. A source can be "
        "present and still incomplete: see the ledger below."
    )

    # --- Ledger and validation ------------------------------------------------------------------
    # The ledger and quarantine are in the snapshot's meta schema, which the public view never
    # reads: it sees what was published (coverage above, reconciliation below).
    if is_public():
        # No ledger in the public file (row counts per file undo suppression): coverage only.
        st.subheader("Submissions received")
        coverage = queries.submission_coverage()
        show_table(
            coverage,
            "Submission coverage",
            numbers=["submitted", "not_submitted"],
            caption="Submitter × period cells per source: submitted or not (release.coverage); "
            "the ingest ledger, validation results and quarantine are shown in the restricted "
            "view only",
        )
    else:
        st.subheader("Ingest ledger: files received")
        ledger = queries.ledger_summary()
        show_table(
            ledger,
            "Ingest ledger summary",
            numbers=["files", "rows_read", "rows_accepted", "rows_rejected"],
            caption="Counts of files and rows by source, ledger status and validation result "
            "(Great Expectations suites, blocking)",
        )
        failed = ledger.filter(pl.col("validation") != "passed")["files"].sum()
        st.caption(f"Files whose validation did not pass: {failed}.")
        quarantine = queries.quarantine_summary()
        st.subheader("Quarantine: rejected rows and files")
        if quarantine.is_empty():
            st.write("Nothing is in quarantine for this snapshot.")
        else:
            show_table(
                quarantine,
                "Quarantine summary",
                numbers=["rejected_rows", "files"],
                caption="Rows rejected by rule and column; identifier values are never shown",
            )

    if not is_public():
        with st.expander("Restricted view: files and quarantined rows"):
            files = queries.ledger_files()
            show_table(
                files,
                "Ingest ledger files",
                numbers=["rows_read", "rows_accepted", "rows_rejected"],
                caption="The 500 most recent files",
            )
            rows = queries.quarantined_rows()
            show_table(rows, "Quarantined rows", caption="Up to 500 rows; value shapes only")

    # --- Reconciliation ---------------------------------------------------------------------------
    st.subheader("Reconciliation with Home Office published figures")
    periods = sorted(all_quarters, reverse=True)
    controls = st.columns(2)
    with controls[0]:
        period = url_choice("Quarter", periods, "period")
    year, fy_quarter = period.split(" ")
    recon = (
        sum_counts(
            "reconciliation_home_office",
            ["extract_crimes", "home_office_offences", "difference"],
            ["force_code", "difference_pct"],
            where="financial_year = ? and fy_quarter = ?",
            params=(year, fy_quarter),
        )
        .join(forces().select("force_code", "force_name"), on="force_code", how="left")
        .sort(pl.col("difference_pct").abs(), descending=True, nulls_last=True)
        .select("force_code", "force_name", pl.exclude("force_code", "force_name"))
    )
    if recon.is_empty():
        st.info(f"No Home Office figures to reconcile for {period}.")
    else:
        with controls[1]:
            force_code = choose_force("Force to highlight")
        shown = recon.drop_nulls("difference_pct").with_columns(
            (pl.col("force_code") == force_code).alias("selected")
        )
        bars = (
            alt.Chart(
                shown,
                title=charts.titled(
                    f"Stalking crimes: force extracts against Home Office figures, {period}",
                    "Difference as % of the Home Office figure; positive = extract higher",
                ),
            )
            .mark_bar()
            .encode(
                y=alt.Y(
                    "force_name:N",
                    title=None,
                    sort=shown["force_name"].to_list(),
                    axis=alt.Axis(labelOverlap=False, labelLimit=200),
                ),
                x=alt.X("difference_pct:Q", title="Difference (%)"),
                color=alt.condition(
                    "datum.selected",
                    alt.value(OKABE_ITO["vermillion"]),
                    alt.value(OKABE_ITO["blue"]),
                ),
                tooltip=[
                    "force_name",
                    "extract_crimes",
                    "home_office_offences",
                    alt.Tooltip("difference_pct:Q", format=".2f"),
                ],
            )
            .properties(height=20 * shown.height)
        )
        charts.show(bars)
        within = shown.filter(pl.col("difference_pct").abs() <= 1).height
        text_alternative(
            f"{within} of {shown.height} forces within 1% of the Home Office figure in {period}. "
            f"Largest difference: {shown['force_name'][0]} ({shown['difference_pct'][0]:+.2f}%)."
        )
        show_table(
            recon,
            f"Reconciliation {period}",
            counts=["extract_crimes", "home_office_offences", "difference"],
            decimals={"difference_pct": 2},
        )
        caveat(
            "Small differences are expected: the Home Office tables are taken at a fixed date "
            "and later revisions to a force's extract are not in them."
        )


if __name__ == "__main__":
    main()
