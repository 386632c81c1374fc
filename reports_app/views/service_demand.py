"""Service demand for funders: helpline and advocacy demand, unmet contacts, waiting lists,
by region and by service, and what clearing a waiting list would take."""

from __future__ import annotations

import math

import polars as pl
import streamlit as st

from publish.shorthand import SUPPRESSED, sum_with_markers
from reports_app import charts, queries
from reports_app.components import (
    caveat,
    default_period,
    download_export,
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
    forces,
    region_names,
    sum_counts,
)
from reports_app.format import stacked

HELPLINE = ["contacts", "answered", "unanswered"]
ADVOCACY = queries.ADVOCACY_COUNTS
SERVICE = "service:"


def helpline_monthly(region: str | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Monthly contacts (all channels, and by channel) for England and Wales (the one
    national total, :func:`queries.helpline_national`) or one region (its regional rows)."""
    if region is None:
        return (
            queries.helpline_national(HELPLINE, ["month"]),
            queries.helpline_national(["contacts"], ["month", "channel"]),
        )
    table, all_channels, by_channel = queries.helpline_source()
    where, params = "region_code = ?", (region,)
    return (
        sum_counts(table, HELPLINE, ["month"], where=f"{all_channels} and {where}", params=params),
        sum_counts(
            table,
            ["contacts"],
            ["month", "channel"],
            where=f"{by_channel} and {where}",
            params=params,
        ),
    )


def helpline_by_region(year: str, regions: dict[str, str]) -> pl.DataFrame:
    """Contacts by region for a financial year, and the England and Wales total (the one
    national total, which leaves out contacts whose force area is not known)."""
    table, all_channels, _ = queries.helpline_source()
    regional = sum_counts(
        table,
        HELPLINE,
        ["region_code"],
        where=f"{MONTH_FY_SQL} = ? and {all_channels} and region_code is not null",
        params=(year,),
    ).sort(pl.col("region_code").replace_strict(regions, default=""))
    national = queries.helpline_national(
        HELPLINE, [f"'{NATIONAL_CODE}' as region_code"], f"{MONTH_FY_SQL} = ?", (year,)
    )
    population = forces().group_by("region_code").agg(pl.col("population").sum())
    population = pl.concat(
        [
            population,
            pl.DataFrame(
                {"region_code": [NATIONAL_CODE], "population": [population["population"].sum()]}
            ),
        ],
        how="vertical_relaxed",
    )
    names = {**regions, NATIONAL_CODE: NATIONAL_LABEL}
    return (
        pl.concat([regional, national.select(regional.columns)], how="vertical_relaxed")
        .join(population, on="region_code", how="left")
        .with_columns(
            pl.col("region_code").replace_strict(names, default="Region not known").alias("region"),
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


def advocacy_for(area: str, services: pl.DataFrame) -> pl.DataFrame:
    """Monthly advocacy counts and FTE for England and Wales, a region (its services'
    totals summed) or one service."""
    if area == NATIONAL_CODE:
        counts = sum_counts("fct_advocacy_monthly", ADVOCACY, ["month"], scope="national")
        fte = services.group_by("month").agg(pl.col("advocate_fte").sum())
        return counts.join(fte, on="month", how="left").sort("month")
    if area.startswith(SERVICE):
        chosen = services.filter(pl.col("service_name") == area.removeprefix(SERVICE))
    else:
        chosen = services.filter(pl.col("region_code") == area)
    counts = sum_with_markers(chosen.sort("month"), ADVOCACY, ["month"])
    fte = chosen.group_by("month").agg(pl.col("advocate_fte").sum())
    return counts.join(fte, on="month", how="left").sort("month")


def waiting_by_region(services: pl.DataFrame, regions: dict[str, str]) -> pl.DataFrame:
    """Per region, at the latest month: waiting list, open cases, advocate FTE and services."""
    if services.is_empty():
        return services
    latest = services["month"].max()
    now = services.filter(pl.col("month") == latest).with_columns(
        pl.col("region_code").fill_null("several")
    )
    table = sum_with_markers(now, ["waiting_list_end", "open_cases_end"], ["region_code"]).join(
        now.group_by("region_code").agg(
            pl.col("advocate_fte").sum(), pl.col("service_name").n_unique().alias("services")
        ),
        on="region_code",
    )
    names = {**regions, "several": "Services crossing a regional boundary"}
    return (
        table.with_columns(
            pl.col("region_code").replace_strict(names, default="").alias("region"),
            pl.lit(latest).alias("month"),
            (pl.col("waiting_list_end") / pl.col("advocate_fte")).alias("waiting_per_fte"),
        )
        .sort("region")
        .select(
            "region",
            "region_code",
            "month",
            "services",
            "waiting_list_end",
            "waiting_list_end_marker",
            "open_cases_end",
            "open_cases_end_marker",
            "advocate_fte",
            "waiting_per_fte",
        )
    )


def case_months(advocacy: pl.DataFrame, month: str) -> float | None:
    """How many months a case lasts (open cases ÷ cases closed a month), from the up to three
    published months to ``month``; None when no cases closed are published in them."""
    window = advocacy.filter(pl.col("month") <= month).tail(3)
    closed = window["cases_closed"].mean()
    open_cases = window.filter(pl.col("month") == month)["open_cases_end"]
    if not closed or open_cases.is_empty() or open_cases[0] is None:
        return None
    return open_cases[0] / closed


def what_if(advocacy: pl.DataFrame, area_name: str, national: pl.DataFrame) -> None:
    st.subheader(f"What if: advocate posts needed to clear the waiting list, {area_name}")
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
    # The latest month with the waiting list published, and the flows of the three months to it
    # (those published): a month withheld for a small flow no longer blocks the estimate.
    stocked = advocacy.filter(pl.col("waiting_list_end").is_not_null())
    if stocked.is_empty():
        st.info(
            f"The what-if needs a published waiting list for {area_name}; every recent month "
            "is suppressed or missing. Choose a larger area."
        )
        return
    last = stocked.row(-1, named=True)
    window = advocacy.filter(pl.col("month") <= last["month"]).tail(3)
    months_per_case = case_months(advocacy, last["month"])
    length_source = f"{area_name}'s open cases ÷ cases closed a month"
    if months_per_case is None:
        # A small area's monthly closures are withheld (counts of 1-4): its cases are taken to
        # last as long as cases do nationally, and the caption says so.
        national_last = national.filter(pl.col("month") <= last["month"])
        months_per_case = (
            case_months(national, national_last["month"].max()) if national_last.height else None
        )
        length_source = (
            f"England and Wales open cases ÷ cases closed a month: {area_name}'s cases "
            "closed are withheld as small numbers"
        )
    if not months_per_case:
        st.info(f"No cases closed are published for {area_name} or England and Wales.")
        return
    referrals, opened = window["referrals_received"].mean(), window["cases_opened"].mean()
    growth = (referrals - opened) if referrals is not None and opened is not None else 0.0
    waiting = last["waiting_list_end"]
    starts_needed = waiting / months + max(growth, 0)
    extra_fte = starts_needed * months_per_case / caseload
    current_fte = last["advocate_fte"] or 0.0
    cols = st.columns(3)
    cols[0].metric("Waiting at end of " + last["month"], f"{waiting:,}")
    cols[1].metric("Advocate posts in post (FTE)", f"{current_fte:.1f}")
    cols[2].metric(
        "Extra advocate posts needed (FTE)", "n/a" if math.isnan(extra_fte) else f"{extra_fte:.1f}"
    )
    growth_text = (
        f"plus {max(growth, 0):.1f} a month by which referrals now outrun new cases"
        if referrals is not None and opened is not None
        else "with no allowance for referrals outrunning new cases (those flows are withheld)"
    )
    st.caption(
        f"How: cases last about {months_per_case:.1f} months ({length_source}, up to 3 months "
        f"to {last['month']}, published months only). To clear {waiting:,} waiting in {months} "
        f"months, services must start {waiting / months:.1f} extra cases a month, "
        f"{growth_text}. At {caseload} open cases per advocate, each full-time advocate can "
        f"start {caseload / months_per_case:.1f} cases a month, so {extra_fte:.1f} extra FTE "
        "are needed for the period."
    )
    caveat(
        "A planning estimate, not a forecast: it assumes referrals, case length and "
        "caseloads stay as they were in the last three months."
    )


def main() -> None:
    st.title("Service demand")
    st.write(
        "Demand on the national stalking helpline and on local stalking advocacy services: "
        "contacts and how many went unanswered, referrals, open cases and waiting lists, by "
        "region, by service and over time. For funders deciding where advocate posts are needed."
    )
    regions = region_names()
    services = queries.service_totals()
    service_names = sorted(services["service_name"].unique().to_list())
    area_names = {NATIONAL_CODE: NATIONAL_LABEL}
    area_names |= {c: f"Region: {regions[c]}" for c in sorted(regions, key=regions.get)}
    area_names |= {f"{SERVICE}{s}": f"Service: {s}" for s in service_names}
    years = queries.helpline_years()
    controls = st.columns(2)
    with controls[0]:
        area = url_choice("Area", list(area_names), "region", format_func=area_names.get)
    with controls[1]:
        year = url_choice(
            "Financial year (for the regional tables)",
            years,
            "period",
            default=default_period(years),
            format_func=period_label_fn(),
        )
    name = area_names[area].removeprefix("Region: ")
    if area.startswith(SERVICE):
        region = services.filter(pl.col("service_name") == area.removeprefix(SERVICE))[
            "region_code"
        ][0]
    else:
        region = None if area == NATIONAL_CODE else area
    helpline_area = NATIONAL_LABEL if region is None else regions[region]

    # --- Helpline -----------------------------------------------------------------------------
    st.subheader(f"Helpline contacts: {helpline_area}")
    monthly, by_channel = helpline_monthly(region)
    long = stacked(
        monthly,
        "month",
        {"answered": "Answered", "unanswered": "Unanswered"},
        name="status",
        value="contacts",
    )
    contacts_by_month = {"x": "month", "y": "contacts", "x_title": "Month", "y_title": "Contacts"}
    charts.show_side_by_side(
        charts.line_chart(
            long,
            colour="status",
            colour_title="Contacts",
            title=charts.titled("Helpline contacts answered and unanswered", helpline_area),
            **contacts_by_month,
        ),
        charts.line_chart(
            by_channel,
            colour="channel",
            colour_title="Channel",
            title=charts.titled("Helpline contacts by channel", helpline_area),
            **contacts_by_month,
        ),
    )
    withheld = monthly.filter(pl.col("contacts").is_null()).height
    if withheld:
        st.caption(
            f"{withheld} of {monthly.height} months have a withheld figure ({SUPPRESSED}): "
            "the lines break there."
        )
    text_alternative(
        f"Last three months, {helpline_area}: "
        + "; ".join(
            f"{r['month']}: {fmt_count(r['contacts'], r['contacts_marker'])} contacts, "
            f"{fmt_count(r['unanswered'], r['unanswered_marker'])} unanswered"
            for r in monthly.tail(3).iter_rows(named=True)
        )
        + "."
    )
    show_table(
        monthly,
        f"Helpline monthly {helpline_area}",
        counts=HELPLINE,
        area=(region or NATIONAL_CODE, helpline_area),
    )
    show_table(
        by_channel,
        f"Helpline monthly by channel {helpline_area}",
        counts=["contacts"],
        area=(region or NATIONAL_CODE, helpline_area),
        height=240,
    )

    st.subheader(f"Helpline demand by region, {year}")
    show_table(
        helpline_by_region(year, regions),
        f"Helpline by region {year}",
        counts=HELPLINE,
        pct=["answered_pct"],
        decimals={"contacts_per_100k": 1},
        period=year,
        caption="Contacts from each region, including those whose force area was not known; the "
        "England and Wales row is the one national helpline total (the 43 force areas), so the "
        "regions add up to more by the contacts whose force area was not known. Per 100,000 "
        "residents: ONS mid-2023 population. A total, per cent or rate is "
        f"{SUPPRESSED} when a count it needs is suppressed",
    )

    # --- Advocacy -----------------------------------------------------------------------------
    st.subheader(f"Stalking advocacy services: {name}")
    advocacy = advocacy_for(area, services)
    stock = stacked(
        advocacy,
        "month",
        {"waiting_list_end": "Waiting for an advocate", "open_cases_end": "Open cases"},
        name="measure",
        value="cases",
    )
    charts.show(
        charts.line_chart(
            stock,
            x="month",
            y="cases",
            colour="measure",
            colour_title="At month end",
            title=charts.titled("Advocacy open cases and waiting list at month end", name),
            x_title="Month",
            y_title="Cases",
        )
    )
    if advocacy.height:
        last, first = advocacy.row(-1, named=True), advocacy.row(0, named=True)
        text_alternative(
            f"{name}: waiting list "
            f"{fmt_count(first['waiting_list_end'], first['waiting_list_end_marker'])} at the "
            f"end of {first['month']}, "
            f"{fmt_count(last['waiting_list_end'], last['waiting_list_end_marker'])} at the end "
            f"of {last['month']}; open cases "
            f"{fmt_count(last['open_cases_end'], last['open_cases_end_marker'])}; "
            f"{(last['advocate_fte'] or 0):.1f} advocate FTE."
        )
    show_table(
        advocacy,
        f"Advocacy monthly {name}",
        counts=ADVOCACY,
        decimals={"advocate_fte": 1},
        area=(area.removeprefix(SERVICE), name),
    )
    if region is not None and not area.startswith(SERVICE):
        caveat(
            "A region's advocacy figures are the sum of the totals of the services whose areas "
            "all lie in it, as each service publishes them."
        )

    st.subheader("Waiting lists by region")
    by_region = waiting_by_region(services, regions)
    show_table(
        by_region,
        "Advocacy waiting lists by region",
        counts=["waiting_list_end", "open_cases_end"],
        decimals={"advocate_fte": 1, "waiting_per_fte": 1},
        numbers=["services"],
        caption="At the end of the latest month, from each service's published totals. Waiting "
        "per FTE: people waiting for each full-time advocate in post",
    )

    what_if(advocacy, name, advocacy_for(NATIONAL_CODE, services))

    # --- Report download ------------------------------------------------------------------------
    download_export(
        "service_demand_report.html",
        "Download the service demand report (HTML)",
        mime="text/html",
        key="download_service_report",
        what="The service demand report",
    )


if __name__ == "__main__":
    main()
