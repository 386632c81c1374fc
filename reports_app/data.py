"""Read-only access to the serving files; the app never touches the building warehouse.

The one place that decides which file and which statistics the app may show. The view comes
from configuration (``STALKING_APP_VIEW``), never from a button:

- ``public`` (default): opens ``serving/public.duckdb`` only (the latest release: schemas
  ``published``, ``reference``, ``release``), with DuckDB's file access switched off, so no
  query can attach the restricted file. Statistics come only from ``published``, where
  disclosure control has been applied (counts of 1-4 are NULL with ``<count>_marker = '[c]'``).
- ``restricted``: opens ``serving/restricted.duckdb`` (``marts`` at exact counts, ``meta``,
  ``reference``) for analysts inside the building. Every page carries a banner and every
  download name starts ``RESTRICTED_`` (:func:`download_name`); start it with ``python -m
  reports_app.launch restricted`` so it listens on localhost unless configured otherwise.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

from publish import shorthand
from publish.shorthand import LOW_RELIABILITY, REVISED, SUPPRESSED  # noqa: F401 (re-exported)

VIEW_ENV = "STALKING_APP_VIEW"
VIEWS = ("public", "restricted")
NATIONAL_CODE = "K04000001"  # ONS code for England and Wales, as in published total rows
NATIONAL_LABEL = "England and Wales"


class PublishedSchemaMissing(RuntimeError):
    """The public view was asked for, but the snapshot has no disclosure-controlled tables."""


class UnknownView(ValueError):
    """STALKING_APP_VIEW holds something other than public or restricted."""


def data_dir() -> Path:
    return Path(os.environ.get("STALKING_DATA_DIR", Path(__file__).parent.parent / "data"))


def public_path() -> Path:
    """The latest public release (a link into releases/<release_id>/)."""
    return data_dir().resolve() / "serving" / "public.duckdb"


def restricted_path() -> Path:
    """Exact counts: opened by the restricted view only."""
    return data_dir().resolve() / "serving" / "restricted.duckdb"


def serving_path() -> Path:
    """The one file the active view reads."""
    return public_path() if is_public() else restricted_path()


def exports_dir() -> Path:
    """The published exports of the release the public file points to."""
    release = public_path().resolve().parent
    return release if release.parent.name == "releases" else data_dir().resolve() / "exports"


def snapshot_version() -> str:
    """Changes when publish swaps in a new file, so caches refresh with the snapshot."""
    path = serving_path()
    if not path.exists():
        return "missing"
    stat = path.stat()
    return f"{path.resolve()}-{stat.st_ino}-{stat.st_mtime_ns}"


class RestrictedFileRefused(PermissionError):
    """The public view was about to open the restricted file."""


def connect() -> duckdb.DuckDBPyConnection:
    """A read-only connection to the active view's file, and to nothing else."""
    path = serving_path()
    if is_public():
        if path.resolve() == restricted_path().resolve():
            raise RestrictedFileRefused(f"the public view never opens {restricted_path()}")
        # No file access beyond the database itself: no ATTACH, read_parquet or COPY. Set on
        # the open database (it cannot be switched back on while the database is open), not
        # as a connect option: the app holds its connection (_database), and DuckDB refuses a
        # second connection in the same process whose options differ.
        con = duckdb.connect(str(path), read_only=True)
        con.execute("set enable_external_access = false")
        return con
    return duckdb.connect(str(path), read_only=True)


RESTRICTED_PREFIX = "RESTRICTED_"
RESTRICTED_BANNER = (
    "RESTRICTED VIEW: exact counts from serving/restricted.duckdb, not disclosure controlled. "
    "Not for release: do not copy, screenshot or share outside the building. Downloads are "
    "named RESTRICTED_..."
)


def download_name(name: str) -> str:
    """The file name a download is offered under: prefixed RESTRICTED_ in the restricted view."""
    if is_public() or name.startswith(RESTRICTED_PREFIX):
        return name
    return f"{RESTRICTED_PREFIX}{name}"


# --------------------------------------------------------------------------------------------
# The view and the schema it may read


def app_view() -> str:
    view = os.environ.get(VIEW_ENV, "public").strip().lower() or "public"
    if view not in VIEWS:
        raise UnknownView(
            f"{VIEW_ENV}={view!r} is not a view of this app: set it to 'public' (the default, "
            "disclosure-controlled figures) or 'restricted' (exact counts, inside the building)."
        )
    return view


def is_public() -> bool:
    return app_view() == "public"


def stats_schema() -> str:
    """The schema every statistic on every page is read from: decided here and only here."""
    if not is_public():
        return "marts"
    if "published" not in schemas():
        raise PublishedSchemaMissing(
            f"This snapshot has no published schema ({serving_path()}), so the public view "
            "has nothing it may show. Run the pipeline with the publish step, or start the app "
            f"with {VIEW_ENV}=restricted inside the building."
        )
    return "published"


def tbl(name: str) -> str:
    """Fully qualified name of a statistics table for the active view."""
    return f"{stats_schema()}.{name}"


# --------------------------------------------------------------------------------------------
# Queries, cached by snapshot version


@st.cache_resource(show_spinner=False, max_entries=2)
def _database(version: str, view: str) -> duckdb.DuckDBPyConnection:
    """One read-only connection per snapshot version and view (opening the file costs about
    20 ms, once per query before). Publish swaps files atomically (os.replace), so a held
    connection keeps reading the snapshot it opened until the version changes."""
    return connect()


def close_held_connections() -> None:
    """Drop the connections the app holds, so DuckDB closes the database. For a process that
    runs the app and then writes from the same file (the tests do, through AppTest): DuckDB
    shares one database per file within a process, and the public view's has file access
    switched off for good, so an export's COPY from it would fail while the app holds it."""
    _database.clear()
    gc.collect()  # the connection closes when its last reference goes


@st.cache_data(show_spinner=False, max_entries=512)
def _query(sql: str, params: tuple, version: str, view: str) -> pl.DataFrame:
    # A cursor is DuckDB's own connection for one thread: sessions run in their own threads.
    with _database(version, view).cursor() as con:
        return con.sql(sql, params=list(params) or None).pl()


def query(sql: str, *params: object) -> pl.DataFrame:
    return _query(sql, tuple(params), snapshot_version(), app_view())


def schemas() -> set[str]:
    frame = query("select distinct table_schema from information_schema.tables")
    return set(frame.get_column("table_schema").to_list())


def columns(schema: str, table: str) -> list[str]:
    frame = query(
        "select column_name from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        schema,
        table,
    )
    return frame.get_column("column_name").to_list()


def tables(schema: str) -> list[str]:
    frame = query(
        "select table_name from information_schema.tables where table_schema = ? order by 1",
        schema,
    )
    return frame.get_column("table_name").to_list()


def snapshot_info() -> dict[str, str]:
    """Facts about the file in view: the release's release_info in the public view (with
    published_at and contains_synthetic_data as before), meta.snapshot_info in the restricted."""
    if not is_public():
        frame = query("select key, value from meta.snapshot_info")
        return dict(frame.iter_rows())
    if "release" not in schemas():
        return {}
    row = query("select * from release.release_info").row(0, named=True)
    info = {key: "" if value is None else str(value) for key, value in row.items()}
    info["contains_synthetic_data"] = info.get("is_synthetic", "True")
    return info


def is_synthetic() -> bool:
    return snapshot_info().get("contains_synthetic_data", "True") != "False"


# --------------------------------------------------------------------------------------------
# Counts with disclosure markers, the same shape in both views


def _marker_expr(table: str, column: str) -> str:
    """SQL for one source row's marker of a count column (NULL when the cell is published)."""
    if f"{column}_marker" in columns(stats_schema(), table):
        return f"{column}_marker"
    return "cast(null as varchar)"


# Which K04000001 rows of a published table are the England and Wales total (advocacy's
# service totals over the areas each serves are X00000001 rows, not these).
_PUBLISHED_TOTAL_ROWS = {"fct_advocacy_monthly": "service_name = 'All services'"}


def sum_counts(
    table: str,
    counts: list[str],
    by: list[str],
    where: str = "true",
    params: tuple = (),
    scope: str = "forces",
    revised: bool = False,
) -> pl.DataFrame:
    """Sum count columns of a fact table by ``by``, keeping disclosure control.

    Returns ``by`` + for each count ``X``: ``X`` (Int64, NULL when suppressed) and
    ``X_marker`` ('[c]' when it is, '[x]' when a part is not available, else NULL: the
    marker that replaces the figure; qualifiers of the parts are not carried). A sum that
    includes a suppressed cell is itself suppressed (publish.shorthand's rule): the app never
    shows a partial total as if it were whole.

    ``scope="national"`` reads the published England and Wales rows (force_code K04000001) in
    the public view, and sums the 43 territorial forces' rows of the mart in the restricted view
    (as the published totals do: contacts with no known force area are not in them).
    ``scope="forces"`` reads the force rows (and rows with no known force) only.
    ``revised=True`` adds ``revised_marker`` ('[r]' when any row summed was revised).
    """
    schema = stats_schema()
    has_national = schema == "published" and "force_code" in columns(schema, table)
    if scope == "national" and has_national:
        scope_sql = (
            f"force_code = '{NATIONAL_CODE}' and ({_PUBLISHED_TOTAL_ROWS.get(table, 'true')})"
        )
    elif scope == "national":
        # The published totals sum the 43 territorial forces: so does the restricted view.
        scope_sql = (
            f"force_code in (select force_code from {schema}.dim_force where is_territorial)"
        )
    elif has_national:
        scope_sql = f"force_code is distinct from '{NATIONAL_CODE}'"
    else:
        scope_sql = "true"
    # The rows come from SQL; the suppressed-sum rule is applied by publish.shorthand.
    select = list(by)
    for column in counts:
        select += [column, f"{_marker_expr(table, column)} as {column}_marker"]
    if revised:
        select.append("is_revised")
    sql = f"select {', '.join(select)} from {schema}.{table} where ({scope_sql}) and ({where})"
    rows = query(sql, *params)
    keys = rows.columns[: len(by)]
    summed = shorthand.sum_with_markers(rows, counts, keys).with_columns(
        shorthand.replacing_marker_expr(pl.col(f"{c}_marker")).alias(f"{c}_marker") for c in counts
    )
    if revised:
        flags = (
            rows.group_by(keys).agg(pl.col("is_revised").any())
            if keys
            else rows.select(pl.col("is_revised").any())
        )
        flags = flags.select(
            *keys,
            pl.when(pl.col("is_revised")).then(pl.lit(REVISED)).alias("revised_marker"),
        )
        summed = summed.join(flags, on=keys, how="left") if keys else summed.hstack(flags)
    if keys:
        summed = summed.sort(keys, nulls_last=True)
    return summed.with_columns(pl.col(c).cast(pl.Int64) for c in counts)


# Financial quarter of a 'YYYY-MM' month column, as '2025/26 Q1' (April-June is Q1).
_FY_START = (
    "(cast(substr(month, 1, 4) as integer) - "
    "case when cast(substr(month, 6, 2) as integer) < 4 then 1 else 0 end)"
)
MONTH_FY_SQL = f"({_FY_START} || '/' || lpad(cast(({_FY_START} + 1) % 100 as varchar), 2, '0'))"
MONTH_QUARTER_SQL = (
    f"({MONTH_FY_SQL} || ' Q' || "
    "cast((cast(substr(month, 6, 2) as integer) + 8) % 12 // 3 + 1 as varchar))"
)
QUARTER_SQL = "(financial_year || ' ' || fy_quarter)"


# --------------------------------------------------------------------------------------------
# Shared look-ups


def forces() -> pl.DataFrame:
    """Territorial forces: force_code, force_name, region_code, region_name, population."""
    return query(
        f"select force_code, force_name, region_code, region_name, population "
        f"from {tbl('dim_force')} where is_territorial and force_code <> ? order by force_name",
        NATIONAL_CODE,
    )


def force_names() -> dict[str, str]:
    names = dict(forces().select("force_code", "force_name").iter_rows())
    names[NATIONAL_CODE] = NATIONAL_LABEL
    return names


def region_names() -> dict[str, str]:
    frame = forces().select("region_code", "region_name").unique()
    return dict(frame.iter_rows())


def metrics() -> pl.DataFrame:
    return query("select * from reference.ref_metrics order by metric_id")


def metric(metric_id: str) -> dict:
    rows = metrics().filter(pl.col("metric_id") == metric_id).to_dicts()
    return rows[0]


def quarters() -> list[str]:
    """Financial quarters with recorded crime, oldest first, as '2025/26 Q1'."""
    frame = query(
        f"select distinct financial_year || ' ' || fy_quarter as period "
        f"from {tbl('fct_recorded_crime_quarterly')} order by 1"
    )
    return frame.get_column("period").to_list()


def financial_years() -> list[str]:
    frame = query(
        f"select financial_year, count(distinct fy_quarter) as quarters "
        f"from {tbl('fct_recorded_crime_quarterly')} group by 1 order by 1"
    )
    return frame.get_column("financial_year").to_list()


def quarters_in_year() -> dict[str, int]:
    frame = query(
        f"select financial_year, count(distinct fy_quarter) as quarters "
        f"from {tbl('fct_recorded_crime_quarterly')} group by 1 order by 1"
    )
    return dict(frame.iter_rows())


def comparison_periods(metric_id: str) -> pl.DataFrame:
    return query(
        f"select distinct period_type, period from {tbl('force_comparisons')} "
        f"where metric_id = ? order by period_type, period",
        metric_id,
    )


def comparisons(
    metric_id: str, period: str | None = None, force_code: str | None = None
) -> pl.DataFrame:
    """Rows of force_comparisons with value_marker ('[c]', '[u]') and force names."""
    schema = stats_schema()
    cols = columns(schema, "force_comparisons")
    markers = []
    for name in (
        "value_marker",
        "numerator_marker",
        "denominator_marker",
        "national_value_marker",
        "region_value_marker",
        "peer_value_marker",
    ):
        if name in cols:
            markers.append(f"c.{name}")
        elif name == "value_marker":
            markers.append(
                f"case when c.is_low_reliability then '{LOW_RELIABILITY}' end as value_marker"
            )
        else:
            markers.append(f"cast(null as varchar) as {name}")
    where = ["c.metric_id = ?", f"c.force_code <> '{NATIONAL_CODE}'"]
    params: list[object] = [metric_id]
    if period is not None:
        where.append("c.period = ?")
        params.append(period)
    if force_code is not None:
        where.append("c.force_code = ?")
        params.append(force_code)
    sql = f"""
        select c.metric_id, c.force_code, f.force_name, f.region_name, c.period_type, c.period,
               c.financial_year, c.fy_quarter, c.region_code, c.kind,
               cast(c.numerator as double) as numerator,
               cast(c.denominator as double) as denominator,
               c.value, c.ci95_low, c.ci95_high, c.ci998_low, c.ci998_high,
               c.national_value, c.region_value, c.peer_value, c.peer_basis, c.funnel_z,
               c.funnel_phi, c.overdispersion_adjusted, c.funnel_class, c.is_low_reliability,
               {", ".join(markers)}
        from {schema}.force_comparisons as c
        left join {schema}.dim_force as f on f.force_code = c.force_code
        where {" and ".join(where)}
        order by c.period, f.force_name
    """
    return query(sql, *params)


def funnel_limits(metric_id: str, period: str) -> pl.DataFrame:
    return query(
        f"select * from {tbl('funnel_limits')} where metric_id = ? and period = ? order by step",
        metric_id,
        period,
    )


def period_where(period: str) -> tuple[str, tuple]:
    """SQL filter on financial_year/fy_quarter for '2025/26' or '2025/26 Q1'."""
    if " " in period:
        year, quarter = period.split(" ", 1)
        return "financial_year = ? and fy_quarter = ?", (year, quarter)
    return "financial_year = ?", (period,)


def area_counts(
    table: str,
    counts: list[str],
    by: list[str],
    force_code: str,
    where: str = "true",
    params: tuple = (),
) -> pl.DataFrame:
    """:func:`sum_counts` for one force, or for England and Wales when force_code is
    K04000001 (the published total rows in the public view)."""
    if force_code == NATIONAL_CODE:
        return sum_counts(table, counts, by, where=where, params=params, scope="national")
    return sum_counts(
        table, counts, by, where=f"({where}) and force_code = ?", params=(*params, force_code)
    )


def metric_columns(metric_ids: list[str], period: str) -> pl.DataFrame:
    """One row per force with each metric's published numerator, denominator and value.

    Columns per metric ``m``: ``m_numerator``, ``m_denominator`` (Int64, with ``_marker``
    columns) and ``m_value`` (per cent for proportions, the rate otherwise) with ``m_marker``
    ('[c]' or '[u]'). These are disclosure-controlled at the force-period grain by the
    publisher, so pages prefer them to re-summing finer cells.
    """
    frame = forces().select("force_code")
    for metric_id in metric_ids:
        rows = comparisons(metric_id, period)
        scale = 100.0 if metric(metric_id)["kind"] == "proportion" else 1.0
        frame = frame.join(
            rows.select(
                "force_code",
                pl.col("numerator").cast(pl.Int64).alias(f"{metric_id}_numerator"),
                pl.col("numerator_marker").alias(f"{metric_id}_numerator_marker"),
                pl.col("denominator").cast(pl.Int64).alias(f"{metric_id}_denominator"),
                pl.col("denominator_marker").alias(f"{metric_id}_denominator_marker"),
                (pl.col("value") * scale).alias(f"{metric_id}_value"),
                pl.col("value_marker").alias(f"{metric_id}_marker"),
            ),
            on="force_code",
            how="left",
        )
    return frame


def helpline_regional_source() -> tuple[str, str, str]:
    """Where helpline contacts by region come from: (table, all-channels filter, by-channel
    filter). The published schema has its own regional table (region totals suppressed at that
    grain, so far fewer are withheld than in a sum of force cells); the restricted view sums
    the mart's territorial-force and unknown-force rows, as that table does."""
    if stats_schema() == "published" and "helpline_regional_monthly" in tables("published"):
        return "helpline_regional_monthly", "channel = 'all'", "channel <> 'all'"
    territorial = (
        f"(force_code is null or force_code in "
        f"(select force_code from {stats_schema()}.dim_force where is_territorial))"
    )
    return "fct_helpline_monthly", territorial, territorial
