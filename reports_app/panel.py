"""The accountability panel of the overview (issue 18 item 6): for one force and period, its
action-plan status, its MASIP, and its figures on training coverage, SPO use, screening and
charging, each beside the national and peer values and its funnel class.

Every figure is read from the published tables as they are: force_comparisons (value, national
and peer values, funnel class, each with its marker, so a withheld value shows as [c] and never
a number), the action-plan tables (statuses and flags, no counts of people) and the MASIP
table (a force's programme facts). Labels and
units come from ref_metrics."""

from __future__ import annotations

import polars as pl

from publish.shorthand import NOT_AVAILABLE
from reports_app import accountability
from reports_app.components import fmt_value, funnel_labels
from reports_app.data import NATIONAL_CODE, comparisons, metric, query, tbl

# The force_comparisons metrics the panel shows, in its order (ids only: ref_metrics defines
# them).
PANEL_METRICS = ("training_coverage", "spo_application_rate", "screening_rate", "charge_rate")
COLUMNS = ("Measure", "Force", "England and Wales", "Peers", "Funnel class", "Period")


def year_of(period: str) -> str:
    """A quarter's financial year ('2025/26 Q1' -> '2025/26'); a year is its own."""
    return period.split(" ")[0]


def metric_row(metric_id: str, force_code: str, period: str) -> dict[str, str]:
    """One metric of one force: the period asked, or its financial year for a metric that
    is yearly only (ref_metrics.quarterly)."""
    m = metric(metric_id)
    shown_period = period if m["quarterly"] or " " not in period else year_of(period)
    rows = comparisons(metric_id, shown_period, force_code)
    row = {"Measure": m["metric_label"], "Period": shown_period}
    if rows.is_empty():
        # No figure at all: the force sent no return for this source and period.
        return row | {
            "Force": "no figure (no return)",
            "England and Wales": NOT_AVAILABLE,
            "Peers": NOT_AVAILABLE,
            "Funnel class": NOT_AVAILABLE,
        }
    r = rows.row(0, named=True)
    return row | {
        "Force": fmt_value(r["value"], m, r["value_marker"]),
        "England and Wales": fmt_value(r["national_value"], m, r["national_value_marker"]),
        "Peers": fmt_value(r["peer_value"], m, r["peer_value_marker"]),
        "Funnel class": funnel_labels(m["direction"]).get(r["funnel_class"], NOT_AVAILABLE),
    }


def action_plan_row(force_code: str, period: str) -> dict[str, str]:
    """The force's action-plan status at the end of the period (its last quarter with
    returns, for a year): items implemented, in progress and overdue, and whether its plan
    was published by the requested date; nationally, the same across every force."""
    statuses = accountability.statuses()
    quarters = statuses.filter(pl.col("quarter").str.starts_with(year_of(period)))
    if " " in period:
        quarters = quarters.filter(pl.col("quarter") == period)
    row = {"Measure": "Action plan (super-complaint recommendations)", "Peers": "not compared"}
    row["Funnel class"] = "not applicable (statuses, not a rate)"
    if quarters.is_empty():
        return row | {"Force": NOT_AVAILABLE, "England and Wales": NOT_AVAILABLE, "Period": period}
    quarter = quarters["quarter"].max()
    at_end = statuses.filter(pl.col("quarter") == quarter)
    publication = accountability.publication()
    own = publication.filter(pl.col("force_code") == force_code)
    published = own["publication"].item() if own.height else NOT_AVAILABLE
    on_time = int((publication["publication_status"] == "published_by_requested_date").sum())
    return row | {
        "Force": f"{status_counts(at_end.filter(pl.col('force_code') == force_code))}; "
        f"plan: {published}",
        "England and Wales": f"{status_counts(at_end)} (all forces); "
        f"{on_time} of {publication.height} forces published by the requested date",
        "Period": quarter,
    }


def status_counts(rows: pl.DataFrame) -> str:
    """'3 implemented, 4 in progress, 2 overdue of 10 recommendations' (items, not people)."""
    if rows.is_empty():
        return "no return"
    implemented = int((rows["status"] == "implemented").sum())
    in_progress = int((rows["status"] == "in_progress").sum())
    overdue = int(rows["is_overdue"].fill_null(False).sum())
    return (
        f"{implemented} implemented, {in_progress} in progress, {overdue} overdue "
        f"of {rows.height} recommendation items"
    )


def masip_row(force_code: str, period: str) -> dict[str, str]:
    """MASIP: whether the force area had a programme in the period's financial year, since
    when and with how many funded places (its return, published.masip_coverage); nationally,
    how many forces had one and the share of residents their areas cover."""
    year = year_of(period)
    rows = query(
        f"select * from {tbl('masip_coverage')} where financial_year = ? and force_code in (?, ?)",
        year,
        force_code,
        NATIONAL_CODE,
    )
    row = {"Measure": "MASIP (multi-agency stalking intervention programme)", "Period": year}
    row |= {"Peers": "not compared", "Funnel class": "not applicable (a programme, not a rate)"}
    own = rows.filter(pl.col("force_code") == force_code)
    national = rows.filter(pl.col("force_code") == NATIONAL_CODE)
    row["Force"] = programme_text(own.row(0, named=True)) if own.height else NOT_AVAILABLE
    if national.height:
        n = national.row(0, named=True)
        share = n["population_share_covered"]
        covered = NOT_AVAILABLE if share is None else f"{share:.0%} of residents covered"
        row["England and Wales"] = (
            f"{n['forces_with_programme']} of {n['forces_returned']} forces returning; {covered}"
        )
    else:
        row["England and Wales"] = NOT_AVAILABLE
    return row


def programme_text(r: dict) -> str:
    """'in place since 2023-04-01, 120 funded places, led by probation', 'no programme' or
    'no return' (a force's own return: programme facts, no counts of people)."""
    if r["programme_status"] == "not_reported":
        return "no return"
    if not r["programme_in_place"]:
        return "no programme"
    places = NOT_AVAILABLE if r["funded_places"] is None else f"{r['funded_places']:,}"
    return (
        f"in place since {r['programme_since']}, {places} funded places, "
        f"led by {r['lead_agency_name']}"
    )


def panel(force_code: str, period: str) -> pl.DataFrame:
    """The panel's rows for one force and period, every value as shown (text with markers)."""
    rows = [action_plan_row(force_code, period)]
    rows += [metric_row(metric_id, force_code, period) for metric_id in PANEL_METRICS]
    rows.insert(2, masip_row(force_code, period))
    return pl.DataFrame(rows).select(COLUMNS)
