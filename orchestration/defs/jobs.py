"""Jobs: the whole flow from landing/ to the serving snapshot and exports; the audit alone."""

import dagster as dg

from orchestration.defs.disclosure_assets import DISCLOSURE_AUDIT

# The disclosure audit is inside: the serving snapshot depends on it and its check blocks.
full_pipeline = dg.define_asset_job(
    "full_pipeline",
    selection=dg.AssetSelection.all(),
    description="Ingest every new landed file, build the warehouse with dbt, audit the "
    "disclosure control (blocking), publish serving/.",
)

# The audit over the warehouse's published schema on its own (`make audit`), e.g. to see the
# verdict on a warehouse built earlier without publishing.
disclosure_audit_job = dg.define_asset_job(
    "disclosure_audit",
    selection=dg.AssetSelection.assets(DISCLOSURE_AUDIT),
    description="Solve every suppressed cell's feasible range; fail when any is pinned down.",
)
