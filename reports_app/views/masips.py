"""MASIPs: which force areas have a Multi-Agency Stalking Intervention Programme, since when and
with how many funded places, against the MASIP referral rate the crime data give (issue 18).
The rate is the published force comparison's own figure, withheld where it is withheld there;
the programme facts are a force's return, no counts of people."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from publish.shorthand import NOT_AVAILABLE, SUPPRESSED
from reports_app import charts
from reports_app.components import (
    caveat,
    default_period,
    period_label_fn,
    show_table,
    text_alternative,
    url_choice,
)
from reports_app.data import NATIONAL_CODE, metric
from reports_app.serving import run

COVERAGE = """
    select * from {stats}.masip_coverage order by financial_year, force_code
"""
STATUS_LABELS = {
    "in_place": "Programme in place",
    "not_in_place": "No programme",
    "not_reported": "No return",
}
STATUS_COLOURS = ["#009E73", "#E69F00", "#BBBBBB"]  # Okabe-Ito, grey for no return
RATE = metric("masip_referral_rate")  # label and definition from reference.ref_metrics


def shown_pct(column: str) -> pl.Expr:
    return (pl.col(column) * 100).round(1)


st.title("MASIPs")
st.markdown(
    "Multi-Agency Stalking Intervention Programmes (MASIPs) bring the police, probation and "
    "health services together to assess and manage stalking perpetrators. Each force returns, "
    "for each financial year, whether a programme is in place in its area, since when, the "
    "perpetrator cases it is funded to take and its lead agency. They are set here against "
    "the share of recorded stalking crimes the force referred to a MASIP."
)
caveat(
    f"The referral rate is the published force comparison ({RATE['numerator_description']} "
    f"per {RATE['denominator_description'].removesuffix('s')}) with its 95% interval and funnel "
    f"class, withheld {SUPPRESSED} where that table withholds it. A rate next to a programme "
    "is no measure of the programme's effect: forces differ in how they record referrals and "
    "in the crimes they see."
)
frame = run(COVERAGE)
if frame.is_empty():
    st.info("No MASIP returns or referral rates have been received yet.")
    st.stop()

years = sorted(frame["financial_year"].unique().to_list())
year = url_choice(
    "Financial year",
    years[::-1],
    "period",
    default=default_period(years),
    format_func=period_label_fn(),
)
chosen = frame.filter(pl.col("financial_year") == year)
national = chosen.filter(pl.col("force_code") == NATIONAL_CODE).row(0, named=True)
forces = chosen.filter(pl.col("force_code") != NATIONAL_CODE).with_columns(
    pl.col("programme_status").replace_strict(STATUS_LABELS).alias("status_label")
)

left, middle, right = st.columns(3)
left.metric(
    "Forces with a programme",
    f"{national['forces_with_programme']} of {forces.height}",
    help=f"{national['forces_returned']} forces sent a MASIP return for {year}.",
)
share = national["population_share_covered"]
middle.metric(
    "Population living in an area with a programme",
    NOT_AVAILABLE if share is None else f"{share * 100:.1f}%",
)
rate = national["masip_referral_rate"]
right.metric(
    f"{RATE['metric_label']}, England and Wales",
    (national["masip_referral_rate_marker"] or NOT_AVAILABLE)
    if rate is None
    else f"{rate * 100:.1f}%",
)

# --- the chart: each force's rate by programme status, against the national rate -----------
plotted = forces.filter(pl.col("masip_referral_rate").is_not_null()).select(
    pl.col("area_label").alias("force"),
    "status_label",
    shown_pct("masip_referral_rate").alias("rate_pct"),
    shown_pct("ci95_low").alias("low_pct"),
    shown_pct("ci95_high").alias("high_pct"),
)
if plotted.height:
    status_scale = alt.Scale(domain=list(STATUS_LABELS.values()), range=STATUS_COLOURS)
    base = alt.Chart(plotted)
    x = alt.X("status_label:N", title=None, sort=list(STATUS_LABELS.values()))
    y_title = f"{RATE['metric_label']} (%)"
    layers = [
        base.mark_rule(opacity=0.35).encode(
            x=x, xOffset="force:N", y=alt.Y("low_pct:Q", title=y_title), y2="high_pct:Q"
        ),
        base.mark_point(filled=True, size=60).encode(
            x=x,
            xOffset="force:N",
            y="rate_pct:Q",
            color=alt.Color("status_label:N", scale=status_scale, title="Programme"),
            tooltip=[
                alt.Tooltip("force:N", title="Force"),
                alt.Tooltip("status_label:N", title="Programme"),
                alt.Tooltip("rate_pct:Q", title="Referred (%)", format=".1f"),
                alt.Tooltip("low_pct:Q", title="Interval from (%)", format=".1f"),
                alt.Tooltip("high_pct:Q", title="Interval to (%)", format=".1f"),
            ],
        ),
    ]
    if rate is not None:
        layers.append(
            alt.Chart(pl.DataFrame({"national_pct": [round(rate * 100, 1)]}))
            .mark_rule(strokeDash=[4, 4], color="#000000")
            .encode(y="national_pct:Q")
        )
    title = charts.titled(
        f"{RATE['metric_label']} by programme status, {year}",
        "Each force's rate with its 95% interval; dashed line: England and Wales. Withheld "
        "rates are not drawn.",
    )
    charts.show(alt.layer(*layers).properties(title=title, height=320))
    medians = plotted.group_by("status_label").agg(
        pl.col("rate_pct").median().alias("median"), pl.len().alias("forces")
    )
    described = "; ".join(
        f"{row['status_label'].lower()}: {row['forces']} force{'' if row['forces'] == 1 else 's'}, "
        f"median {row['median']:.1f}%"
        for row in medians.sort("status_label").iter_rows(named=True)
    )
    national_text = "withheld" if rate is None else f"{rate * 100:.1f}%"
    text_alternative(
        f"In {year}, {national['forces_with_programme']} forces had a MASIP. "
        f"{RATE['metric_label']}, by programme status: {described}. England and Wales: "
        f"{national_text}."
    )
else:
    st.info(f"No force's referral rate for {year} is published.")

# --- the tables --------------------------------------------------------------------------------
st.subheader("Each force")
table = forces.select(
    "force_code",
    pl.col("area_label").alias("force_name"),
    "financial_year",
    pl.col("status_label").alias("programme"),
    pl.col("programme_since").cast(pl.String),
    "funded_places",
    "lead_agency_name",
    shown_pct("masip_referral_rate").alias("referral_rate_pct"),
    shown_pct("ci95_low").alias("ci95_low_pct"),
    shown_pct("ci95_high").alias("ci95_high_pct"),
    "funnel_class",
    pl.col("masip_referral_rate_marker").alias("value_marker"),
).sort("force_name")
show_table(
    table,
    f"MASIPs by force {year}",
    pct=["referral_rate_pct", "ci95_low_pct", "ci95_high_pct"],
    numbers=["funded_places"],
    caption=(
        "Funded places: the perpetrator cases the programme can take in the year, as the "
        "force returned it (a capacity, not a count of people)"
    ),
)

st.subheader("England and Wales, every year")
national_years = frame.filter(pl.col("force_code") == NATIONAL_CODE).select(
    "force_code",
    pl.col("area_label").alias("force_name"),
    "financial_year",
    "forces_returned",
    "forces_with_programme",
    "funded_places",
    shown_pct("population_share_covered").alias("population_covered_pct"),
    shown_pct("national_referral_rate").alias("national_referral_rate_pct"),
    "national_referral_rate_marker",
)
show_table(
    national_years,
    "MASIPs England and Wales",
    pct=["population_covered_pct", "national_referral_rate_pct"],
    numbers=["forces_returned", "forces_with_programme", "funded_places"],
    caption=(
        "Forces: of the 43 territorial forces. Population covered: residents of the force "
        "areas with a programme (ONS mid-year estimates); a force with no return counts as "
        "not covered"
    ),
)
