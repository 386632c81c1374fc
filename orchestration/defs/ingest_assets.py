"""One ingest asset per source (raw/<source>) and its blocking Great Expectations check.

Why per source, not dynamic partitions per file: a national quarter is ~700 files; a
partition per file would mean ~700 Dagster steps and their overhead, while the ledger already
makes every file idempotent (one record per arrival, its bytes known by SHA-256). The ingest
asset takes whatever new files landed; the check validates exactly that batch (ledger
validation = pending) by the policy in quality.batch_check.
"""

import dagster as dg

from ingest.ledger import Ledger
from ingest.runner import ingest_source
from ingest.settings import SOURCES
from orchestration.defs.resources import DataDirResource
from quality.batch_check import check_batch


def _ingest_asset(source: str) -> dg.AssetsDefinition:
    @dg.asset(
        name=source,
        key_prefix="raw",
        group_name="ingest",
        description=f"Landed {source} files read, validated, pseudonymised into raw/{source}.",
        kinds={"polars", "parquet"},
    )
    def _asset(context: dg.AssetExecutionContext, data_dir: DataDirResource):
        run = ingest_source(source, data_dir.paths)
        for warning in run.warnings:  # held, stale, refused, quarantined files: the run log
            context.log.warning(warning)
        context.log.info(
            f"{source}: {run.files_seen} files seen, {run.files_skipped} already known, "
            f"statuses {run.statuses}, {run.rows_accepted} rows accepted, "
            f"{run.rows_rejected} rejected in {run.seconds:.1f}s"
        )
        return dg.MaterializeResult(
            metadata={
                "files_seen": run.files_seen,
                "files_new": run.files_seen - run.files_skipped,
                "new_submissions": len(run.new_submissions),
                "rows_accepted": run.rows_accepted,
                "rows_rejected": run.rows_rejected,
                "statuses": dg.MetadataValue.json(run.statuses),
                "files_waiting": dg.MetadataValue.json(run.files_waiting),
                "seconds": round(run.seconds, 2),
            }
        )

    return _asset


def _batch_check(source: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["raw", source]),
        name=f"great_expectations_{source}",
        blocking=True,
        description=f"Great Expectations suite {source}_raw over the batch just ingested "
        "(policy: quality.batch_check).",
    )
    def _check(context: dg.AssetCheckExecutionContext, data_dir: DataDirResource):
        check = check_batch(source, data_dir.paths)
        context.log.info(check.summary())
        if check.quarantined:
            context.log.warning(f"{source}: quarantined after validation: {check.quarantined}")
        result = check.result
        if result is None:
            return dg.AssetCheckResult(passed=True, metadata={"batch_files": 0})
        return dg.AssetCheckResult(
            passed=check.passed,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "batch_files": check.files,
                "batch_rows": result.rows,
                "expectations": len(result.outcomes),
                "failed_expectations": dg.MetadataValue.json(
                    [f"{o.expectation}({o.column})" for o in result.failures]
                ),
                "quarantined_files": dg.MetadataValue.json(check.quarantined),
                "summary": check.summary(),
            },
        )

    return _check


ingest_assets = [_ingest_asset(source) for source in SOURCES]
ingest_checks = [_batch_check(source) for source in SOURCES]


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            dg.AssetKey(["ingest", "ledger"]),
            group_name="ingest",
            description="Ledger records of every landed file.",
            deps=[a.key for a in ingest_assets],
        ),
        dg.AssetSpec(
            dg.AssetKey(["ingest", "quarantine"]),
            group_name="ingest",
            description="Quarantined rows and files.",
            deps=[a.key for a in ingest_assets],
        ),
    ],
)
def ingest_records(data_dir: DataDirResource):
    """The ledger and quarantine as a whole, once every source's ingest has run."""
    paths = data_dir.paths
    ledger = Ledger(paths.ledger, paths.quarantine, paths.archive).records()
    by_status = dict(ledger.group_by("status").len().iter_rows())
    yield dg.MaterializeResult(
        asset_key=["ingest", "ledger"],
        metadata={"files": ledger.height, "by_status": dg.MetadataValue.json(by_status)},
    )
    yield dg.MaterializeResult(asset_key=["ingest", "quarantine"])
