"""Courses of conduct from linked pairs: a pair's crimes in date order, chained while each
follows the previous one within the window; a chain of two or more crimes is a course
(STATISTICS.md, linkage). The warehouse applies the same rule in
int_linkage__courses_of_conduct.sql; this one serves the evaluation."""

from __future__ import annotations

import polars as pl


def chain_courses(crimes: pl.DataFrame, pair_column: str, window_days: int) -> pl.DataFrame:
    """One row per course: `pair_column`, course_number, crime_refs (date order), crimes,
    forces (recording forces, in date order), force_code (the force of the second crime, when
    the course becomes visible), recognised_as_stalking. Crimes whose pair is null never link."""
    return (
        crimes.filter(pl.col(pair_column).is_not_null())
        .sort(pair_column, "recorded_date", "crime_ref")
        .with_columns(
            (
                (pl.col("recorded_date") - pl.col("recorded_date").shift(1)).dt.total_days()
                > window_days
            )
            .fill_null(True)
            .cum_sum()
            .over(pair_column)
            .alias("course_number")
        )
        .group_by(pair_column, "course_number", maintain_order=True)
        .agg(
            pl.col("crime_ref").alias("crime_refs"),
            pl.len().alias("crimes"),
            pl.col("force_code").unique(maintain_order=True).alias("forces"),
            pl.col("force_code").get(1, null_on_oob=True).alias("force_code"),
            pl.col("recorded_date").get(1, null_on_oob=True).alias("established_date"),
            (pl.col("offence_code") == "8Q").any().alias("recognised_as_stalking"),
        )
        .filter(pl.col("crimes") >= 2)
    )
