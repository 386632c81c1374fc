"""Jobs: the whole flow from landing/ to the serving snapshot and exports; the audit."""

import dagster as dg

from orchestration.disclosure_assets import DISCLOSURE_AUDIT

full_pipeline = dg.define_asset_job(
    "full_pipeline",
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets(DISCLOSURE_AUDIT),
    description="Ingest every new landed file, build the warehouse with dbt, publish serving/.",
)

# The disclosure audit over the warehouse's published schema (its check is blocking). Run
# with `make audit` after `make pipeline`; not yet part of full_pipeline (see publish_assets).
disclosure_audit_job = dg.define_asset_job(
    "disclosure_audit",
    selection=dg.AssetSelection.assets(DISCLOSURE_AUDIT),
    description="Solve every suppressed cell's feasible range; fail when any is pinned down.",
)
