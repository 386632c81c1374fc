"""Parquet per published table: exports/parquet/<table>.parquet, each written to a temporary
file and renamed into place, so a reader sees the old file or the new one, never half."""

from __future__ import annotations

from pathlib import Path

from publish.exports.common import (
    SCHEMA,
    published_tables,
    quote,
    replace_atomically,
    serving,
    temporary_path,
)


def export_parquet(serving_db: Path, out_dir: Path) -> dict[str, dict[str, object]]:
    """Write every published table to out_dir/<table>.parquet (rows in a stable order);
    remove Parquet files of tables no longer published. Returns, per table, its path, rows
    and bytes."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, dict[str, object]] = {}
    with serving(serving_db) as con:
        tables = published_tables(con)
        if not tables:
            raise RuntimeError(f"{serving_db}: the published schema is empty; nothing to export.")
        for table in tables:
            final = out_dir / f"{table}.parquet"
            tmp = temporary_path(final)
            target = str(tmp).replace("'", "''")
            try:
                con.execute(
                    f"copy (select * from {SCHEMA}.{quote(table)} order by all) "
                    f"to '{target}' (format parquet, compression zstd)"
                )
                replace_atomically(tmp, final)
            finally:
                tmp.unlink(missing_ok=True)
            rows = con.execute(f"select count(*) from {SCHEMA}.{quote(table)}").fetchall()[0][0]
            written[table] = {"path": str(final), "rows": rows, "bytes": final.stat().st_size}
    for stale in out_dir.glob("*.parquet"):
        if stale.stem not in written:
            stale.unlink()
    return written
