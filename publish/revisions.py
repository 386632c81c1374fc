"""The revisions log: every published cell whose value or marker changed since the previous
release, with both versions and the reason, and the '[r]' marker on those cells.

A cell is one measure column (a column with a sibling `<column>_marker`) of one row of a
published table, the row named by the table's grain: the columns of its `unique_combination`
test in dbt (so the grain is declared once, where the table is built). Cells new in this
release (a new quarter) are additions, not revisions; a cell that disappeared is listed with
an empty value. '[r]' itself is ignored when comparing, so an unchanged cell revised last time
is not revised again.

Reasons, checked in this order (docs/RESEARCHERS.md, "How revisions work"):
- `method change`: the models or reference data that compute the tables changed;
- `late outcomes`: an outcome-based cell of a period that was provisional for outcomes in the
  previous release, whose recorded crimes did not change (the same crimes gained outcomes, as
  expected while a quarter matures);
- `resubmission`: a submission covering the cell's area and period arrived since the previous
  release (a return sent again, or sent late); comparator columns (national, region and peer
  values) depend on every area, so any submission for the period touches them;
- `disclosure control`: none of these: the protection pattern moved (a cell published or
  withheld because its neighbours changed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import duckdb
import polars as pl

from ingest import sources
from ingest.sources import Source
from ingest.submissions import key_parts
from publish.shorthand import PERIOD_STATUS_COLUMNS, REVISED

METHOD_CHANGE = "method change"
LATE_OUTCOMES = "late outcomes"
RESUBMISSION = "resubmission"
DISCLOSURE_CONTROL = "disclosure control"
REASONS = (METHOD_CHANGE, LATE_OUTCOMES, RESUBMISSION, DISCLOSURE_CONTROL)

# Tables and force_comparisons metrics computed from police outcomes of recorded crimes.
OUTCOME_TABLES = frozenset({"fct_outcomes_quarterly", "fct_stalking_response_quarterly"})
OUTCOME_METRICS = frozenset({"charge_rate", "evidential_difficulties_share", "conviction_rate"})
AREA_COLUMNS = ("force_code", "area_code")
# Columns computed over many areas: a submission from any area in the period can change them.
COMPARATOR_COLUMNS = frozenset({"national_value", "region_value", "peer_value"})
CRIMES_TABLE = "fct_recorded_crime_quarterly"

REVISIONS_COLUMNS = {
    "table_name": pl.String,
    "cell_key": pl.String,
    "column_name": pl.String,
    "previous_release_id": pl.String,
    "previous_value": pl.Float64,
    "previous_marker": pl.String,
    "value": pl.Float64,
    "marker": pl.String,
    "reason": pl.String,
}


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def table_grains(manifest_path: Path, schema: str = "published") -> dict[str, list[str]]:
    """Table name -> grain columns, from the unique_combination (or unique) tests in dbt."""
    manifest = json.loads(manifest_path.read_text())
    aliases = {
        unique_id: node["alias"]
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["schema"] == schema
    }
    grains: dict[str, list[str]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or node.get("attached_node") not in aliases:
            continue
        table = aliases[node["attached_node"]]
        test = node.get("test_metadata") or {}
        kwargs = test.get("kwargs") or {}
        if test.get("name") == "unique_combination":
            grains[table] = list(kwargs["columns"])
        elif test.get("name") == "unique" and table not in grains:
            grains[table] = [kwargs["column_name"]]
    return grains


def method_version(manifest_path: Path) -> str:
    """A digest of every model's, seed's and macro's checksum: changes when the method does."""
    manifest = json.loads(manifest_path.read_text())
    project = manifest["metadata"].get("project_name")
    parts = sorted(
        f"{uid}:{node['checksum']['checksum']}"
        for group in ("nodes", "macros")
        for uid, node in manifest[group].items()
        if node.get("resource_type") in ("model", "seed", "macro")
        and node.get("package_name") == (project or node.get("package_name"))
        and "checksum" in node
    )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def measure_pairs(columns: list[str]) -> list[tuple[str, str]]:
    """(measure, marker) for every column with a sibling `<column>_marker`, except a row's
    period status (text that qualifies the row, not a figure)."""
    present = set(columns)
    return [
        (c, f"{c}_marker")
        for c in columns
        if f"{c}_marker" in present and c not in PERIOD_STATUS_COLUMNS
    ]


def _strip_revised(expr: str) -> str:
    return f"nullif(trim(replace(coalesce({expr}, ''), '{REVISED}', '')), '')"


def _key_sql(alias: str, keys: list[str]) -> str:
    parts = ", ".join(f"'{k}=' || coalesce(cast({alias}.{_quote(k)} as varchar), '')" for k in keys)
    return f"concat_ws('|', {parts})"


def _columns(con: duckdb.DuckDBPyConnection, database: str, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from duckdb_columns() where database_name = ? "
        "and schema_name = 'published' and table_name = ? order by column_index",
        [database, table],
    ).fetchall()
    return [r[0] for r in rows]


def changed_cells(
    con: duckdb.DuckDBPyConnection, grains: dict[str, list[str]], new: str, previous: str
) -> pl.DataFrame:
    """Every cell of `previous`.published whose value or marker differs in `new`.published.

    Returns table_name, cell_key, column_name, the grain's period and area columns (for the
    reason), previous_value, previous_marker, value, marker.
    """
    frames = []
    for table, keys in sorted(grains.items()):
        new_columns = _columns(con, new, table)
        old_columns = _columns(con, previous, table)
        if not new_columns or not old_columns or not set(keys) <= set(old_columns):
            continue
        join = " and ".join(f"n.{_quote(k)} is not distinct from p.{_quote(k)}" for k in keys)
        extra = [
            c
            for c in (
                "financial_year",
                "fy_quarter",
                "month",
                "period_type",
                "period",
                "metric_id",
                *AREA_COLUMNS,
            )
            if c in keys
        ]
        for measure, marker in measure_pairs(old_columns):
            if measure not in new_columns or marker not in new_columns:
                continue
            selected = ", ".join(f"cast(p.{_quote(c)} as varchar) as {c}" for c in extra)
            frames.append(
                con.sql(f"""
                    select '{table}' as table_name, {_key_sql("p", keys)} as cell_key,
                           '{measure}' as column_name{", " + selected if selected else ""},
                           cast(p.{_quote(measure)} as double) as previous_value,
                           {_strip_revised(f"p.{_quote(marker)}")} as previous_marker,
                           cast(n.{_quote(measure)} as double) as value,
                           {_strip_revised(f"n.{_quote(marker)}")} as marker
                    from {previous}.published.{_quote(table)} as p
                    left join {new}.published.{_quote(table)} as n on {join}
                    where p.{_quote(measure)} is distinct from n.{_quote(measure)}
                       or {_strip_revised(f"p.{_quote(marker)}")}
                          is distinct from {_strip_revised(f"n.{_quote(marker)}")}
                """).pl()
            )
    if not frames:
        return pl.DataFrame(
            schema={
                k: v
                for k, v in REVISIONS_COLUMNS.items()
                if k not in ("previous_release_id", "reason")
            }
        )
    return pl.concat(frames, how="diagonal_relaxed")


def _quarter_of_month(month: str) -> tuple[str, str]:
    year, number = int(month[:4]), int(month[5:7])
    start = year - (1 if number < 4 else 0)
    return f"{start}/{(start + 1) % 100:02d}", f"Q{(number + 8) % 12 // 3 + 1}"


def _cell_periods(row: dict) -> tuple[set[str], set[str]]:
    """(quarter labels, financial years) a cell's period touches."""
    if row.get("financial_year") and row.get("fy_quarter"):
        return {f"{row['financial_year']} {row['fy_quarter']}"}, {row["financial_year"]}
    if row.get("month"):
        year, quarter = _quarter_of_month(row["month"])
        return {f"{year} {quarter}"}, {year}
    if row.get("period_type") == "quarter" and row.get("period"):
        return {row["period"]}, {row["period"].split(" ")[0]}
    if row.get("period"):
        return set(), {row["period"].split(" ")[0]}
    if row.get("financial_year"):
        return set(), {row["financial_year"]}
    return set(), set()


def _submitted(area: str | None, periods: set[str], pool: set, forces: set[str]) -> bool:
    """A force's cell is touched by its own submissions for the period; an aggregate's (or an
    area-less) cell by any submission for the period; a cell with no period by any."""
    if not periods:
        return bool(pool)
    return any(p in periods and (f is None or area not in forces or f == area) for f, p in pool)


def classify(
    cells: pl.DataFrame,
    method_changed: bool,
    touched: set[tuple[str | None, str]],
    provisional_before: set[str],
    forces: set[str],
) -> list[str]:
    """The reason for each changed cell (module docstring). `touched` holds (force code or
    None for a national submitter, quarter label) of submissions since the previous release;
    `provisional_before` the periods provisional for outcomes in the previous release."""
    touched_years = {(f, q.split(" ")[0]) for f, q in touched}
    rows = list(cells.iter_rows(named=True))

    def area_of(row: dict) -> str | None:
        if row["column_name"] in COMPARATOR_COLUMNS:
            return None  # depends on every area: an aggregate
        return next((row.get(c) for c in AREA_COLUMNS if row.get(c)), None)

    # Area-quarters whose recorded crimes changed: their outcomes changed with them.
    crimes_changed = {
        (area_of(row), quarter)
        for row in rows
        if row["table_name"] == CRIMES_TABLE
        for quarter in _cell_periods(row)[0]
    }
    reasons = []
    for row in rows:
        quarters, years = _cell_periods(row)
        area = area_of(row)
        outcome_based = row["table_name"] in OUTCOME_TABLES or (
            row.get("metric_id") in OUTCOME_METRICS
        )
        same_crimes = not any((area, q) in crimes_changed for q in quarters)
        if method_changed:
            reasons.append(METHOD_CHANGE)
        elif outcome_based and (quarters | years) & provisional_before and same_crimes:
            reasons.append(LATE_OUTCOMES)
        elif (quarters and _submitted(area, quarters, touched, forces)) or (
            not quarters and _submitted(area, years, touched_years, forces)
        ):
            reasons.append(RESUBMISSION)
        else:
            reasons.append(DISCLOSURE_CONTROL)
    return reasons


def submission_quarters(source: Source, period_key: str) -> tuple[str | None, set[str]]:
    """(force code or None, quarter labels) a submission period touches, read from the key
    the source's registry entry defines (ingest.submissions.keyed). A force's own return
    touches that force; any other (a service, a national body) touches every area. A
    financial year touches its four quarters; a month or a date, its quarter."""
    parts = key_parts(source, period_key)
    area = parts.get("force_code")
    year, quarter = parts.get("financial_year"), parts.get("fy_quarter")
    if year and quarter:
        return area, {f"{year} {quarter}"}
    if year:
        return area, {f"{year} Q{n}" for n in range(1, 5)}
    periods = [parts[spec.partition(":")[0]] for spec in source.period]
    return area, {" ".join(_quarter_of_month(periods[0][:7]))}


def touched_since(
    con: duckdb.DuckDBPyConnection, warehouse: str, since: dt.datetime | None
) -> set[tuple[str | None, str]]:
    """(force code or None, quarter label) of every submission accepted after `since`."""
    if since is None:
        return set()
    rows = con.execute(
        f"""
        select distinct periods.source, periods.period_key
        from {warehouse}.intermediate.int_ingest__submission_periods as periods
        inner join {warehouse}.meta.ingest_ledger as ledger
            on ledger.file_sha256 = periods.submission_id
        where ledger.received_at > ?
        """,
        [since],
    ).fetchall()
    touched: set[tuple[str | None, str]] = set()
    for source, key in rows:
        area, quarters = submission_quarters(sources.source(source), key)
        touched |= {(area, quarter) for quarter in quarters}
    return touched


def mark_revised(
    con: duckdb.DuckDBPyConnection, database: str, grains: dict[str, list[str]]
) -> int:
    """Add '[r]' to the marker of every revised cell still in the release; cells updated."""
    updated = 0
    tables = con.execute(
        f"select distinct table_name, column_name from {database}.release.revisions "
        "where value is not null or marker is not null"
    ).fetchall()
    for table, column in tables:
        keys = grains[table]
        marker = _quote(f"{column}_marker")
        result = con.execute(
            f"""
            update {database}.published.{_quote(table)} as t
            set {marker} = trim(coalesce(t.{marker} || ' ', '') || '{REVISED}')
            from {database}.release.revisions as r
            where r.table_name = ? and r.column_name = ?
              and r.cell_key = {_key_sql("t", keys)}
              and coalesce(t.{marker}, '') not like '%{REVISED}%'
            """,
            [table, column],
        ).fetchall()
        updated += result[0][0] if result else 0
    return updated
