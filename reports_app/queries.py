"""The SQL of the comparison pages (compare forces, force profile, find your area, table
builder): parameterised, each value bound, read through ``serving.run``.

``{stats}`` in a template is the active view's statistics schema, filled in by
``serving.run`` from the view decision (never from user input); ``reference`` holds the
definitions both views share.
"""

from __future__ import annotations

import polars as pl

from reports_app.data import LOW_RELIABILITY, NATIONAL_CODE, metrics
from reports_app.format import fy_label, period_kind
from reports_app.serving import run

COMPARISONS = """
    select c.*, f.force_name, f.region_name
    from {stats}.force_comparisons as c
    join {stats}.dim_force as f on f.force_code = c.force_code
    where f.is_territorial and c.force_code <> ? and list_contains(?, c.period)
    order by c.metric_id, f.force_name, c.period
"""

COMPARISON_PERIODS = """
    select period_type, period, count(distinct metric_id) as metrics
    from {stats}.force_comparisons group by all order by period_type, period
"""

QUARTERS_IN_YEAR = """
    select financial_year, count(distinct fy_quarter) as quarters
    from {stats}.fct_recorded_crime_quarterly group by 1 order by 1
"""

FORCES = """
    select force_code, force_name, region_code, region_name, population
    from {stats}.dim_force where is_territorial and force_code <> ? order by force_name
"""

DISTRICTS = """
    select lad_code, lad_name, any_value(force_code) as force_code,
           any_value(force_name) as force_name
    from reference.ref_lad_to_force group by lad_code, lad_name order by lad_name
"""

_MARKERS = (
    "numerator_marker",
    "denominator_marker",
    "national_value_marker",
    "region_value_marker",
    "peer_value_marker",
)


def comparisons(periods: list[str]) -> pl.DataFrame:
    """Every metric for every territorial force in ``periods``, with marker columns in both
    views (the restricted marts have exact counts, so only [u] marks low reliability)."""
    frame = run(COMPARISONS, NATIONAL_CODE, list(periods))
    if "value_marker" not in frame.columns:
        frame = frame.with_columns(
            pl.when(pl.col("is_low_reliability"))
            .then(pl.lit(LOW_RELIABILITY))
            .otherwise(None)
            .alias("value_marker")
        )
    return frame.with_columns(
        pl.lit(None, dtype=pl.String).alias(name) for name in _MARKERS if name not in frame.columns
    ).with_columns(
        pl.col("numerator").cast(pl.Float64),
        pl.col("denominator").cast(pl.Float64),
    )


def comparison_periods() -> pl.DataFrame:
    return run(COMPARISON_PERIODS)


def quarters_in_year() -> dict[str, int]:
    return dict(run(QUARTERS_IN_YEAR).iter_rows())


def complete_years() -> list[str]:
    """Financial years with all four quarters, oldest first."""
    return [year for year, quarters in quarters_in_year().items() if quarters == 4]


def latest_complete_year(years: list[str]) -> str | None:
    """The latest of ``years`` that is complete (never a half year), else the latest."""
    complete = set(complete_years())
    ordered = sorted(years)
    for year in reversed(ordered):
        if year in complete:
            return year
    return ordered[-1] if ordered else None


def forces() -> pl.DataFrame:
    return run(FORCES, NATIONAL_CODE)


def districts() -> pl.DataFrame:
    """Local authority districts (2021) with the force area each lies in."""
    return run(DISTRICTS)


def previous_year_period(period: str) -> str:
    """The same period a year earlier: '2025/26' -> '2024/25', '2025/26 Q2' -> '2024/25 Q2'."""
    year = int(period[:4]) - 1
    if period_kind(period) == "quarter":
        return f"{fy_label(year)} {period.split(' ', 1)[1]}"
    return fy_label(year)


def metric_table() -> pl.DataFrame:
    return metrics()
