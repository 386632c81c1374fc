"""Publication: the public release and the restricted file.

The snapshot depends on the disclosure audit (orchestration/defs/disclosure_assets.py), whose check
is blocking: a run whose audit fails publishes nothing (docs/DISCLOSURE.md)."""

import dagster as dg

from orchestration.dbt_manifest import dbt_project
from orchestration.defs.disclosure_assets import DISCLOSURE_AUDIT
from orchestration.defs.resources import DataDirResource
from orchestration.defs.warehouse_assets import warehouse
from publish.snapshot import publish_snapshot


@dg.asset(
    key=dg.AssetKey(["serving", "snapshot"]),
    deps=[warehouse, DISCLOSURE_AUDIT],
    group_name="publish",
    description="The public release (releases/<id>/public.duckdb, pointed to by "
    "serving/public.duckdb: published, reference, release) and serving/restricted.duckdb "
    "(marts, meta; owner-only), each swapped in atomically.",
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
    result = publish_snapshot(
        paths.warehouse_db, paths, dbt_project.manifest_path, is_synthetic=bool(synthetic)
    )
    release = result["release"]
    if release["new_release"]:
        context.log.info(
            f"published release {release['release_id']} ({release['revised_cells']} cells "
            f"revised since {release['previous_release_id']}); {paths.public_db} points to it"
        )
    else:
        context.log.info(f"nothing changed since release {release['release_id']}: kept it")
    return dg.MaterializeResult(
        metadata={
            "release_id": release["release_id"],
            "new_release": release["new_release"],
            "revised_cells": release["revised_cells"],
            "contains_synthetic_data": bool(synthetic),
            "public_tables": dg.MetadataValue.json(release.get("tables", {})),
            "restricted_tables": dg.MetadataValue.json(result["restricted_tables"]),
            "public_path": str(paths.public_db),
            "restricted_path": str(paths.restricted_db),
        }
    )
