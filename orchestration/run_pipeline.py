"""`make pipeline`: run the full_pipeline job through Dagster over whatever is in landing/.

Runs in process against a persistent Dagster instance under the data directory, so the run,
its asset materialisations and check results show in `make ui` afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ingest.settings import DBT_PROJECT_DIR, data_paths


def _project_files() -> list[Path]:
    files = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for folder in ("models", "macros", "seeds", "tests"):
        files += [p for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.is_file()]
    return files


def prepare_dbt_manifest() -> None:
    """dagster-dbt needs target/manifest.json before the definitions load. Parse only when
    the project changed since the last parse, into a private folder, then swap the manifest
    in atomically: concurrent runs (tests, a sensor) never read a half-written manifest."""
    from orchestration.resources import DBT_EXECUTABLE

    manifest = DBT_PROJECT_DIR / "target" / "manifest.json"
    if manifest.exists() and manifest.stat().st_mtime >= max(
        p.stat().st_mtime for p in _project_files()
    ):
        return
    with tempfile.TemporaryDirectory(dir=DBT_PROJECT_DIR / "target") as private:
        subprocess.run(
            [
                DBT_EXECUTABLE,
                "parse",
                "--quiet",
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
                "--target-path",
                private,
                "--no-partial-parse",
            ],
            check=True,
            cwd=DBT_PROJECT_DIR,  # dbt-duckdb resolves seed paths against the working directory
        )
        os.replace(Path(private) / "manifest.json", manifest)


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
