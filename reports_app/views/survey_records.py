"""Survey and police records: police-recorded stalking crimes per 100 victims the national
survey estimates, with an interval carrying the survey's uncertainty (issue 18). An indication
across two different measures, never a rate."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from reports_app import charts
from reports_app.components import caveat, show_table, text_alternative
from reports_app.data import NATIONAL_CODE, NATIONAL_LABEL
from reports_app.serving import run

SURVEY_AGAINST_RECORDS = """
    select * from {stats}.survey_against_records order by period_end
"""

st.title("Survey and police records")
st.markdown(
    "How many stalking crimes the police record for every 100 victims the Crime Survey for "
    "England and Wales estimates, nationally, over the same 12 months."
)
caveat(
    "An indication across different measures, not a rate. The survey estimates people aged "
    "16 and over who experienced stalking in the 12 months; police records count crimes, and "
    "one victim may have several crimes recorded, or none. The interval carries the survey's "
    "95% confidence interval; the recorded count is taken as it is. Recorded crimes are the "
    "Home Office's published counts of stalking crimes (8Q) for the four quarters of the 12 "
    "months."
)
frame = run(SURVEY_AGAINST_RECORDS)
if frame.is_empty():
    st.info("No survey estimates have been received yet.")
    st.stop()

table = frame.select(
    pl.col("period_end").alias("period"),
    pl.col("estimate_pct").alias("survey_estimate_pct"),
    pl.col("lower_pct").alias("survey_lower_pct"),
    pl.col("upper_pct").alias("survey_upper_pct"),
    ((pl.col("estimated_victims") / 100).round() * 100).alias("estimated_victims"),
    "recorded_crimes",
    "recorded_per_100_victims",
    "ci95_low",
    "ci95_high",
)
shown = table.filter(pl.col("recorded_per_100_victims").is_not_null())
if shown.height:
    chart_frame = shown.select(
        "period", "recorded_per_100_victims", "ci95_low", "ci95_high"
    ).with_columns(pl.col("recorded_per_100_victims").round(1))
    base = alt.Chart(
        chart_frame,
        title=charts.titled(
            "Recorded stalking crimes per 100 survey-estimated victims, England and Wales",
            "12 months ending in each month shown; bars: the survey's 95% interval. "
            "An indication across different measures, not a rate.",
        ),
        height=260,
    )
    x = alt.X("period:O", title="12 months ending", axis=alt.Axis(labelAngle=-40))
    chart = base.mark_rule(strokeWidth=2).encode(
        x=x,
        y=alt.Y("ci95_low:Q", title="Recorded crimes per 100 estimated victims"),
        y2="ci95_high:Q",
    ) + base.mark_point(filled=True, size=70).encode(
        x=x,
        y="recorded_per_100_victims:Q",
        tooltip=[
            alt.Tooltip("period:N", title="12 months ending"),
            alt.Tooltip("recorded_per_100_victims:Q", title="Per 100 victims", format=".1f"),
            alt.Tooltip("ci95_low:Q", title="Interval from", format=".1f"),
            alt.Tooltip("ci95_high:Q", title="Interval to", format=".1f"),
        ],
    )
    charts.show(chart)
    latest = shown.row(-1, named=True)
    text_alternative(
        f"In the 12 months ending {latest['period']}, about "
        f"{latest['recorded_per_100_victims']:.1f} stalking crimes were recorded for every 100 "
        f"victims the survey estimates (interval {latest['ci95_low']:.1f} to "
        f"{latest['ci95_high']:.1f})."
    )

st.subheader("The survey estimates and the recorded crimes")
show_table(
    table,
    "Survey and police records",
    counts=["recorded_crimes"],
    pct=["survey_estimate_pct", "survey_lower_pct", "survey_upper_pct"],
    decimals={
        "estimated_victims": 0,
        "recorded_per_100_victims": 1,
        "ci95_low": 1,
        "ci95_high": 1,
    },
    caption="Estimated victims: the survey's per cent of its population base, rounded to 100",
    area=(NATIONAL_CODE, NATIONAL_LABEL),
)
