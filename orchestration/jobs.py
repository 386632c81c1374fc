"""Jobs: the whole flow from landing/ to the serving snapshot and exports."""

import dagster as dg

full_pipeline = dg.define_asset_job(
    "full_pipeline",
    selection=dg.AssetSelection.all(),
    description="Ingest every new landed file, build the warehouse with dbt, publish serving/.",
)
