"""A sensor that starts the pipeline when files land, and the quarterly publication schedule."""

import hashlib

import dagster as dg

from ingest.settings import data_paths
from orchestration.defs.jobs import full_pipeline
from publish.releases import PUBLICATION_CRON


def landing_fingerprint() -> tuple[str, int]:
    """A digest of every landed file's path, size and modification time, and the count."""
    landing = data_paths().landing
    entries = (
        sorted(
            f"{p.relative_to(landing)}|{p.stat().st_size}|{p.stat().st_mtime_ns}"
            for p in landing.rglob("*")
            if p.is_file() and not p.name.startswith(".")
        )
        if landing.exists()
        else []
    )
    return hashlib.sha256("\n".join(entries).encode()).hexdigest(), len(entries)


@dg.sensor(
    job=full_pipeline,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Starts full_pipeline when the files in landing/ change.",
)
def landing_sensor(context: dg.SensorEvaluationContext):
    fingerprint, count = landing_fingerprint()
    if fingerprint == context.cursor:
        return dg.SkipReason(f"no change in landing/ ({count} files)")
    context.update_cursor(fingerprint)
    # The run key makes a second tick on the same landing state a no-op.
    return dg.RunRequest(run_key=fingerprint, tags={"landing_files": str(count)})


quarterly_publication = dg.ScheduleDefinition(
    name="quarterly_publication",
    job=full_pipeline,
    # Mid-month after each quarter closes, when forces' returns are due.
    cron_schedule=PUBLICATION_CRON,
    execution_timezone="Europe/London",
    description="Rebuild and publish the quarterly statistics.",
)
