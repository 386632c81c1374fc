"""`make pipeline`: run the full_pipeline job through Dagster over whatever is in landing/.

Runs in process against a persistent Dagster instance under the data directory, so the run,
its asset materialisations and check results show in `make ui` afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from ingest.settings import DBT_PROJECT_DIR, data_paths


def prepare_dbt_manifest() -> None:
    """dagster-dbt needs target/manifest.json before the definitions load."""
    from orchestration.resources import DBT_EXECUTABLE

    subprocess.run(
        [
            DBT_EXECUTABLE,
            "parse",
            "--quiet",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
        ],
        check=True,
        cwd=DBT_PROJECT_DIR,  # dbt-duckdb resolves seed paths against the working directory
    )


def main() -> int:
    paths = data_paths().ensure()
    os.environ["STALKING_DATA_DIR"] = str(paths.root)
    os.environ.setdefault("DAGSTER_HOME", str(paths.dagster_home))
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    paths.dagster_home.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    prepare_dbt_manifest()

    import dagster as dg

    from orchestration.definitions import defs

    job = defs.resolve_job_def("full_pipeline")
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(instance=instance, raise_on_error=False)
    seconds = time.perf_counter() - started
    if not result.success:
        failed = [e.step_key for e in result.all_events if e.is_step_failure]
        print(
            f"full_pipeline FAILED after {seconds:.0f}s; failed steps: {failed}. "
            "See the run in `make ui` or the log above.",
            file=sys.stderr,
        )
        return 1
    print(f"full_pipeline succeeded in {seconds:.0f}s; serving file: {paths.serving_db}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
