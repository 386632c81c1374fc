"""The CSV release as a Frictionless Data Package: <out_dir>/<table>.csv for every published
table and <out_dir>/datapackage.json describing them (table schemas with types, descriptions
and units; what each marker means; the licence; whether the data are synthetic).

A suppressed count is an empty cell with its marker in the sibling `<count>_marker` column,
as in the published tables. Each file is written to a temporary file and renamed into place;
datapackage.json is written last, so it never describes a CSV that is not there yet.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ingest.files import temporary_beside
from publish import shorthand
from publish.exports.catalogue import Column, Table, published_catalogue
from publish.exports.common import (
    SCHEMA,
    literal,
    quote,
    replace_atomically,
    serving,
)
from publish.exports.release import (
    OGL_NAME,
    OGL_TITLE,
    OGL_URL,
    PUBLISHER,
    ReleaseInfo,
    read_release_info,
)

DESCRIPTOR = "datapackage.json"
PACKAGE_NAME = "stalking-statistics-england-and-wales"
FRICTIONLESS_TYPES = {
    "VARCHAR": "string",
    "BIGINT": "integer",
    "INTEGER": "integer",
    "SMALLINT": "integer",
    "HUGEINT": "integer",
    "DOUBLE": "number",
    "FLOAT": "number",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "datetime",
    "TIMESTAMP WITH TIME ZONE": "datetime",
}


def field_type(duckdb_type: str) -> str:
    if duckdb_type.startswith("DECIMAL"):
        return "number"
    if duckdb_type not in FRICTIONLESS_TYPES:
        raise ValueError(f"no Table Schema type for the DuckDB type {duckdb_type}")
    return FRICTIONLESS_TYPES[duckdb_type]


def _field(column: Column) -> dict[str, object]:
    field: dict[str, object] = {
        "name": column.name,
        "type": field_type(column.duckdb_type),
        "description": column.description,
    }
    if column.unit:
        field["unit"] = column.unit
    if column.is_marker:
        field["constraints"] = {"pattern": shorthand.MARKER_COLUMN_PATTERN}
    return field


def _licence(release: ReleaseInfo) -> dict[str, str]:
    if release.is_synthetic:
        return {"name": "synthetic-demonstration-data", "title": release.licence}
    return {"name": OGL_NAME, "path": OGL_URL, "title": OGL_TITLE}


def descriptor(release: ReleaseInfo, tables: list[Table]) -> dict[str, object]:
    """The datapackage.json of a release's CSV files."""
    name = PACKAGE_NAME + (f"-{release.release_id}" if release.release_id else "")
    return {
        "profile": "tabular-data-package",
        "name": re.sub(r"[^a-z0-9._-]", "-", name.lower()),
        **({"id": release.release_id, "version": release.release_id} if release.release_id else {}),
        "title": release.title,
        "description": (
            "Published (disclosure-controlled) statistics on stalking in England and Wales: "
            f"one CSV per table. Period covered: {release.period_covered}. "
            + (shorthand_note() + " ")
            + (release.licence if release.is_synthetic else "")
        ).strip(),
        "created": release.published_at,
        "licenses": [_licence(release)],
        "sources": [{"title": PUBLISHER}],
        "keywords": ["stalking", "crime", "England and Wales", "official statistics"],
        "is_synthetic": release.is_synthetic,
        "period_covered": release.period_covered,
        "next_release": release.next_release,
        "citation": release.citation,
        "markers": {m.symbol: f"{m.label}: {m.meaning}" for m in shorthand.MARKERS.values()},
        "resources": [
            {
                "name": table.name,
                "path": f"{table.name}.csv",
                "profile": "tabular-data-resource",
                "description": table.description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [_field(c) for c in table.columns],
                    "missingValues": [""],
                },
            }
            for table in tables
        ],
    }


def shorthand_note() -> str:
    return (
        "A count that is not shown is an empty cell, its reason in the sibling <count>_marker "
        "column; markers: " + "; ".join(m.legend for m in shorthand.MARKERS.values()) + "."
    )


def export_datapackage(public_db: Path, out_dir: Path) -> dict[str, object]:
    """Write every published table to out_dir/<table>.csv and out_dir/datapackage.json;
    remove CSV files of tables no longer published. Returns the descriptor's path and, per
    table, its rows."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows: dict[str, int] = {}
    with serving(public_db) as con:
        catalogue = published_catalogue(con)
        if not catalogue:
            raise RuntimeError(f"{public_db}: the published schema is empty; nothing to export.")
        release = read_release_info(con)
        for name in catalogue:
            final = out_dir / f"{name}.csv"
            tmp = temporary_beside(final)
            try:
                con.execute(
                    f"copy (select * from {SCHEMA}.{quote(name)} order by all) "
                    f"to {literal(str(tmp))} (format csv, header true, nullstr '')"
                )
                replace_atomically(tmp, final)
            finally:
                tmp.unlink(missing_ok=True)
            rows[name] = con.execute(f"select count(*) from {SCHEMA}.{quote(name)}").fetchall()[0][
                0
            ]
    package = descriptor(release, list(catalogue.values()))
    final = out_dir / DESCRIPTOR
    tmp = temporary_beside(final)
    try:
        tmp.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        replace_atomically(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    for stale in out_dir.glob("*.csv"):
        if stale.stem not in rows:
            stale.unlink()
    return {"path": str(final), "rows": rows, "synthetic": release.is_synthetic}
