"""What the exports share: reading the public file's published schema, and atomic writes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl

from publish.disclosure.relations import SERVICE_AREAS_TOTAL, TOTAL

# force_code of the England and Wales total rows, and of an advocacy service's total over the
# force areas it serves (reference.areas): defined once, with the disclosure relations.
TOTAL_CODE = TOTAL
SERVICE_AREAS_TOTAL_CODE = SERVICE_AREAS_TOTAL
SCHEMA = "published"


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A SQL string literal (for statements such as COPY that take no parameters)."""
    return "'" + text.replace("'", "''") + "'"


@contextmanager
def serving(public_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the public file (it never blocks the pipeline)."""
    if not Path(public_db).exists():
        raise FileNotFoundError(
            f"{public_db}: no public file yet. Run the pipeline (make pipeline) first."
        )
    con = duckdb.connect(str(public_db), read_only=True)
    try:
        yield con
    finally:
        con.close()


def published_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from duckdb_tables() where schema_name = ? order by table_name",
        [SCHEMA],
    ).fetchall()
    return [r[0] for r in rows]


def read_published(con: duckdb.DuckDBPyConnection, table: str) -> pl.DataFrame:
    return con.sql(f"select * from {SCHEMA}.{quote(table)}").pl()


def replace_atomically(tmp: Path, final: Path) -> None:
    """fsync the finished temporary file, then swap it in with one rename."""
    with tmp.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, final)
