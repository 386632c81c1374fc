"""The action-plan tracker's queries and shaping (issue 18): the published tables
action_plan_status_quarterly, action_plan_overdue and action_plan_publication (the same names
in marts for the restricted view) and the recommendations seed. No counts of people: statuses,
dates and flags of one force and recommendation, and counts of forces."""

from __future__ import annotations

import polars as pl

from reports_app.serving import run

# Statuses in the order a recommendation moves through them, then the two outside that path.
STATUS_LABELS = {
    "implemented": "Implemented",
    "in_progress": "In progress",
    "not_started": "Not started",
    "not_accepted": "Not accepted",
    "not_reported": "Not reported",
}
# Okabe-Ito colours (colour-blind safe), grey for no report.
STATUS_COLOURS = ["#009E73", "#56B4E9", "#E69F00", "#CC79A7", "#D9D9D9"]
PUBLICATION_LABELS = {
    "published_by_requested_date": "Published by the requested date",
    "published_late": "Published late",
    "not_published": "Not published",
    "no_return": "No return received",
}

STATUSES = """
    select s.*, f.force_name, f.region_code, f.region_name
    from {stats}.action_plan_status_quarterly as s
    join {stats}.dim_force as f on f.force_code = s.force_code
    order by f.force_name, s.recommendation_id, s.financial_year, s.fy_quarter
"""

OVERDUE = """
    select o.*, f.force_name, f.region_code, f.region_name
    from {stats}.action_plan_overdue as o
    join {stats}.dim_force as f on f.force_code = o.force_code
    order by f.force_name, o.recommendation_id
"""

PUBLICATION = """
    select p.*, f.force_name, f.region_code, f.region_name
    from {stats}.action_plan_publication as p
    join {stats}.dim_force as f on f.force_code = p.force_code
    order by f.force_name
"""

RECOMMENDATIONS = """
    select recommendation_id, recommendation_text, addressee, due_date, is_synthetic
    from reference.ref_recommendations order by recommendation_id
"""


def _with_quarter(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        (pl.col("financial_year") + " " + pl.col("fy_quarter")).alias("quarter")
    )


def statuses() -> pl.DataFrame:
    """Every force, quarter and recommendation, with ``quarter`` ('2025/26 Q3') and the
    status label."""
    return _with_quarter(run(STATUSES)).with_columns(
        pl.col("status").replace_strict(STATUS_LABELS).alias("status_label")
    )


def overdue() -> pl.DataFrame:
    return _with_quarter(run(OVERDUE)).with_columns(
        pl.col("status").replace_strict(STATUS_LABELS).alias("status_label")
    )


def publication() -> pl.DataFrame:
    return run(PUBLICATION).with_columns(
        pl.col("publication_status").replace_strict(PUBLICATION_LABELS).alias("publication")
    )


def recommendations() -> pl.DataFrame:
    return run(RECOMMENDATIONS)


def matrix(frame: pl.DataFrame) -> pl.DataFrame:
    """Force (rows) × recommendation (columns) of status labels, one quarter's rows given."""
    if frame.is_empty():
        return pl.DataFrame({"force_name": []}, schema={"force_name": pl.String})
    return frame.pivot(
        on="recommendation_id", index="force_name", values="status_label", sort_columns=True
    ).sort("force_name")


def forces_by_status(frame: pl.DataFrame) -> pl.DataFrame:
    """Per recommendation, how many forces are at each status (counts of forces, not of
    people), one quarter's rows given; every status a column, zero where none."""
    counts = (
        frame.group_by("recommendation_id", "due_date", "status")
        .len("forces")
        .pivot(on="status", index=["recommendation_id", "due_date"], values="forces")
    )
    for status in STATUS_LABELS:
        if status not in counts.columns:
            counts = counts.with_columns(pl.lit(0, pl.UInt32).alias(status))
    return counts.select(
        "recommendation_id",
        pl.col("due_date").cast(pl.String),
        *[pl.col(s).fill_null(0).cast(pl.Int64) for s in STATUS_LABELS],
    ).sort("recommendation_id")


def history(frame: pl.DataFrame, force_code: str) -> pl.DataFrame:
    """One force's status on each recommendation (rows) by quarter (columns, in order)."""
    rows = frame.filter(pl.col("force_code") == force_code)
    if rows.is_empty():
        return pl.DataFrame({"recommendation_id": []}, schema={"recommendation_id": pl.String})
    quarters = sorted(rows["quarter"].unique().to_list())
    wide = rows.pivot(on="quarter", index="recommendation_id", values="status_label")
    return wide.select("recommendation_id", *quarters).sort("recommendation_id")


def implemented_over_time(frame: pl.DataFrame) -> pl.DataFrame:
    """Per quarter and status, how many force × recommendation pairs are at it (pairs, not
    people): the national picture over time."""
    return (
        frame.group_by("quarter", "status", "status_label")
        .len("pairs")
        .with_columns(
            pl.col("status")
            .replace_strict({s: i for i, s in enumerate(STATUS_LABELS)}, return_dtype=pl.Int64)
            .alias("status_label_order")
        )
        .sort("quarter", "status_label_order")
    )
