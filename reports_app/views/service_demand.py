"""Service demand for funders: helpline and advocacy demand, unmet contacts, waiting lists."""

from __future__ import annotations

import math

import polars as pl
import streamlit as st

from reports_app import charts
from reports_app.components import (
    caveat,
    fmt_count,
    period_label_fn,
    ratio_pct,
    show_table,
    text_alternative,
    url_choice,
    url_number,
)
from reports_app.data import (
    MONTH_FY_SQL,
    NATIONAL_CODE,
    NATIONAL_LABEL,
    exports_dir,
    forces,
    helpline_regional_source,
    query,
    region_names,
    sum_counts,
    tbl,
)

st.title("Service demand")
st.write(
    "Demand on the national stalking helpline and on local stalking advocacy services: contacts "
    "and how many went unanswered, referrals, open cases and waiting lists, by region and over "
    "time. For funders deciding where advocate posts are needed."
)

regions = region_names()


areas = [NATIONAL_CODE, *sorted(regions, key=regions.get)]
area_names = {NATIONAL_CODE: NATIONAL_LABEL, **regions}
years = (
    query(
        f"select distinct {MONTH_FY_SQL} as fy from {tbl('fct_helpline_monthly')} order by 1 desc"
    )
    .get_column("fy")
    .to_list()
)
controls = st.columns(2)
with controls[0]:
    region = url_choice("Area", areas, "region", format_func=area_names.get)
with controls[1]:
    year = url_choice(
        "Financial year (for the regional tables)", years, "period", format_func=period_label_fn()
    )
area = area_names[region]
region_source, all_channels, by_channels = helpline_regional_source()
if region == NATIONAL_CODE:
    helpline_table, region_filter, channel_filter, scope = (
        "fct_helpline_monthly",
        "true",
        "true",
        "national",
    )
    region_params: tuple = ()
else:
    helpline_table, scope = region_source, "forces"
    region_filter = f"region_code = ? and {all_channels}"
    channel_filter = f"region_code = ? and {by_channels}"
    region_params = (region,)

# --- Helpline ---------------------------------------------------------------------------------
st.subheader(f"Helpline contacts: {area}")
HELPLINE = ["contacts", "answered", "unanswered"]
monthly = sum_counts(
    helpline_table,
    HELPLINE,
    ["month"],
    where=region_filter,
    params=region_params,
    scope=scope,
)
by_channel = sum_counts(
    helpline_table,
    ["contacts"],
    ["month", "channel"],
    where=channel_filter,
    params=region_params,
    scope=scope,
)
long = (
    monthly.select("month", "answered", "unanswered")
    .unpivot(index="month", variable_name="status", value_name="contacts")
    .drop_nulls("contacts")
    .with_columns(pl.col("status").replace({"answered": "Answered", "unanswered": "Unanswered"}))
)
left, right = st.columns(2)
with left:
    charts.show(
        charts.line_chart(
            long,
            x="month",
            y="contacts",
            colour="status",
            colour_title="Contacts",
            title=charts.titled("Helpline contacts answered and unanswered", area),
            x_title="Month",
            y_title="Contacts",
        )
    )
with right:
    charts.show(
        charts.line_chart(
            by_channel.drop_nulls("contacts"),
            x="month",
            y="contacts",
            colour="channel",
            colour_title="Channel",
            title=charts.titled("Helpline contacts by channel", area),
            x_title="Month",
            y_title="Contacts",
        )
    )
withheld = monthly.filter(pl.col("contacts").is_null()).height
if withheld:
    st.caption(
        f"{withheld} of {monthly.height} months have a withheld figure ([c]) and are not plotted."
    )
recent = monthly.tail(3)
text_alternative(
    f"Last three months, {area}: "
    + "; ".join(
        f"{r['month']}: {fmt_count(r['contacts'], r['contacts_marker'])} contacts, "
        f"{fmt_count(r['unanswered'], r['unanswered_marker'])} unanswered"
        for r in recent.iter_rows(named=True)
    )
    + "."
)
if region != NATIONAL_CODE:
    caveat(
        "Regional figures include contacts whose force area was unknown but whose region "
        "was given. A regional total that includes a suppressed cell is shown as [c]."
    )

st.subheader(f"Helpline demand by region, {year}")
population = forces().group_by("region_code").agg(pl.col("population").sum())
by_region = (
    sum_counts(
        region_source,
        HELPLINE,
        ["region_code"],
        where=f"{MONTH_FY_SQL} = ? and {all_channels} and region_code is not null",
        params=(year,),
    )
    .join(population, on="region_code", how="left")
    .with_columns(
        pl.col("region_code").replace_strict(regions, default="Region not known").alias("region"),
        ratio_pct(pl.col("answered"), pl.col("contacts")).alias("answered_pct"),
        (pl.col("contacts") / pl.col("population") * 100_000).alias("contacts_per_100k"),
    )
    .select(
        "region",
        "region_code",
        *[c for col in HELPLINE for c in (col, f"{col}_marker")],
        "answered_pct",
        "contacts_per_100k",
    )
)
show_table(
    by_region,
    f"Helpline by region {year}",
    counts=HELPLINE,
    pct=["answered_pct"],
    decimals={"contacts_per_100k": 1},
    caption="Contacts from the region's force areas and those with a region but no known force "
    "area. Contacts per 100,000 residents use ONS mid-2023 population. A per cent or rate is "
    "[c] when a count it needs is suppressed",
)

# --- Advocacy ---------------------------------------------------------------------------------
st.subheader(f"Stalking advocacy services: {area}")
ADVOCACY = [
    "referrals_received",
    "cases_opened",
    "cases_closed",
    "open_cases_end",
    "waiting_list_end",
]
force_region = "force_code in (select force_code from {dim} where region_code = ?)".format(
    dim=tbl("dim_force")
)
adv_filter = "true" if region == NATIONAL_CODE else force_region
advocacy = sum_counts(
    "fct_advocacy_monthly", ADVOCACY, ["month"], where=adv_filter, params=region_params, scope=scope
)
fte = query(
    f"select month, sum(advocate_fte) as advocate_fte from {tbl('fct_advocacy_monthly')} "
    f"where force_code is distinct from '{NATIONAL_CODE}' and ({adv_filter}) group by 1",
    *region_params,
)
advocacy = advocacy.join(fte, on="month", how="left").sort("month")
stock = (
    advocacy.select("month", "waiting_list_end", "open_cases_end")
    .unpivot(index="month", variable_name="measure", value_name="cases")
    .drop_nulls("cases")
    .with_columns(
        pl.col("measure").replace(
            {"waiting_list_end": "Waiting for an advocate", "open_cases_end": "Open cases"}
        )
    )
)
charts.show(
    charts.line_chart(
        stock,
        x="month",
        y="cases",
        colour="measure",
        colour_title="At month end",
        title=charts.titled("Advocacy open cases and waiting list at month end", area),
        x_title="Month",
        y_title="Cases",
    )
)
if advocacy.height:
    last = advocacy.row(-1, named=True)
    first = advocacy.row(0, named=True)
    waiting_then = fmt_count(first["waiting_list_end"], first["waiting_list_end_marker"])
    waiting_now = fmt_count(last["waiting_list_end"], last["waiting_list_end_marker"])
    text_alternative(
        f"{area}: waiting list {waiting_then} at the end of {first['month']}, {waiting_now} at "
        f"the end of {last['month']}; open cases "
        f"{fmt_count(last['open_cases_end'], last['open_cases_end_marker'])}; "
        f"{(last['advocate_fte'] or 0):.1f} advocate FTE."
    )
show_table(advocacy, f"Advocacy monthly {area}", counts=ADVOCACY, decimals={"advocate_fte": 1})

# --- What-if ----------------------------------------------------------------------------------
st.subheader("What if: advocate posts needed to clear the waiting list")
controls = st.columns(2)
with controls[0]:
    caseload = url_number(
        "Caseload per full-time advocate (open cases at once)",
        "caseload",
        min_value=5,
        max_value=60,
        default=25,
    )
with controls[1]:
    months = url_number(
        "Months to clear the waiting list", "months", min_value=1, max_value=24, default=6
    )
recent = advocacy.tail(3)
needed = [
    "waiting_list_end",
    "open_cases_end",
    "cases_closed",
    "cases_opened",
    "referrals_received",
]
if recent.is_empty() or any(recent[c].null_count() for c in needed):
    st.info(
        f"The what-if needs the latest waiting list, open cases and monthly flows for {area}; "
        "one or more are suppressed or missing. Choose a larger area."
    )
else:
    last = recent.row(-1, named=True)
    waiting, open_cases = last["waiting_list_end"], last["open_cases_end"]
    closed = recent["cases_closed"].mean()
    growth = recent["referrals_received"].mean() - recent["cases_opened"].mean()
    months_per_case = open_cases / closed if closed else float("nan")
    starts_needed = waiting / months + max(growth, 0)
    extra_fte = starts_needed * months_per_case / caseload
    current_fte = last["advocate_fte"] or 0.0
    cols = st.columns(3)
    cols[0].metric("Waiting at end of " + last["month"], f"{waiting:,}")
    cols[1].metric("Advocate posts in post (FTE)", f"{current_fte:.1f}")
    cols[2].metric(
        "Extra advocate posts needed (FTE)", "n/a" if math.isnan(extra_fte) else f"{extra_fte:.1f}"
    )
    st.caption(
        f"How: cases last about {months_per_case:.1f} months (open cases ÷ cases closed a "
        f"month, last 3 months). To clear {waiting:,} waiting in {months} months, services must "
        f"start {waiting / months:.1f} extra cases a month, plus {max(growth, 0):.1f} a month "
        f"by which referrals now outrun new cases. At {caseload} open cases per advocate, each "
        f"full-time advocate can start {caseload / months_per_case:.1f} cases a month, so "
        f"{extra_fte:.1f} extra FTE are needed for the period. Current caseload: "
        f"{open_cases / current_fte if current_fte else float('nan'):.1f} open cases per FTE."
    )
    caveat(
        "A planning estimate, not a forecast: it assumes referrals, case length and "
        "caseloads stay as they were in the last three months."
    )

# --- Report download -------------------------------------------------------------------------
report = exports_dir() / "service_demand_report.html"
if report.is_file():
    st.download_button(
        "Download the service demand report (HTML)",
        report.read_bytes(),
        file_name=report.name,
        mime="text/html",
        key="download_service_report",
        on_click="ignore",
    )
else:
    st.caption(
        "The service demand report (exports/service_demand_report.html) is not in this "
        "snapshot's exports yet."
    )
