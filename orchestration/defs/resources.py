"""Dagster resources, configured from the environment."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from ingest.settings import DBT_PROJECT_DIR, DataPaths, data_dir
from orchestration.dbt_manifest import DBT_EXECUTABLE, dbt_project


class DataDirResource(dg.ConfigurableResource):
    """Where the pipeline's zones live. `root` may be set in run config; otherwise it is read
    from STALKING_DATA_DIR (default ./data) when a run uses it, not when the code loads, so a
    long-lived code location (`make ui`, the sensor) follows the environment of each run."""

    root: str | None = None

    @property
    def paths(self) -> DataPaths:
        return DataPaths(Path(self.root) if self.root else data_dir()).ensure()


def make_resources() -> dict[str, object]:
    return {
        "data_dir": DataDirResource(),
        "dbt": DbtCliResource(
            project_dir=dbt_project,
            dbt_executable=DBT_EXECUTABLE,
            profiles_dir=str(DBT_PROJECT_DIR),
        ),
    }
