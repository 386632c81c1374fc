"""Parquet per published table: <out_dir>/<table>.parquet, each written to a temporary file
and renamed into place, so a reader sees the old file or the new one, never half.

Every file describes itself in its key-value metadata: the release (id when there is one,
published at, period covered, licence, citation, the synthetic flag), the table's description
and, as JSON objects, each column's description and unit and the meaning of each marker.
"""

from __future__ import annotations

import json
from pathlib import Path

from ingest.files import temporary_beside
from publish import shorthand
from publish.exports.catalogue import Table, published_catalogue
from publish.exports.common import (
    SCHEMA,
    literal,
    quote,
    replace_atomically,
    serving,
)
from publish.exports.release import ReleaseInfo, read_release_info


def marker_meanings() -> dict[str, str]:
    return {m.symbol: f"{m.label}: {m.meaning}" for m in shorthand.MARKERS.values()}


def file_metadata(release: ReleaseInfo, table: Table) -> dict[str, str]:
    """The key-value metadata of one table's file (keys and values are text)."""
    return {
        **release.metadata(),
        "table": table.name,
        "description": table.description,
        "column_descriptions": json.dumps({c.name: c.description for c in table.columns}),
        "column_units": json.dumps({c.name: c.unit for c in table.columns if c.unit}),
        "markers": json.dumps(marker_meanings()),
    }


def export_parquet(public_db: Path, out_dir: Path) -> dict[str, dict[str, object]]:
    """Write every published table to out_dir/<table>.parquet (rows in a stable order) with
    its metadata; remove Parquet files of tables no longer published. Returns, per table, its
    path, rows and bytes."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, dict[str, object]] = {}
    with serving(public_db) as con:
        catalogue = published_catalogue(con)
        if not catalogue:
            raise RuntimeError(f"{public_db}: the published schema is empty; nothing to export.")
        release = read_release_info(con)
        for name, table in catalogue.items():
            final = out_dir / f"{name}.parquet"
            tmp = temporary_beside(final)
            metadata = ", ".join(
                f"{literal(k)}: {literal(v)}" for k, v in file_metadata(release, table).items()
            )
            try:
                con.execute(
                    f"copy (select * from {SCHEMA}.{quote(name)} order by all) "
                    f"to {literal(str(tmp))} "
                    f"(format parquet, compression zstd, kv_metadata {{{metadata}}})"
                )
                replace_atomically(tmp, final)
            finally:
                tmp.unlink(missing_ok=True)
            rows = con.execute(f"select count(*) from {SCHEMA}.{quote(name)}").fetchall()[0][0]
            written[name] = {"path": str(final), "rows": rows, "bytes": final.stat().st_size}
    for stale in out_dir.glob("*.parquet"):
        if stale.stem not in written:
            stale.unlink()
    return written
