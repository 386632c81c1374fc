"""Overview: national trends and the latest quarter's headline figures, and what changed."""

from __future__ import annotations

import polars as pl
import streamlit as st

from publish.shorthand import NOT_AVAILABLE, REVISED, SUPPRESSED
from reports_app import charts, panel, queries
from reports_app.components import (
    caveat,
    choose_area_and_period,
    fmt_count,
    show_table,
    text_alternative,
)
from reports_app.data import (
    MONTH_QUARTER_SQL,
    NATIONAL_CODE,
    QUARTER_SQL,
    metric,
    sum_counts,
)


def main() -> None:
    st.title("Stalking in England and Wales: overview")
    st.write(
        "National trends in recorded stalking, charging, Stalking Protection Orders, CPS "
        "convictions and helpline demand, by financial quarter (April to June is Q1)."
    )

    def national_series() -> pl.DataFrame:
        crimes = sum_counts(
            "fct_recorded_crime_quarterly",
            ["crimes"],
            [f"{QUARTER_SQL} as period"],
            where="offence_code = '8Q'",
            scope="national",
            revised=True,
        ).rename({"crimes": "stalking_crimes", "crimes_marker": "stalking_crimes_marker"})
        spos = sum_counts(
            "fct_spo_quarterly",
            ["applications", "granted"],
            [f"{QUARTER_SQL} as period"],
            scope="national",
        ).rename(
            {
                "applications": "spo_applications",
                "applications_marker": "spo_applications_marker",
                "granted": "spos_granted",
                "granted_marker": "spos_granted_marker",
            }
        )
        cps = sum_counts(
            "fct_prosecutions_quarterly",
            ["prosecutions_completed", "convictions"],
            [f"{QUARTER_SQL} as period"],
            where="is_stalking_offence",
            scope="national",
        )
        # The one national helpline total (queries.helpline_national).
        helpline = queries.helpline_national(
            ["contacts"], [f"{MONTH_QUARTER_SQL} as period"]
        ).rename({"contacts": "helpline_contacts", "contacts_marker": "helpline_contacts_marker"})
        months = queries.helpline_months_by_quarter()
        charge = queries.national_charge_rate_by_quarter()
        frame = crimes
        for other in (charge, spos, cps, helpline, months):
            frame = frame.join(other, on="period", how="left")
        return frame.sort("period")

    series = national_series()
    if series.is_empty():
        st.info("No force crime extracts have been published yet.")
        st.stop()

    latest, previous = (
        series.row(-1, named=True),
        (series.row(-2, named=True) if series.height > 1 else None),
    )
    st.subheader(f"Latest quarter: {latest['period']}")
    if previous:
        st.caption(f"Changes are against the previous quarter, {previous['period']}.")

    HEADLINES = [
        ("stalking_crimes", "Stalking crimes recorded", "count"),
        ("charge_rate_pct", "Charged or summonsed", "pct"),
        ("spo_applications", "SPO applications", "count"),
        ("convictions", "CPS stalking convictions", "count"),
        ("helpline_contacts", "Helpline contacts", "count"),
    ]

    def headline_value(row: dict | None, column: str, kind: str) -> str:
        if row is None:
            return NOT_AVAILABLE
        value = row.get(column)
        if kind == "pct":
            return NOT_AVAILABLE if value is None else f"{value:.1f}%"
        return fmt_count(value, row.get(f"{column}_marker"))

    def headline_delta(column: str, kind: str) -> tuple[str | None, str]:
        if previous is None or latest.get(column) is None or previous.get(column) is None:
            return None, "no comparable previous figure"
        now, before = latest[column], previous[column]
        if kind == "pct":
            change = now - before
            return f"{change:+.1f} percentage points", f"{change:+.1f} percentage points"
        change = now - before
        rel = f" ({change / before:+.1%})" if before else ""
        return f"{change:+,}{rel}", f"{change:+,}{rel}"

    columns = st.columns(len(HEADLINES))
    changes: list[str] = []
    for slot, (column, label, kind) in zip(columns, HEADLINES, strict=True):
        delta, words = headline_delta(column, kind)
        slot.metric(
            label,
            headline_value(latest, column, kind),
            delta=delta,
            delta_color="off",
            help="Change shown as higher or lower; neither is in itself better or worse.",
        )
        changes.append(
            f"{label}: {headline_value(latest, column, kind)} in {latest['period']}"
            + (f", {words} on {previous['period']}" if previous else "")
        )

    st.markdown("**What changed**")
    changed_forces = queries.funnel_changes(
        latest["period"], previous["period"] if previous else ""
    )
    bullets = [f"- {line}." for line in changes]
    if previous:
        bullets.append(
            f"- Force-metric pairs newly beyond the 99.8% funnel limits: "
            f"{changed_forces['newly_outside']}; back within them: {changed_forces['back_inside']} "
            "(see Force comparison)."
        )
    revised = queries.revised_crime_rows()
    bullets.append(
        f"- Revised force-quarter-offence figures in this snapshot: {revised} {REVISED}."
    )
    st.markdown("\n".join(bullets))
    if (latest.get("helpline_months") or 3) < 3:
        caveat(
            f"Helpline figures for {latest['period']} cover {latest['helpline_months']} of 3 "
            "months so far."
        )
    caveat(
        "Outcomes count by the quarter the crime was recorded, so the latest quarters' charge "
        "rates rise as investigations finish. CPS convictions count prosecutions completed in the "
        "quarter, which are mostly of crimes recorded in earlier quarters."
    )

    accountability_panel()

    st.subheader("National trends")
    TRENDS = [
        ("stalking_crimes", "Stalking crimes (8Q) recorded", "Crimes", ",.0f"),
        (
            "charge_rate_pct",
            f"{metric('charge_rate')['metric_label']} (%)",
            "Per cent of outcomes",
            ".1f",
        ),
        ("spo_applications", "Stalking Protection Order applications", "Applications", ",.0f"),
        ("convictions", "CPS convictions for stalking offences", "Convictions", ",.0f"),
        ("helpline_contacts", "Helpline contacts", "Contacts", ",.0f"),
    ]
    grid = st.columns(2)
    for i, (column, title, y_title, y_format) in enumerate(TRENDS):
        frame = series.select("period", column)
        with grid[i % 2]:
            charts.show(
                charts.line_chart(
                    frame,
                    x="period",
                    y=column,
                    title=charts.titled(title, "England and Wales, by financial quarter"),
                    x_title="Financial quarter",
                    y_title=y_title,
                    y_format=y_format,
                    height=220,
                )
            )
            points = "; ".join(
                f"{p}: {v:,.1f}" if y_format == ".1f" else f"{p}: {v:,.0f}"
                for p, v in frame.drop_nulls().iter_rows()
            )
            text_alternative(f"{title} by quarter: {points or 'no published figures'}.")

    st.subheader("The national series")
    show_table(
        series.drop("helpline_months"),
        "National quarterly series",
        counts=[
            "stalking_crimes",
            "spo_applications",
            "spos_granted",
            "prosecutions_completed",
            "convictions",
            "helpline_contacts",
        ],
        decimals={"charge_rate_pct": 1},
        caption="England and Wales. Charge rate: stalking crimes charged or summonsed as a share "
        "of those with an outcome assigned. Totals are of the 43 territorial forces; helpline "
        "contacts are every contact with a known region, as on the Service demand page",
    )


def accountability_panel() -> None:
    """Issue 18 item 6: one force's action plan, training, SPO use, screening and charging
    against England and Wales and its peers (reports_app.panel)."""
    st.subheader("Accountability panel")
    st.write(
        "For one force: its action-plan progress and its figures beside England and Wales and "
        "its peers, with the funnel-plot class (Force comparison has the intervals)."
    )
    force_code, period, name = choose_area_and_period()
    if force_code == NATIONAL_CODE:
        st.info("Choose a force to see its accountability panel.")
        return
    rows = panel.panel(force_code, period)
    st.dataframe(rows.to_pandas(), hide_index=True, width="stretch")
    text_alternative(
        f"Accountability panel for {name}, {period}: "
        + "; ".join(
            f"{r['Measure']} ({r['Period']}): {r['Force']}, England and Wales "
            f"{r['England and Wales']}, peers {r['Peers']}, {r['Funnel class']}"
            for r in rows.iter_rows(named=True)
        )
        + "."
    )
    caveat(
        f"{SUPPRESSED} marks a figure withheld by disclosure control, {NOT_AVAILABLE} one not "
        "available. Training coverage is by financial year only (forces return it at the "
        "year's end): for a quarter, its year is shown. Action-plan items are "
        "recommendations, not people."
    )


if __name__ == "__main__":
    main()
