"""The dbt project as Dagster assets: dbt is the only writer of the warehouse."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.dbt_manifest import dbt_project, prepare_manifest


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
