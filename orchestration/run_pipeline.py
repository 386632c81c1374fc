"""`make pipeline`: run the full_pipeline job through Dagster over whatever is in landing/.

Runs in process against a persistent Dagster instance under the data directory, so the run,
its asset materialisations and check results show in `make ui` afterwards.
"""

from __future__ import annotations

import os
import sys
import time

from ingest.settings import data_paths
from orchestration.dbt_manifest import prepare_manifest


def main() -> int:
    paths = data_paths().ensure()
    os.environ["STALKING_DATA_DIR"] = str(paths.root)
    os.environ.setdefault("DAGSTER_HOME", str(paths.dagster_home))
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    paths.dagster_home.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    prepare_manifest()

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
    print(f"full_pipeline succeeded in {seconds:.0f}s; public file: {paths.public_db}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
