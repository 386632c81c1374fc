"""The Dagster code location: `dagster dev -w workspace.yaml` loads `defs` from here."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.automation import landing_sensor, quarterly_publication
from orchestration.defs.disclosure_assets import disclosure_audit
from orchestration.defs.export_assets import export_assets
from orchestration.defs.ingest_assets import ingest_assets, ingest_checks, ingest_records
from orchestration.defs.jobs import disclosure_audit_job, full_pipeline
from orchestration.defs.linkage_assets import linkage_assets
from orchestration.defs.publish_assets import serving_snapshot
from orchestration.defs.resources import make_resources
from orchestration.defs.warehouse_assets import warehouse

defs = dg.Definitions(
    assets=[
        *ingest_assets,
        ingest_records,
        *linkage_assets,
        warehouse,
        disclosure_audit,
        serving_snapshot,
        *export_assets,
    ],
    asset_checks=ingest_checks,
    jobs=[full_pipeline, disclosure_audit_job],
    sensors=[landing_sensor],
    schedules=[quarterly_publication],
    resources=make_resources(),
)
