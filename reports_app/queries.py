"""The SQL of the comparison pages (compare forces, force profile, find your area, table
builder): parameterised, each value bound, read through ``serving.run``.

``{stats}`` in a template is the active view's statistics schema, filled in by
``serving.run`` from the view decision (never from user input); ``reference`` holds the
definitions both views share.
"""

from __future__ import annotations

import polars as pl

from publish.exports.common import SERVICE_AREAS_TOTAL_CODE
from reports_app.data import LOW_RELIABILITY, NATIONAL_CODE, helpline_regional_source, metrics
from reports_app.format import fy_label, period_kind
from reports_app.serving import run, stats_schema

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


ADVOCACY_COUNTS = [
    "referrals_received",
    "cases_opened",
    "cases_closed",
    "open_cases_end",
    "waiting_list_end",
]

# Each service's own monthly totals over the areas it serves, as published (disclosure
# control at the service grain, so far fewer are withheld than in a sum of its force cells).
SERVICE_TOTALS_PUBLISHED = """
    select month, service_name, referrals_received, referrals_received_marker, cases_opened,
           cases_opened_marker, cases_closed, cases_closed_marker, open_cases_end,
           open_cases_end_marker, waiting_list_end, waiting_list_end_marker,
           cast(advocate_fte as double) as advocate_fte
    from {stats}.fct_advocacy_monthly
    where force_code = ?
    order by service_name, month
"""

# The restricted view's exact counts: a service's force rows summed.
SERVICE_TOTALS_EXACT = """
    select month, service_name, sum(referrals_received) as referrals_received,
           sum(cases_opened) as cases_opened, sum(cases_closed) as cases_closed,
           sum(open_cases_end) as open_cases_end, sum(waiting_list_end) as waiting_list_end,
           cast(sum(advocate_fte) as double) as advocate_fte
    from {stats}.fct_advocacy_monthly
    where force_code is distinct from ?
    group by all order by service_name, month
"""

# The region of each service: the one region all the force areas it serves lie in (NULL for
# a service that crosses a regional boundary).
SERVICE_REGIONS = """
    select a.service_name,
           case when count(distinct f.region_code) = 1 then any_value(f.region_code) end
               as region_code
    from {stats}.fct_advocacy_monthly as a
    join {stats}.dim_force as f on f.force_code = a.force_code
    where f.is_territorial and a.service_name <> 'All services'
    group by a.service_name order by a.service_name
"""


def service_totals() -> pl.DataFrame:
    """month, service_name, region_code, each advocacy count with its ``_marker``, FTE."""
    published = stats_schema() == "published"
    frame = (
        run(SERVICE_TOTALS_PUBLISHED, SERVICE_AREAS_TOTAL_CODE)
        if published
        else run(SERVICE_TOTALS_EXACT, NATIONAL_CODE)
    )
    frame = frame.with_columns(
        pl.lit(None, dtype=pl.String).alias(f"{c}_marker")
        for c in ADVOCACY_COUNTS
        if f"{c}_marker" not in frame.columns
    ).with_columns(pl.col(c).cast(pl.Int64) for c in ADVOCACY_COUNTS)
    return frame.join(run(SERVICE_REGIONS), on="service_name", how="left")


def helpline_source() -> tuple[str, str, str]:
    """Where helpline contacts by region come from, and the filters for all channels and for
    one channel: the one definition of the helpline's regional and national figures (every
    contact with a known region, whether or not its force area is known)."""
    return helpline_regional_source()
