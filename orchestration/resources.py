"""Dagster resources, configured from the environment."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from ingest.settings import DBT_PROJECT_DIR, DataPaths, data_dir
from orchestration.dbt_manifest import DBT_EXECUTABLE, dbt_project


class DataDirResource(dg.ConfigurableResource):
    """Where the pipeline's zones live (STALKING_DATA_DIR, default ./data)."""

    root: str

    @property
    def paths(self) -> DataPaths:
        return DataPaths(Path(self.root)).ensure()


def make_resources() -> dict[str, object]:
    return {
        "data_dir": DataDirResource(root=str(data_dir())),
        "dbt": DbtCliResource(
            project_dir=dbt_project,
            dbt_executable=DBT_EXECUTABLE,
            profiles_dir=str(DBT_PROJECT_DIR),
        ),
    }
