"""Funding and capacity (issue 18 item 5): specialist stalking services' funding by funder,
their advocate posts and caseload places against the demand the published advocacy figures
show, and what clearing the waiting lists would cost beside the national ask, with the
assumptions printed. Every figure comes from service_demand_capacity_yearly and
service_funding_yearly; a withheld demand figure stays withheld, and so does its cost."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from publish.shorthand import NOT_AVAILABLE, SUPPRESSED, format_pounds
from reports_app import charts
from reports_app.components import (
    caveat,
    default_period,
    fmt_count,
    period_label_fn,
    show_table,
    text_alternative,
    url_choice,
)
from reports_app.data import NATIONAL_CODE, NATIONAL_LABEL
from reports_app.serving import run

SERVICE_AREAS_TOTAL = "X00000001"  # reference.areas: one service's total over its areas
DEMAND_CAPACITY = """
    select * from {stats}.service_demand_capacity_yearly
    order by financial_year, service_name = 'All services', service_name, force_code
"""
FUNDING_BY_SOURCE = """
    select financial_year, funding_source_label as funder, sum(funding_gbp) as funding_gbp,
        sum(advocate_fte) as advocate_fte, sum(caseload_capacity) as caseload_capacity
    from {stats}.service_funding_yearly
    where financial_year = ?
    group by financial_year, funding_source_label
    order by funding_gbp desc
"""
DEMAND_COUNTS = ["referrals_received", "waiting_list_end", "open_cases_end"]


st.title("Funding and capacity")
st.markdown(
    "How specialist stalking services are funded, the advocate posts and caseload places "
    "that funding pays for, and the demand on them: referrals and waiting lists from the "
    "published advocacy figures. And what clearing the waiting lists would cost, beside the "
    "national ask."
)
frame = run(DEMAND_CAPACITY)
if frame.is_empty():
    st.info("No service funding returns or advocacy figures have been received yet.")
    st.stop()

years = sorted(frame["financial_year"].unique().to_list())
year = url_choice(
    "Financial year", years, "period", default=default_period(years), format_func=period_label_fn()
)
chosen = frame.filter(pl.col("financial_year") == year)
national = chosen.filter(pl.col("force_code") == NATIONAL_CODE)
params = chosen.row(0, named=True)

# --- the clearing cost beside the national ask ----------------------------------------------
st.subheader(f"The cost of clearing the waiting lists, {year}")
row = national.row(0, named=True) if national.height else None
cost, marker = (row["clearing_cost_gbp"], row["clearing_cost_gbp_marker"]) if row else (None, None)
cols = st.columns(3)
share = row["clearing_cost_share_of_ask"] if row else None
waiting = NOT_AVAILABLE
if row:
    waiting = fmt_count(row["waiting_list_end"], row["waiting_list_end_marker"])
of_ask = f", {share:.1%} of the national ask" if share is not None else ""
cols[0].metric("Waiting for an advocate, England and Wales", waiting)
cols[1].metric("Cost of clearing the waiting lists", format_pounds(cost, marker))
cols[2].metric("The national ask", format_pounds(params["national_ask_gbp"]))
text_alternative(
    f"In {year}, clearing the waiting list of {waiting} at the end of "
    f"{row['year_end_month'] if row else 'the year'} would cost about {format_pounds(cost, marker)}"
    f"{of_ask}; the national ask is {format_pounds(params['national_ask_gbp'])}."
)
caveat(
    "How: the waiting list at the year's end ÷ cases one full-time advocate clears in a year "
    f"({params['cases_cleared_per_fte_year']:,.0f}; source: {params['cases_cleared_source']}) × "
    f"the cost of one advocate for a year (£{params['advocate_cost_per_fte']:,.0f}; source: "
    f"{params['advocate_cost_source']}). The national ask: {params['national_ask_source']}. "
    "A planning estimate of one year's advocate time for the people waiting, not a costing of "
    f"services; a cost built from a withheld waiting list is withheld too ({SUPPRESSED})."
)

# --- demand against capacity by service -----------------------------------------------------
st.subheader(f"Demand against capacity by service, {year}")
services = chosen.filter(pl.col("force_code") == SERVICE_AREAS_TOTAL)
plotted = services.filter(pl.col("caseload_capacity").is_not_null()).select(
    "service_name",
    pl.col("caseload_capacity").alias("Caseload places"),
    pl.col("open_cases_end").alias("Open cases at year end"),
    pl.col("waiting_list_end").alias("Waiting at year end"),
)
if plotted.height:
    long = plotted.unpivot(index="service_name", variable_name="measure", value_name="cases")
    chart = (
        alt.Chart(
            long.drop_nulls("cases"),
            title=charts.titled(
                "Caseload places, open cases and waiting list by service", str(year)
            ),
        )
        .mark_bar()
        .encode(
            y=alt.Y("service_name:N", title="Service", sort=None),
            x=alt.X("cases:Q", title="Cases"),
            yOffset="measure:N",
            color=alt.Color("measure:N", title="Measure"),
            tooltip=["service_name:N", "measure:N", alt.Tooltip("cases:Q", format=",")],
        )
    )
    charts.show(chart)
    fullest = services.drop_nulls("cases_per_fte").sort("cases_per_fte").tail(1)
    text_alternative(
        f"{services.height} services in {year}. "
        + (
            f"Most open cases per advocate FTE: {fullest['service_name'][0]}, "
            f"{fullest['cases_per_fte'][0]:.1f}."
            if fullest.height
            else "No service's caseload per advocate is published."
        )
    )
table = chosen.select(
    "service_name",
    "force_code",
    pl.col("area_label").alias("area"),
    "year_end_month",
    *[c for col in DEMAND_COUNTS for c in (col, f"{col}_marker")],
    "funding_gbp",
    "advocate_fte",
    "caseload_capacity",
    "capacity_covers_all_areas",
    "cases_per_fte",
    "cases_per_fte_marker",
    "fte_to_clear_waiting_list",
    "fte_to_clear_waiting_list_marker",
    "clearing_cost_gbp",
    "clearing_cost_gbp_marker",
    "period_status",
    "period_status_marker",
)
show_table(
    table,
    f"Demand against capacity {year}",
    counts=DEMAND_COUNTS,
    decimals={
        "funding_gbp": 0,
        "advocate_fte": 2,
        "caseload_capacity": 0,
        "cases_per_fte": 1,
        "fte_to_clear_waiting_list": 2,
        "clearing_cost_gbp": 0,
    },
    period=year,
    caption="Each service and force area it serves, each service's total over its areas "
    f"({SERVICE_AREAS_TOTAL}) and all services ({NATIONAL_CODE}). Referrals: the year's "
    "published months summed; waiting list and open cases: the year's last published month. "
    "Capacity: the services' funding returns (cases the funded posts can hold at once). "
    f"A figure built from a withheld one is withheld ({SUPPRESSED}); {NOT_AVAILABLE}: no return",
)

# --- funding by funder ------------------------------------------------------------------------
st.subheader(f"Funding by funder, {year}")
funders = run(FUNDING_BY_SOURCE, year)
if funders.height:
    total = funders["funding_gbp"].sum()
    text_alternative(
        f"{format_pounds(float(total))} from {funders.height} kinds of funder in {year}; the "
        "largest, "
        f"{funders['funder'][0]}, gave {format_pounds(float(funders['funding_gbp'][0]))}."
    )
show_table(
    funders,
    f"Funding by funder {year}",
    decimals={"funding_gbp": 0, "advocate_fte": 2, "caseload_capacity": 0},
    period=year,
    area=(NATIONAL_CODE, NATIONAL_LABEL),
    caption="Pounds from each kind of funder, over every service funding return of the year, "
    "and the advocate posts and caseload places that funding pays for",
)
