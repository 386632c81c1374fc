"""The SQL of the comparison pages (compare forces, force profile, find your area, table
builder): parameterised, each value bound, read through ``serving.run``.

``{stats}`` in a template is the active view's statistics schema, filled in by
``serving.run`` from the view decision (never from user input); ``reference`` holds the
definitions both views share.
"""

from __future__ import annotations

import polars as pl

from publish.exports.common import SERVICE_AREAS_TOTAL_CODE
from reports_app import data
from reports_app.data import (
    LOW_RELIABILITY,
    MONTH_FY_SQL,
    MONTH_QUARTER_SQL,
    NATIONAL_CODE,
    QUARTER_SQL,
    helpline_regional_source,
    metrics,
)
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
    one channel: the one definition of the helpline's regional figures (every contact with a
    known region, whether or not its force area is known)."""
    return helpline_regional_source()


def helpline_national(
    counts: list[str], by: list[str], where: str = "true", params: tuple = ()
) -> pl.DataFrame:
    """The one England and Wales helpline total (docs/WAREHOUSE.md), as the tables and the
    service demand report have it: the K04000001 rows of fct_helpline_monthly (the 43
    territorial force areas; the restricted view sums the same force rows). Contacts whose
    force area is not known count only in their region, so the regions add up to more."""
    return data.sum_counts(
        "fct_helpline_monthly", counts, by, where=where, params=params, scope="national"
    )


# --------------------------------------------------------------------------------------------
# The pages' own SQL (overview, hidden stalking, service demand, data quality, methodology)

HELPLINE_MONTHS_BY_QUARTER = f"""
    select {MONTH_QUARTER_SQL} as period, count(distinct month) as helpline_months
    from {{stats}}.fct_helpline_monthly group by all
"""

NATIONAL_CHARGE_RATE_BY_QUARTER = """
    select period, any_value(national_value) * 100 as charge_rate_pct
    from {stats}.force_comparisons
    where metric_id = 'charge_rate' and period_type = 'quarter' group by period
"""

# Force-metric pairs that crossed the 99.8% funnel limits between two quarters.
FUNNEL_CHANGES = """
    with latest as (
        select force_code, metric_id, funnel_class from {stats}.force_comparisons
        where period_type = 'quarter' and period = ?
    ), before as (
        select force_code, metric_id, funnel_class from {stats}.force_comparisons
        where period_type = 'quarter' and period = ?
    )
    select count(*) filter (where latest.funnel_class in ('above_998', 'below_998')
                            and before.funnel_class not in ('above_998', 'below_998'))
               as newly_outside,
           count(*) filter (where before.funnel_class in ('above_998', 'below_998')
                            and latest.funnel_class not in ('above_998', 'below_998'))
               as back_inside
    from latest join before using (force_code, metric_id)
"""

REVISED_CRIME_ROWS = """
    select count(*) as n from {stats}.fct_recorded_crime_quarterly where is_revised
"""

COURSE_YEARS = """
    select distinct financial_year from {stats}.fct_courses_of_conduct_yearly order by 1 desc
"""

HELPLINE_YEARS = f"""
    select distinct {MONTH_FY_SQL} as fy from {{stats}}.fct_helpline_monthly order by 1 desc
"""

# Which force-periods each source has landed: the coverage grid (quarters; months as quarters).
# (source label, table, period expression): one entry a source.
_LANDED = (
    ("Force crime extracts", "fct_recorded_crime_quarterly", QUARTER_SQL),
    ("Force SPO returns", "fct_spo_quarterly", QUARTER_SQL),
    ("CPS returns", "fct_prosecutions_quarterly", QUARTER_SQL),
    ("Helpline (by force area)", "fct_helpline_monthly", MONTH_QUARTER_SQL),
    ("Advocacy services", "fct_advocacy_monthly", MONTH_QUARTER_SQL),
)
LANDED_SOURCES = tuple(label for label, _, _ in _LANDED)
LANDED_FORCE_PERIODS = "\n    union all\n".join(
    f"    select distinct '{label}' as source, force_code, {period} as period\n"
    f"    from {{stats}}.{table} where force_code is not null and force_code <> ?"
    for label, table, period in _LANDED
)

SUBMISSION_COVERAGE = """
    select source, period_type, count(*) filter (where submitted) as submitted,
           count(*) filter (where not submitted) as not_submitted
    from release.coverage group by all order by source
"""

# The restricted view's ledger and quarantine (the meta schema is not in the public file).
LEDGER_SUMMARY = """
    select source, status, validation, count(*) as files, sum(rows_read) as rows_read,
           sum(rows_accepted) as rows_accepted, sum(rows_rejected) as rows_rejected
    from meta.ingest_ledger group by all order by source, status, validation
"""

QUARANTINE_SUMMARY = """
    select source, rule, column_name, count(*) as rejected_rows,
           count(distinct file_sha256) as files
    from meta.quarantine group by all order by 4 desc
"""

LEDGER_FILES = """
    select received_at, source, profile, file_name, status, validation, rows_read,
           rows_accepted, rows_rejected, message
    from meta.ingest_ledger order by received_at desc limit 500
"""

QUARANTINED_ROWS = """
    select source, file_name, row_number, column_name, rule, message, value_shape
    from meta.quarantine order by file_name, row_number limit 500
"""

TABLE_SIZES = """
    select table_name, estimated_size as approx_rows from duckdb_tables()
    where schema_name = ? order by table_name
"""


def helpline_months_by_quarter() -> pl.DataFrame:
    return run(HELPLINE_MONTHS_BY_QUARTER)


def national_charge_rate_by_quarter() -> pl.DataFrame:
    return run(NATIONAL_CHARGE_RATE_BY_QUARTER)


def funnel_changes(latest: str, before: str) -> dict:
    return run(FUNNEL_CHANGES, latest, before).row(0, named=True)


def revised_crime_rows() -> int:
    return run(REVISED_CRIME_ROWS).item()


def course_years() -> list[str]:
    return run(COURSE_YEARS).get_column("financial_year").to_list()


def helpline_years() -> list[str]:
    return run(HELPLINE_YEARS).get_column("fy").to_list()


def landed_force_periods() -> pl.DataFrame:
    return run(LANDED_FORCE_PERIODS, *[NATIONAL_CODE] * len(_LANDED))


def submission_coverage() -> pl.DataFrame:
    return run(SUBMISSION_COVERAGE)


def ledger_summary() -> pl.DataFrame:
    return run(LEDGER_SUMMARY)


def quarantine_summary() -> pl.DataFrame:
    return run(QUARANTINE_SUMMARY)


def ledger_files() -> pl.DataFrame:
    return run(LEDGER_FILES)


def quarantined_rows() -> pl.DataFrame:
    return run(QUARANTINED_ROWS)


def table_sizes(schema: str) -> dict[str, int]:
    return dict(run(TABLE_SIZES, schema).iter_rows())


def whole_table(name: str) -> pl.DataFrame:
    """One table of the active view's statistics schema, whole (the methodology downloads).
    ``name`` must be one of that schema's tables: it is checked, as a name cannot be bound."""
    if name not in data.tables(stats_schema()):
        raise ValueError(f"{name!r} is not a table of {stats_schema()}")
    return run(f'select * from {{stats}}."{name}"')
