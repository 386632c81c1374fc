"""The one place the dbt manifest is prepared: dagster-dbt's `DbtProject`, `prepare_if_dev()`
under `dagster dev`, and an explicit prepare step everywhere else.

A fresh clone has no `dbt_project/target/`; the asset definitions need `manifest.json` before
they load, so `prepare_manifest()` runs `dbt parse` on demand: only when the manifest is
missing or older than the project's files, into a private folder whose manifest is swapped in
atomically, so concurrent processes (tests, a sensor) never read a half-written one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from dagster_dbt import DbtProject

from ingest.settings import DBT_PROJECT_DIR

# The dbt next to this interpreter: outside an activated venv, PATH may have none. dagster-dbt's
# own calls (prepare_if_dev() under `dagster dev`) look for `dbt` on PATH, so put it there too.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")
if str(Path(DBT_EXECUTABLE).parent) not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([str(Path(DBT_EXECUTABLE).parent), os.environ["PATH"]])

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def _project_files() -> list[Path]:
    files = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for folder in ("models", "macros", "seeds", "tests"):
        files += [p for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.is_file()]
    return files


def manifest_is_current() -> bool:
    manifest = dbt_project.manifest_path
    return manifest.exists() and manifest.stat().st_mtime >= max(
        p.stat().st_mtime for p in _project_files()
    )


def prepare_manifest() -> Path:
    """Make sure `target/manifest.json` exists and matches the project; return its path."""
    dbt_project.prepare_if_dev()  # parses under `dagster dev` (DAGSTER_IS_DEV_CLI); else no-op
    manifest = dbt_project.manifest_path
    if manifest_is_current():
        return manifest
    manifest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=manifest.parent, prefix=".parse-") as private:
        result = subprocess.run(
            [
                DBT_EXECUTABLE,
                "parse",
                "--quiet",
                "--no-use-colors",
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
                "--target-path",
                private,
                "--no-partial-parse",
            ],
            cwd=DBT_PROJECT_DIR,  # dbt-duckdb resolves seed paths against the working directory
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(
                "dbt parse failed, so the pipeline's definitions cannot load:\n"
                + (result.stdout + result.stderr)[-3000:]
            )
        os.replace(Path(private) / "manifest.json", manifest)
    return manifest


if __name__ == "__main__":
    print(prepare_manifest())
