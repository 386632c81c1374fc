"""Action plans: each force's progress on the recommendations made after the 2024 police
super-complaint on stalking, whether it published its action plan by the requested date, and
what is overdue (issue 18). Statuses of one force each, no counts of people."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from reports_app import accountability, charts
from reports_app.components import (
    caveat,
    choose_force,
    download,
    show_table,
    text_alternative,
    url_choice,
    url_multi,
)
from reports_app.data import NATIONAL_CODE, NATIONAL_LABEL

LABELS = accountability.STATUS_LABELS
ALL_REGIONS = "All regions"

st.title("Action plans")
st.markdown(
    "After the 2024 police super-complaint on stalking, forces were asked to publish action "
    "plans by the end of November 2024 and to implement the recommendations made to them. "
    "Each force returns, every quarter, the status of each recommendation at the quarter's "
    "end, with a reference to its evidence once implemented."
)

recommendations = accountability.recommendations()
statuses = accountability.statuses()
if statuses.is_empty():
    st.info("No action-plan returns have been received yet.")
    st.stop()
if recommendations["is_synthetic"].any():
    st.warning(
        "The recommendations listed here are a SYNTHETIC placeholder list (ids SYN-R…), not "
        "the published recommendations: replace dbt_project/seeds/ref_recommendations.csv "
        "with the real list.",
        icon="⚠️",
    )

quarters = sorted(statuses["quarter"].unique().to_list())
left, middle, right = st.columns(3)
with left:
    quarter = url_choice("Status at the end of", quarters[::-1], "quarter", default=quarters[-1])
with middle:
    regions = [ALL_REGIONS, *sorted(statuses["region_name"].unique().to_list())]
    region = url_choice("Region", regions, "region")
with right:
    chosen_recommendations = url_multi(
        "Recommendations",
        recommendations["recommendation_id"].to_list(),
        "recommendations",
        default=recommendations["recommendation_id"].to_list(),
        help="Leave empty to show every recommendation.",
    )
chosen_statuses = url_multi(
    "Only forces with at least one recommendation at",
    list(LABELS),
    "statuses",
    format_func=LABELS.get,
    help="Leave empty to show every force.",
)
only_overdue = st.checkbox("Only forces with an overdue recommendation", key="only_overdue")

now = statuses.filter(pl.col("quarter") == quarter)
if region != ALL_REGIONS:
    now = now.filter(pl.col("region_name") == region)
if chosen_recommendations:
    now = now.filter(pl.col("recommendation_id").is_in(chosen_recommendations))
keep = now
if chosen_statuses:
    keep = keep.filter(pl.col("status").is_in(chosen_statuses))
if only_overdue:
    keep = keep.filter(pl.col("is_overdue"))
now = now.filter(pl.col("force_code").is_in(keep["force_code"].unique().to_list()))

# --- the matrix ---------------------------------------------------------------------------
st.subheader(f"Status by force and recommendation, end of {quarter}")
if now.is_empty():
    st.info("No force matches these filters.")
else:
    forces_shown = now["force_name"].unique().sort().to_list()
    chart = (
        alt.Chart(
            now.select(
                "force_name", "recommendation_id", "status_label", "due_date", "is_overdue"
            ).with_columns(pl.col("due_date").cast(pl.String)),
            title=charts.titled(
                f"Each force's status on each recommendation, end of {quarter}",
                "Overdue: due by the quarter's end and not shown implemented or declined "
                "(outlined).",
            ),
        )
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X(
                "recommendation_id:N",
                title="Recommendation",
                axis=alt.Axis(orient="top", labelAngle=0),
            ),
            y=alt.Y(
                "force_name:N",
                title=None,
                sort=forces_shown,
                axis=alt.Axis(labelOverlap=False, labelLimit=200),
            ),
            color=alt.Color(
                "status_label:N",
                title="Status",
                scale=alt.Scale(domain=list(LABELS.values()), range=accountability.STATUS_COLOURS),
                legend=alt.Legend(orient="bottom"),
            ),
            strokeWidth=alt.condition("datum.is_overdue", alt.value(2.5), alt.value(1)),
            stroke=alt.condition("datum.is_overdue", alt.value("#000000"), alt.value("white")),
            tooltip=[
                alt.Tooltip("force_name:N", title="Force"),
                alt.Tooltip("recommendation_id:N", title="Recommendation"),
                alt.Tooltip("status_label:N", title="Status"),
                alt.Tooltip("due_date:N", title="Due"),
            ],
        )
        .properties(height=20 * len(forces_shown))
    )
    charts.show(chart)
    matrix = accountability.matrix(now)
    text_alternative(
        f"{len(forces_shown)} forces by {now['recommendation_id'].n_unique()} recommendations; "
        "the table below gives every cell."
    )
    st.dataframe(matrix, hide_index=True, width="stretch")
    download(
        "Download the statuses shown (CSV)",
        now.select(
            "force_code",
            "force_name",
            "financial_year",
            "fy_quarter",
            "recommendation_id",
            "due_date",
            "status",
            "status_date",
            "evidence_ref",
            "is_due",
            "is_overdue",
        ).write_csv(),
        "published_action_plan_status_quarterly.csv",
        mime="text/csv",
        key="download_action_plan_status",
    )

    st.subheader("How many forces are at each status")
    counts = accountability.forces_by_status(now).rename(
        {status: label for status, label in LABELS.items()}
    )
    show_table(
        counts.rename({"recommendation_id": "recommendation", "due_date": "due"}),
        f"Forces by action-plan status, {quarter}",
        numbers=list(LABELS.values()),
        caption="Counts of forces, not of people",
        area=(NATIONAL_CODE, NATIONAL_LABEL)
        if region == ALL_REGIONS
        else (now["region_code"][0], region),
        period=quarter,
    )

# --- history -------------------------------------------------------------------------------
st.subheader("History")
over_time = accountability.implemented_over_time(
    statuses.filter(pl.col("recommendation_id").is_in(chosen_recommendations))
    if chosen_recommendations
    else statuses
)
charts.show(
    charts.bar_chart(
        over_time,
        x="pairs",
        y="quarter",
        title="Force × recommendation pairs by status, each quarter (England and Wales)",
        x_title="Force × recommendation pairs",
        y_title="Quarter",
        colour="status_label",
        colour_title="Status",
    )
)
text_alternative(
    "For each quarter, how many force and recommendation pairs were implemented, in progress, "
    "not started, not accepted or not reported."
)
force = choose_force("Force history")
st.dataframe(accountability.history(statuses, force), hide_index=True, width="stretch")
download(
    "Download this force's history (CSV)",
    statuses.filter(pl.col("force_code") == force)
    .select(
        "force_code",
        "force_name",
        "financial_year",
        "fy_quarter",
        "recommendation_id",
        "status",
        "status_date",
        "evidence_ref",
        "previous_status",
    )
    .write_csv(),
    "published_action_plan_status_quarterly_force.csv",
    mime="text/csv",
    key="download_action_plan_history",
)

# --- publication --------------------------------------------------------------------------
publication = accountability.publication()
requested = publication["requested_by"].drop_nulls()
requested_text = f"{requested[0]:%d %B %Y}" if requested.len() else "the requested date"
st.subheader("Action plans published")
late = publication.filter(~pl.col("published_by_requested_date"))
st.metric(
    f"Forces without a published plan by {requested_text}", f"{late.height} of {publication.height}"
)
shown = publication.select(
    "force_name",
    "region_name",
    "publication",
    pl.col("plan_published_date").cast(pl.String).fill_null(""),
    pl.col("latest_return_quarter").fill_null("none"),
)
st.dataframe(shown, hide_index=True, width="stretch")
download(
    "Download action-plan publication (CSV)",
    publication.drop("publication").write_csv(),
    "published_action_plan_publication.csv",
    mime="text/csv",
    key="download_action_plan_publication",
)

# --- overdue -------------------------------------------------------------------------------
overdue = accountability.overdue()
latest = overdue["quarter"].max() if overdue.height else quarters[-1]
st.subheader(f"Overdue at the end of {latest}")
caveat(
    "Overdue: the due date has passed by the quarter's end and the force's return does not "
    "show the recommendation implemented or declined. A recommendation a force did not report "
    "on counts as overdue: a missing return is not evidence of progress."
)
if overdue.is_empty():
    st.info("Nothing is overdue.")
else:
    st.dataframe(
        overdue.select(
            "force_name",
            "recommendation_id",
            pl.col("due_date").cast(pl.String),
            "status_label",
            pl.col("status_date").cast(pl.String).fill_null(""),
        ),
        hide_index=True,
        width="stretch",
    )
    download(
        "Download overdue recommendations (CSV)",
        overdue.drop("status_label", "quarter").write_csv(),
        "published_action_plan_overdue.csv",
        mime="text/csv",
        key="download_action_plan_overdue",
    )

with st.expander("The recommendations"):
    listed = recommendations.with_columns(pl.col("due_date").cast(pl.String))
    st.dataframe(listed, hide_index=True, width="stretch")
    download(
        "Download the recommendations (CSV)",
        listed.write_csv(),
        "recommendations.csv",
        mime="text/csv",
        key="download_recommendations",
    )
