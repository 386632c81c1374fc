"""The dbt project as Dagster assets, and the publish step that swaps in the serving file."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.dbt_manifest import dbt_project, prepare_manifest
from orchestration.resources import DataDirResource
from publish.snapshot import publish_snapshot


class WarehouseTranslator(DagsterDbtTranslator):
    """Group dbt nodes by layer (staging, intermediate, marts, published, meta, reference)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "warehouse"


@dbt_assets(
    manifest=prepare_manifest(),
    project=dbt_project,
    dagster_dbt_translator=WarehouseTranslator(),
)
def warehouse(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """dbt build: seeds, models and their tests; dbt is the only writer of the warehouse."""
    yield from dbt.cli(["build"], context=context).stream()


@dg.asset(
    key=dg.AssetKey(["serving", "snapshot"]),
    deps=[warehouse],
    group_name="publish",
    description="serving/public.duckdb: aggregate schemas copied and swapped in atomically.",
    kinds={"duckdb"},
)
def serving_snapshot(context: dg.AssetExecutionContext, data_dir: DataDirResource):
    paths = data_dir.paths
    import duckdb

    with duckdb.connect(str(paths.warehouse_db), read_only=True) as con:
        synthetic = con.execute(
            "select coalesce(bool_or(is_synthetic), false) from meta.ingest_ledger "
            "where status in ('accepted', 'partially_accepted')"
        ).fetchall()[0][0]
    counts = publish_snapshot(
        paths.warehouse_db,
        paths.serving_db,
        dbt_project.manifest_path,
        snapshot_info={"contains_synthetic_data": synthetic},
    )
    context.log.info(f"published {len(counts)} tables to {paths.serving_db}")
    return dg.MaterializeResult(
        metadata={
            "tables": len(counts),
            "contains_synthetic_data": synthetic,
            "row_counts": dg.MetadataValue.json(counts),
            "path": str(paths.serving_db),
        }
    )
