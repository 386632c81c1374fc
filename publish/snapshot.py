"""Publish the serving snapshot: copy what may leave the building into a new DuckDB file,
then swap it in with one atomic rename, so a reader sees the old snapshot or the new one,
never a mixture, and is never blocked by the pipeline.

Only aggregate schemas are copied (marts, published, meta, reference); staging and
intermediate hold record-level rows and stay in the warehouse.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import duckdb

PUBLISHED_SCHEMAS = ("reference", "marts", "published", "meta")


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + " ".join(text.split()).replace("'", "''") + "'"


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


def publish_snapshot(
    warehouse_db: Path,
    serving_db: Path,
    manifest_path: Path,
    snapshot_info: dict[str, object] | None = None,
) -> dict[str, int]:
    serving_db.parent.mkdir(parents=True, exist_ok=True)
    # Leftovers of a publish that was killed part way: never read, safe to remove.
    for stale in serving_db.parent.glob(f".{serving_db.name}.tmp-*"):
        stale.unlink(missing_ok=True)
    tmp = serving_db.with_name(f".{serving_db.name}.tmp-{os.getpid()}")
    docs = _descriptions(manifest_path)
    counts: dict[str, int] = {}
    con = duckdb.connect(str(tmp))
    try:
        con.execute(f"attach '{warehouse_db}' as wh (read_only)")
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where database_name = 'wh' and schema_name in "
            f"({', '.join(repr(s) for s in PUBLISHED_SCHEMAS)}) order by 1, 2"
        ).fetchall()
        for schema in PUBLISHED_SCHEMAS:
            con.execute(f"create schema if not exists {schema}")
        for schema, table in tables:
            target = f"{schema}.{_quote(table)}"
            con.execute(f"create table {target} as select * from wh.{schema}.{_quote(table)}")
            count = con.execute(f"select count(*) from {target}").fetchall()[0]
            counts[f"{schema}.{table}"] = count[0]
            doc = docs.get((schema, table))
            if doc:
                con.execute(f"comment on table {target} is {_literal(doc['description'])}")
                columns = {r[0] for r in con.execute(f"describe {target}").fetchall()}
                for column, text in doc["columns"].items():
                    if column in columns and text:
                        con.execute(
                            f"comment on column {target}.{_quote(column)} is {_literal(text)}"
                        )
        info = {
            "published_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            **(snapshot_info or {}),
        }
        con.execute("create table meta.snapshot_info (key varchar, value varchar)")
        con.executemany(
            "insert into meta.snapshot_info values (?, ?)", [(k, str(v)) for k, v in info.items()]
        )
        con.execute(
            "comment on table meta.snapshot_info is "
            "'When and from what this snapshot was published (key/value).'"
        )
        con.execute("detach wh")
        con.execute("checkpoint")
    finally:
        con.close()
    with tmp.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, serving_db)  # the atomic swap: readers see old or new, never half
    directory = os.open(serving_db.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return counts
