"""Dagster resources, configured from the environment."""

from __future__ import annotations

import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject

from ingest.settings import DBT_PROJECT_DIR, DataPaths, data_dir

# The dbt next to this interpreter: outside an activated venv, PATH may have none.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


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
