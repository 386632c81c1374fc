"""The exports as Dagster assets, downstream of the serving snapshot (serving/public.duckdb).

Each asset reads only the public file and writes into the latest release's folder,
releases/<release_id>/, once: a release is never changed, so an export it already has is
kept. The work is done by plain functions (parquet.py, datapackage.py, spreadsheet.py,
report.py), each taking the public file and an output folder; this module only says, per
export, where it goes, how to tell it is already there and what to record."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from orchestration.defs.resources import DataDirResource
from publish.exports.datapackage import export_datapackage
from publish.exports.parquet import export_parquet
from publish.exports.report import export_report
from publish.exports.spreadsheet import export_spreadsheet
from publish.releases import release_dir

SERVING_SNAPSHOT = dg.AssetKey(["serving", "snapshot"])


@dataclass(frozen=True)
class Export:
    name: str  # the asset key is exports/<name>
    description: str
    kind: str
    folder: str | None  # a subfolder of the release that the export owns, or None
    suffix: str | None  # else: the file type it writes into the release folder itself
    write: Callable[[Path, Path], dict]  # (public file, output folder) -> result
    metadata: Callable[[dict], dict]  # result -> the materialisation's metadata

    def already_written(self, release: Path) -> list[Path]:
        if self.folder:
            out = release / self.folder
            return [out] if out.exists() else []
        return sorted(release.glob(f"*{self.suffix}"))


def _parquet_metadata(written: dict) -> dict:
    return {
        "tables": len(written),
        "rows": dg.MetadataValue.json({t: w["rows"] for t, w in written.items()}),
        "bytes": sum(int(w["bytes"]) for w in written.values()),
    }


def _package_metadata(result: dict) -> dict:
    return {
        "path": str(result["path"]),
        "rows": dg.MetadataValue.json(result["rows"]),
        "contains_synthetic_data": bool(result["synthetic"]),
    }


def _file_metadata(*counts: str) -> Callable[[dict], dict]:
    def metadata(result: dict) -> dict:
        facts = {
            "path": str(result["path"]),
            "bytes": int(result["bytes"]),
            "contains_synthetic_data": bool(result["synthetic"]),
        }
        for name in counts:
            value = result[name]
            facts[name] = dg.MetadataValue.json(value) if isinstance(value, dict) else int(value)
        return facts

    return metadata


EXPORTS = (
    Export(
        "parquet",
        "releases/<id>/parquet/<table>.parquet: every published (disclosure-controlled) table, "
        "each written atomically, with release, licence and column descriptions in its "
        "key-value metadata.",
        "parquet",
        "parquet",
        None,
        export_parquet,
        _parquet_metadata,
    ),
    Export(
        "data_package",
        "releases/<id>/csv/: one CSV per published table and datapackage.json (a Frictionless "
        "Data Package: table schemas with types, descriptions and units, marker meanings, "
        "licence, the synthetic flag).",
        "csv",
        "csv",
        None,
        export_datapackage,
        _package_metadata,
    ),
    Export(
        "spreadsheet",
        "releases/<id>/stalking_statistics.xlsx: the accessible spreadsheet, built with "
        "gptables (Analysis Function guidance: cover, contents, notes, one table per sheet, "
        "units in headers, GSS shorthand).",
        "excel",
        None,
        ".xlsx",
        export_spreadsheet,
        _file_metadata("sheets"),
    ),
    Export(
        "service_demand_report",
        "releases/<id>/service_demand_report.html: the funder-facing helpline and advocacy "
        "demand report (jinja2 templates; self-contained HTML, inline SVG charts, printable).",
        "html",
        None,
        ".html",
        export_report,
        _file_metadata("charts"),
    ),
)


def _export_asset(export: Export) -> dg.AssetsDefinition:
    @dg.asset(
        key=dg.AssetKey(["exports", export.name]),
        deps=[SERVING_SNAPSHOT],
        group_name="exports",
        description=export.description,
        kinds={export.kind},
    )
    def write_export(context: dg.AssetExecutionContext, data_dir: DataDirResource):
        paths = data_dir.paths
        release = release_dir(paths)
        out_dir = release / export.folder if export.folder else release
        kept = export.already_written(release)
        if kept:
            context.log.info(f"{kept[0]} already in this release (written once): kept")
            return dg.MaterializeResult(metadata={"path": str(out_dir), "kept": True})
        started = time.perf_counter()
        result = export.write(paths.public_db, out_dir)
        seconds = round(time.perf_counter() - started, 2)
        context.log.info(f"wrote exports/{export.name} into {out_dir} in {seconds}s")
        return dg.MaterializeResult(
            metadata={"path": str(out_dir), **export.metadata(result), "seconds": seconds}
        )

    return write_export


export_assets = [_export_asset(export) for export in EXPORTS]
