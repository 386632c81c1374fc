"""The exports as Dagster assets, downstream of the serving snapshot (serving/public.duckdb).

Each asset reads only the snapshot's published schema and writes under exports/ in the data
directory; the work is done by plain functions (parquet.py, spreadsheet.py, report.py)."""

import time

import dagster as dg

from orchestration.resources import DataDirResource
from publish.exports.parquet import export_parquet
from publish.exports.report import export_report
from publish.exports.spreadsheet import export_spreadsheet

SERVING_SNAPSHOT = dg.AssetKey(["serving", "snapshot"])


@dg.asset(
    key=dg.AssetKey(["exports", "parquet"]),
    deps=[SERVING_SNAPSHOT],
    group_name="exports",
    description="exports/parquet/<table>.parquet: every published (disclosure-controlled) "
    "table, each written atomically.",
    kinds={"parquet"},
)
def parquet_exports(context: dg.AssetExecutionContext, data_dir: DataDirResource):
    paths = data_dir.paths
    started = time.perf_counter()
    written = export_parquet(paths.serving_db, paths.exports / "parquet")
    seconds = round(time.perf_counter() - started, 2)
    context.log.info(f"wrote {len(written)} Parquet files in {seconds}s")
    return dg.MaterializeResult(
        metadata={
            "tables": len(written),
            "rows": dg.MetadataValue.json({t: w["rows"] for t, w in written.items()}),
            "bytes": sum(int(w["bytes"]) for w in written.values()),
            "seconds": seconds,
            "path": str(paths.exports / "parquet"),
        }
    )


@dg.asset(
    key=dg.AssetKey(["exports", "spreadsheet"]),
    deps=[SERVING_SNAPSHOT],
    group_name="exports",
    description="exports/stalking_statistics.xlsx: the accessible spreadsheet (Analysis "
    "Function guidance: cover, contents, notes, one table per sheet, GSS shorthand).",
    kinds={"excel"},
)
def spreadsheet_export(context: dg.AssetExecutionContext, data_dir: DataDirResource):
    paths = data_dir.paths
    result = export_spreadsheet(paths.serving_db, paths.exports)
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
    description="exports/service_demand_report.html: the funder-facing helpline and advocacy "
    "demand report (self-contained HTML, inline SVG charts, printable).",
    kinds={"html"},
)
def service_demand_report(context: dg.AssetExecutionContext, data_dir: DataDirResource):
    paths = data_dir.paths
    result = export_report(paths.serving_db, paths.exports)
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


export_assets = [parquet_exports, spreadsheet_export, service_demand_report]
