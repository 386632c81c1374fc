"""Linkage as a Dagster asset: after the crimes are ingested (and pass their blocking check),
before dbt, which reads its output through source('linkage', 'crime_pairs')."""

import dagster as dg

from linkage.run import run_linkage
from orchestration.defs.resources import DataDirResource


@dg.asset(
    key=dg.AssetKey(["linkage", "crime_pairs"]),
    deps=[dg.AssetKey(["raw", "force_crimes"])],
    group_name="linkage",
    description=(
        "Crimes linked into victim-suspect pairs (Splink over keyed hashes, docs/LINKAGE.md): "
        "linkage/crime_pairs.parquet, record level, restricted; a clerical review sample of "
        "scored pairs beside it (linkage/review_sample.parquet)."
    ),
    kinds={"duckdb", "parquet"},
)
def crime_pairs(context: dg.AssetExecutionContext, data_dir: DataDirResource):
    run = run_linkage(data_dir.paths)
    context.log.info(
        f"linkage: {run.crimes} crimes, {run.linked_records} linkable, "
        f"{run.pairs_with_two_or_more} pairs with 2+ crimes in {run.seconds:.1f}s"
    )
    return dg.MaterializeResult(
        metadata={
            "crimes": run.crimes,
            "linkable_records": run.linked_records,
            "pairs_with_two_or_more_crimes": run.pairs_with_two_or_more,
            "review_sample_pairs": run.review_pairs,
            "seconds": round(run.seconds, 2),
        }
    )


linkage_assets = [crime_pairs]
