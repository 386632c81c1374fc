"""Publish the two serving files from the warehouse: public and restricted never share a file.

- The public release (`releases/<release_id>/public.duckdb`, pointed to by
  `serving/public.duckdb`): schemas `published`, `reference` and `release` only, in DuckDB's
  1.x storage format so researchers on either line can open it. Written once into a private
  folder that is renamed into place, then made read-only; a run whose published content did
  not change publishes no new release.
- The restricted file (`serving/restricted.duckdb`): `marts` and `meta` at exact counts (with
  `reference` for joins), built inside an owner-only folder and owner-only itself (0600), so it
  is never readable by anyone else, not even for an instant; swapped in with one rename.

Readers see the old file or the new one, never a mixture, and are never blocked.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import duckdb
import polars as pl

from ingest.settings import DataPaths
from publish import releases, revisions

PUBLIC_SCHEMAS = ("published", "reference", "release")
RESTRICTED_SCHEMAS = ("marts", "meta", "reference")
# The oldest storage format DuckDB 1.x reads: the public file opens in 1.0 to 1.5 and in 2.x.
PUBLIC_STORAGE_VERSION = "v1.0.0"
# Working models of the disclosure step that still sit in the published schema: exact counts,
# never released (they move to their own schema; this keeps them out until then).
WORKING_PREFIXES = ("disclosure_",)
OWNER_ONLY = 0o600
BUILDING_PREFIX = ".building-"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + " ".join(str(text).split()).replace("'", "''") + "'"


def _descriptions(manifest_path: Path) -> dict[tuple[str, str], dict]:
    """(schema, table) → {'description': ..., 'columns': {name: description}} from dbt docs."""
    if not manifest_path.exists():
        return {}
    manifest = json.loads(manifest_path.read_text())
    docs = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] not in ("model", "seed"):
            continue
        docs[(node["schema"], node["alias"])] = {
            "description": node.get("description") or "",
            "columns": {k: v.get("description") or "" for k, v in node["columns"].items()},
        }
    return docs


def _fsync(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _comment(con: duckdb.DuckDBPyConnection, target: str, doc: dict | None) -> None:
    if not doc:
        return
    con.execute(f"comment on table {target} is {_literal(doc['description'])}")
    columns = {r[0] for r in con.execute(f"describe {target}").fetchall()}
    for column, text in doc["columns"].items():
        if column in columns and text:
            con.execute(f"comment on column {target}.{_quote(column)} is {_literal(text)}")


def _copy_schemas(
    con: duckdb.DuckDBPyConnection, target_db: str, schemas: tuple[str, ...], docs: dict
) -> dict[str, int]:
    """Copy every table of `schemas` from the attached warehouse `wh` into `target_db`."""
    tables = con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = 'wh' "
        f"and schema_name in ({', '.join(repr(s) for s in schemas)}) order by 1, 2"
    ).fetchall()
    counts: dict[str, int] = {}
    for schema in schemas:
        con.execute(f"create schema if not exists {target_db}.{schema}")
    for schema, table in tables:
        if schema == "published" and table.startswith(WORKING_PREFIXES):
            continue
        target = f"{target_db}.{schema}.{_quote(table)}"
        con.execute(f"create table {target} as select * from wh.{schema}.{_quote(table)}")
        counts[f"{schema}.{table}"] = con.execute(f"select count(*) from {target}").fetchall()[0][0]
        _comment(con, target, docs.get((schema, table)))
    return counts


# --------------------------------------------------------------------------------------------
# The restricted file


def write_restricted(
    warehouse_db: Path, restricted_db: Path, docs: dict, info: dict[str, object]
) -> dict[str, int]:
    """marts + meta (+ reference) at exact counts, owner-only from its first byte."""
    restricted_db.parent.mkdir(parents=True, exist_ok=True)
    for stale in restricted_db.parent.glob(f".{restricted_db.name}.tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)
    # An owner-only folder: the file, and DuckDB's write-ahead log beside it, are unreachable
    # by others whatever their own mode while they are written.
    private = restricted_db.with_name(f".{restricted_db.name}.tmp-{os.getpid()}")
    private.mkdir(mode=0o700)
    os.chmod(private, 0o700)  # mkdir's mode is filtered by the umask; 0700 is narrower anyway
    tmp = private / restricted_db.name
    os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, OWNER_ONLY))
    os.chmod(tmp, OWNER_ONLY)
    tmp.unlink()  # DuckDB will create it inside the private folder; the folder protects it
    try:
        con = duckdb.connect(str(tmp))
        try:
            con.execute(f"attach '{warehouse_db}' as wh (read_only)")
            counts = _copy_schemas(con, tmp.stem, RESTRICTED_SCHEMAS, docs)
            con.execute("create table meta.snapshot_info (key varchar, value varchar)")
            con.executemany(
                "insert into meta.snapshot_info values (?, ?)",
                [(k, str(v)) for k, v in info.items()],
            )
            con.execute(
                "comment on table meta.snapshot_info is "
                "'When and from what this restricted snapshot was published (key/value).'"
            )
            con.execute("detach wh")
            con.execute("checkpoint")
        finally:
            con.close()
        os.chmod(tmp, OWNER_ONLY)
        _fsync(tmp)
        os.replace(tmp, restricted_db)  # same filesystem: atomic, keeps mode 0600
        _fsync(restricted_db.parent)
    finally:
        shutil.rmtree(private, ignore_errors=True)
    return counts


# --------------------------------------------------------------------------------------------
# The public release


def _latest_complete_quarter(con: duckdb.DuckDBPyConnection, db: str) -> tuple[str, str, str]:
    """(financial_year, fy_quarter, period covered) from the release's period_status."""
    row = con.execute(
        f"select min(period) filter (where status = 'complete'), "
        f"max(period) filter (where status = 'complete') "
        f"from {db}.reference.period_status where period_type = 'quarter'"
    ).fetchall()[0]
    first, last = row
    if last is None:
        raise RuntimeError(
            "Nothing to publish: no quarter of recorded crime is in the warehouse, so the "
            "release has no period to cover (reference.period_status is empty)."
        )
    year, quarter = last.split(" ")
    return year, quarter, f"{first} to {last}" if first != last else last


def _audit_summary(paths: DataPaths) -> tuple[str | None, bool | None]:
    audit = paths.warehouse_db.parent / "disclosure_audit.json"
    if not audit.exists():
        return None, None
    summary = json.loads(audit.read_text())
    passed = summary.get("passed")
    return json.dumps(summary, sort_keys=True), None if passed is None else bool(passed)


def _previous_info(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    return con.sql("select * from prev.release.release_info").pl().row(0, named=True)


def _same_content(con: duckdb.DuckDBPyConnection, grains: dict[str, list[str]]) -> bool:
    """True when the candidate adds, removes and changes no cell and no reference row."""
    tables = con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = 'pub' "
        "and schema_name in ('published', 'reference') "
        "and not (schema_name = 'release') order by 1, 2"
    ).fetchall()
    previous = set(
        con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = 'prev' "
            "and schema_name in ('published', 'reference')"
        ).fetchall()
    )
    if set(tables) != previous:
        return False
    if con.execute("select count(*) from pub.release.revisions").fetchall()[0][0]:
        return False
    for schema, table in [*tables, ("release", "coverage")]:
        name = f"{schema}.{_quote(table)}"
        if schema == "published" and table in grains:
            # Values and markers were compared cell by cell; here only which rows exist.
            keys = ", ".join(_quote(k) for k in grains[table])
            query = (
                f"select count(*) from ((select {keys} from pub.{name} except all "
                f"select {keys} from prev.{name}) union all (select {keys} from prev.{name} "
                f"except all select {keys} from pub.{name}))"
            )
        else:
            query = (
                f"select count(*) from ((select * from pub.{name} except all select * from "
                f"prev.{name}) union all (select * from prev.{name} except all select * from "
                f"pub.{name}))"
            )
        try:
            if con.execute(query).fetchall()[0][0]:
                return False
        except duckdb.Error:  # columns changed shape
            return False
    return True


def _write_revisions(
    con: duckdb.DuckDBPyConnection,
    paths: DataPaths,
    grains: dict[str, list[str]],
    previous_id: str | None,
    method: str,
) -> int:
    con.execute(
        """
        create table pub.release.revisions (
            table_name varchar, cell_key varchar, column_name varchar,
            previous_release_id varchar, previous_value double, previous_marker varchar,
            value double, marker varchar, reason varchar
        )
        """
    )
    if previous_id is None:
        return 0
    cells = revisions.changed_cells(con, grains, "pub", "prev")
    if cells.is_empty():
        return 0
    info = _previous_info(con)
    published_at = dt.datetime.fromisoformat(str(info["published_at"]))
    provisional = {
        r[0]
        for r in con.execute(
            "select period from prev.reference.period_status where outcome_status <> 'complete'"
        ).fetchall()
    }
    forces = {
        r[0]
        for r in con.execute(
            "select force_code from pub.reference.ref_forces where is_territorial"
        ).fetchall()
    }
    reasons = revisions.classify(
        cells,
        method_changed=info.get("method_version") != method,
        touched=revisions.touched_since(con, "wh", published_at),
        provisional_before=provisional,
        forces=forces,
    )
    log = cells.with_columns(
        pl.lit(previous_id).alias("previous_release_id"), pl.Series("reason", reasons)
    ).select(list(revisions.REVISIONS_COLUMNS))
    con.register("revisions_frame", log)
    try:
        con.execute("insert into pub.release.revisions select * from revisions_frame")
    finally:
        con.unregister("revisions_frame")
    return log.height


def _write_release_info(con: duckdb.DuckDBPyConnection, row: dict[str, object]) -> None:
    frame = pl.DataFrame([row])
    con.register("release_info_frame", frame)
    try:
        con.execute("create table pub.release.release_info as select * from release_info_frame")
    finally:
        con.unregister("release_info_frame")


RELEASE_DOCS = {
    "release_info": (
        "One row: this release. Its id (latest complete quarter covered and revision), when it "
        "was published, the periods it covers, the next scheduled release, the licence, how to "
        "cite it, whether it is synthetic, and the disclosure audit's summary."
    ),
    "revisions": (
        "One row per published cell (table_name, cell_key, column_name) whose value or marker "
        "changed since the previous release: both versions and the reason (method change, "
        "late outcomes, resubmission, disclosure control). Those cells carry [r] here."
    ),
    "tables": "One row per table in this release: schema, name, rows and description.",
}


def write_release(
    warehouse_db: Path,
    paths: DataPaths,
    manifest_path: Path,
    docs: dict,
    is_synthetic: bool,
) -> dict[str, object]:
    """Build the next public release; publish it unless nothing changed. Returns a summary."""
    paths.releases.mkdir(parents=True, exist_ok=True)
    for stale in paths.releases.glob(f"{BUILDING_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)
    building = paths.releases / f"{BUILDING_PREFIX}{os.getpid()}"
    building.mkdir()
    tmp = building / releases.PUBLIC_FILE
    grains = revisions.table_grains(manifest_path) if manifest_path.exists() else {}
    method = revisions.method_version(manifest_path) if manifest_path.exists() else "unknown"
    previous_id = releases.latest_release_id(paths)
    published_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    con = duckdb.connect()
    try:
        con.execute(f"attach '{warehouse_db}' as wh (read_only)")
        con.execute(f"attach '{tmp}' as pub (storage_version '{PUBLIC_STORAGE_VERSION}')")
        if previous_id:
            previous_db = releases.release_dir(paths, previous_id) / releases.PUBLIC_FILE
            con.execute(f"attach '{previous_db}' as prev (read_only)")
        counts = _copy_schemas(con, "pub", PUBLIC_SCHEMAS, docs)
        year, quarter, covered = _latest_complete_quarter(con, "pub")
        revised = _write_revisions(con, paths, grains, previous_id, method)
        if previous_id and _same_content(con, grains):
            con.close()
            shutil.rmtree(building, ignore_errors=True)
            return {"release_id": previous_id, "new_release": False, "revised_cells": 0}
        new_id = releases.next_release_id(paths, year, quarter)
        marked = revisions.mark_revised(con, "pub", grains)
        audit, audit_passed = _audit_summary(paths)
        _write_release_info(
            con,
            {
                "release_id": new_id,
                "published_at": published_at.isoformat(),
                "period_covered": covered,
                "latest_complete_quarter": f"{year} {quarter}",
                "next_release": releases.next_publication_date(published_at.date()).isoformat(),
                "licence": releases.SYNTHETIC_NOTICE if is_synthetic else releases.OGL_V3,
                "citation": releases.citation(new_id, published_at, is_synthetic),
                "is_synthetic": is_synthetic,
                "previous_release_id": previous_id,
                "revised_cells": revised,
                "method_version": method,
                "disclosure_audit_passed": audit_passed,
                "disclosure_audit": audit,
            },
        )
        for table, text in RELEASE_DOCS.items():
            if table != "tables":
                con.execute(f"comment on table pub.release.{table} is {_literal(text)}")
        catalogue = con.execute(
            "select schema_name, table_name, comment from duckdb_tables() "
            "where database_name = 'pub' order by 1, 2"
        ).fetchall()
        counts["release.revisions"] = revised
        counts["release.release_info"] = 1
        con.execute(
            "create table pub.release.tables (schema_name varchar, table_name varchar, "
            "row_count bigint, description varchar)"
        )
        con.executemany(
            "insert into pub.release.tables values (?, ?, ?, ?)",
            [(s, t, counts.get(f"{s}.{t}"), c) for s, t, c in catalogue],
        )
        con.execute(f"comment on table pub.release.tables is {_literal(RELEASE_DOCS['tables'])}")
        con.execute("checkpoint pub")
        con.execute("detach pub")
        con.close()
    except BaseException:
        con.close()
        shutil.rmtree(building, ignore_errors=True)
        raise
    os.chmod(tmp, 0o444)  # a release is never changed: read-only for everyone
    _fsync(tmp)
    final = paths.releases / new_id
    os.rename(building, final)  # fails if the folder exists: a release is written once
    _fsync(paths.releases)
    releases.point_serving_at(paths, new_id)
    return {
        "release_id": new_id,
        "new_release": True,
        "revised_cells": revised,
        "marked_cells": marked,
        "previous_release_id": previous_id,
        "tables": counts,
    }


def publish_snapshot(
    warehouse_db: Path,
    paths: DataPaths,
    manifest_path: Path,
    is_synthetic: bool,
) -> dict[str, object]:
    """Write the restricted file and the public release; returns both summaries."""
    docs = _descriptions(manifest_path)
    release = write_release(warehouse_db, paths, manifest_path, docs, is_synthetic)
    info = {
        "published_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "contains_synthetic_data": is_synthetic,
        "public_release_id": release["release_id"],
    }
    restricted = write_restricted(warehouse_db, paths.restricted_db, docs, info)
    return {"release": release, "restricted_tables": restricted}
