"""The exports as Dagster assets, downstream of the serving snapshot (serving/public.duckdb).

Each asset reads only the public file and writes into the latest release's folder,
releases/<release_id>/, once: a release is never changed, so an export it already has is
kept. The work is done by plain functions (parquet.py, datapackage.py, spreadsheet.py,
report.py), each taking the public file and an output folder."""

import time

import dagster as dg

from orchestration.resources import DataDirResource
from publish.exports.datapackage import export_datapackage
from publish.exports.parquet import export_parquet
from publish.exports.report import export_report
from publish.exports.spreadsheet import export_spreadsheet
from publish.releases import release_dir

SERVING_SNAPSHOT = dg.AssetKey(["serving", "snapshot"])


def _already_written(context: dg.AssetExecutionContext, target: list) -> bool:
    if target:
        context.log.info(f"{target[0]} already in this release (written once): kept")
    return bool(target)


@dg.asset(
    key=dg.AssetKey(["exports", "parquet"]),
    deps=[SERVING_SNAPSHOT],
    group_name="exports",
    description="releases/<id>/parquet/<table>.parquet: every published (disclosure-controlled) "
    "table, each written atomically, with release, licence and column descriptions in its "
    "key-value metadata.",
    kinds={"parquet"},
)
def parquet_exports(context: dg.AssetExecutionContext, data_dir: DataDirResource):
    paths = data_dir.paths
    out_dir = release_dir(paths) / "parquet"
    if _already_written(context, [out_dir] if out_dir.exists() else []):
        return dg.MaterializeResult(metadata={"path": str(out_dir), "kept": True})
    started = time.perf_counter()
    written = export_parquet(paths.public_db, out_dir)
    seconds = round(time.perf_counter() - started, 2)
    context.log.info(f"wrote {len(written)} Parquet files in {seconds}s")
    return dg.MaterializeResult(
        metadata={
            "tables": len(written),
            "rows": dg.MetadataValue.json({t: w["rows"] for t, w in written.items()}),
            "bytes": sum(int(w["bytes"]) for w in written.values()),
            "seconds": seconds,
            "path": str(out_dir),
        }
    )


@dg.asset(
    key=dg.AssetKey(["exports", "data_package"]),
    deps=[SERVING_SNAPSHOT],
    group_name="exports",
    description="releases/<id>/csv/: one CSV per published table and datapackage.json (a "
    "Frictionless Data Package: table schemas with types, descriptions and units, marker "
    "meanings, licence, the synthetic flag).",
    kinds={"csv"},
)
def data_package_export(context: dg.AssetExecutionContext, data_dir: DataDirResource):
    paths = data_dir.paths
    out_dir = release_dir(paths) / "csv"
    if _already_written(context, [out_dir] if out_dir.exists() else []):
        return dg.MaterializeResult(metadata={"path": str(out_dir), "kept": True})
    started = time.perf_counter()
    result = export_datapackage(paths.public_db, out_dir)
    seconds = round(time.perf_counter() - started, 2)
    context.log.info(f"wrote {len(result['rows'])} CSV files and {result['path']} in {seconds}s")
    return dg.MaterializeResult(
        metadata={
            "path": str(result["path"]),
            "rows": dg.MetadataValue.json(result["rows"]),
            "contains_synthetic_data": bool(result["synthetic"]),
            "seconds": seconds,
        }
    )


@dg.asset(
    key=dg.AssetKey(["exports", "spreadsheet"]),
    deps=[SERVING_SNAPSHOT],
    group_name="exports",
    description="releases/<id>/stalking_statistics.xlsx: the accessible spreadsheet, built with "
    "gptables (Analysis Function guidance: cover, contents, notes, one table per sheet, units "
    "in headers, GSS shorthand).",
    kinds={"excel"},
)
def spreadsheet_export(context: dg.AssetExecutionContext, data_dir: DataDirResource):
    paths = data_dir.paths
    out_dir = release_dir(paths)
    if _already_written(context, sorted(out_dir.glob("*.xlsx"))):
        return dg.MaterializeResult(metadata={"path": str(out_dir), "kept": True})
    result = export_spreadsheet(paths.public_db, out_dir)
    context.log.info(f"wrote {result['path']} in {result['seconds']}s")
    return dg.MaterializeResult(
        metadata={
            "path": str(result["path"]),
            "bytes": int(result["bytes"]),
            "sheets": dg.MetadataValue.json(result["sheets"]),
            "contains_synthetic_data": bool(result["synthetic"]),
            "seconds": float(result["seconds"]),
        }
    )


@dg.asset(
    key=dg.AssetKey(["exports", "service_demand_report"]),
    deps=[SERVING_SNAPSHOT],
    group_name="exports",
    description="releases/<id>/service_demand_report.html: the funder-facing helpline and advocacy "
    "demand report (jinja2 templates; self-contained HTML, inline SVG charts, printable).",
    kinds={"html"},
)
def service_demand_report(context: dg.AssetExecutionContext, data_dir: DataDirResource):
    paths = data_dir.paths
    out_dir = release_dir(paths)
    if _already_written(context, sorted(out_dir.glob("*.html"))):
        return dg.MaterializeResult(metadata={"path": str(out_dir), "kept": True})
    result = export_report(paths.public_db, out_dir)
    context.log.info(f"wrote {result['path']} in {result['seconds']}s")
    return dg.MaterializeResult(
        metadata={
            "path": str(result["path"]),
            "bytes": int(result["bytes"]),
            "charts": int(result["charts"]),
            "contains_synthetic_data": bool(result["synthetic"]),
            "seconds": float(result["seconds"]),
        }
    )


export_assets = [parquet_exports, data_package_export, spreadsheet_export, service_demand_report]
