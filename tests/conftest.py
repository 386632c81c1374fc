"""Shared fixtures: one real demo pipeline run per test session, in a temporary data dir.

The run is real: the synthetic generator writes landing files, then `python -m
orchestration.run_pipeline` materialises the full_pipeline job through Dagster (ingest,
Great Expectations checks, dbt build, publish). Tests that read its output are grouped on one
xdist worker (`xdist_group("demo_pipeline")`) so the run happens once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.settings import DataPaths

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REALDATA = PROJECT_ROOT.parent / "shared" / "realdata"
DEMO_SEED = 42
DEMO_SCALE = 0.05
TEST_KEY = "test-pseudonymisation-key-not-secret"


def pipeline_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "STALKING_DATA_DIR": str(data_dir),
            "DAGSTER_HOME": str(data_dir / "dagster_home"),
            "STALKING_PSEUDONYMISATION_KEY": TEST_KEY,
            "GX_ANALYTICS_ENABLED": "false",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            **extra,
        }
    )
    return env


def generate(
    data_dir: Path,
    seed: int = DEMO_SEED,
    scale: float = DEMO_SCALE,
    years: int = 2,
    end_quarter: str = "2026/27-Q2",
) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "synthetic",
            "--seed",
            str(seed),
            "--scale",
            str(scale),
            "--years",
            str(years),
            "--end-quarter",
            end_quarter,
            "--data-dir",
            str(data_dir),
        ],
        check=True,
        env=pipeline_env(data_dir),
        capture_output=True,
        text=True,
    )


def run_pipeline(data_dir: Path, check: bool = True) -> subprocess.CompletedProcess:
    """The whole pipeline on a data dir. Only a test marked slow may run it (fixtures
    included), so that `make test-fast` stays fast: any other test fails here, by name."""
    if not_slow := os.environ.get(NOT_SLOW_TEST):
        pytest.fail(
            f"{not_slow} runs the whole pipeline but is not marked slow: add "
            "@pytest.mark.slow (make test-fast leaves it out)",
            pytrace=False,
        )
    result = subprocess.run(
        [sys.executable, "-m", "orchestration.run_pipeline"],
        env=pipeline_env(data_dir),
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"pipeline failed ({result.returncode}):\n{result.stdout[-4000:]}\n"
            f"{result.stderr[-8000:]}"
        )
    return result


@pytest.fixture(scope="session")
def demo_pipeline(tmp_path_factory) -> DataPaths:
    """The synthetic demo (scale 0.05, 8 quarters) through the whole real pipeline, once."""
    data_dir = tmp_path_factory.mktemp("demo") / "data"
    generate(data_dir)
    run_pipeline(data_dir)
    return DataPaths(data_dir)


# What the tests read from the Dagster definitions, loaded once in a fresh interpreter (as
# the UI and the jobs load them): every asset's parents and children, the check count, the
# jobs, sensors and schedules.
DAGSTER_FACTS = """
import json
from orchestration.definitions import defs
repo = defs.get_repository_def()
graph = repo.asset_graph
path = lambda key: "/".join(key.path)
print(json.dumps({
    "assets": {
        path(k): {
            "parents": sorted(map(path, graph.get(k).parent_keys)),
            "children": sorted(map(path, graph.get(k).child_keys)),
        }
        for k in graph.get_all_asset_keys()
    },
    "checks": len(list(graph.asset_check_keys)),
    "jobs": [j.name for j in repo.get_all_jobs()],
    "sensors": [s.name for s in repo.sensor_defs],
    "schedules": [s.name for s in repo.schedule_defs],
}))
"""


@pytest.fixture(scope="session")
def dagster_facts(tmp_path_factory) -> dict:
    """The definitions' asset graph and automation as data. Tests using it share the
    xdist group "dagster_definitions", so the (slow) load happens once."""
    data_dir = tmp_path_factory.mktemp("definitions") / "data"
    result = subprocess.run(
        [sys.executable, "-c", DAGSTER_FACTS],
        capture_output=True,
        text=True,
        env=pipeline_env(data_dir),
        cwd=PROJECT_ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def fixed_key(monkeypatch):
    monkeypatch.setenv("STALKING_PSEUDONYMISATION_KEY", TEST_KEY)
    return TEST_KEY.encode()


# Fixtures that run the whole pipeline: a test that uses one is slow (left out of `make
# test-fast`) whether or not it says so.
PIPELINE_FIXTURES = {"demo_pipeline"}
# The test being set up or run when it is not marked slow, for run_pipeline's check. In the
# environment, not a module global: test files import this module under another name than
# the one pytest loads it by.
NOT_SLOW_TEST = "STALKING_TEST_NOT_SLOW"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if item.get_closest_marker("slow"):
        os.environ.pop(NOT_SLOW_TEST, None)
    else:
        os.environ[NOT_SLOW_TEST] = item.nodeid


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config, items):
    for item in items:
        if PIPELINE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
            # Every user of the demo run shares one worker, so the demo is built once.
            if not item.get_closest_marker("xdist_group"):
                item.add_marker(pytest.mark.xdist_group("demo_pipeline"))


def pytest_configure(config):
    """Under `--dist loadgroup`, xdist 3.8 sends a group to one worker by a suffix it writes
    into the node id, which pytest 9 no longer reads: every worker would build the demo run
    again, noticed only in the time (and xdist's own error names neither). Refuse instead."""
    if getattr(config.option, "dist", None) == "loadgroup" and pytest.version_tuple[0] >= 9:
        raise pytest.UsageError(
            f"pytest {pytest.__version__} ignores xdist_group under --dist loadgroup, so "
            "every worker would build the demo run again: install pytest<9 (pyproject.toml)"
        )


@pytest.fixture(autouse=True, scope="module")
def _app_connections_closed_after_each_module():
    """The app, run through AppTest, holds the public file open with file access switched off,
    and DuckDB shares that database with any later connection to the file in this process: a
    later module's export (COPY ... TO) would fail. Let go of it after every module."""
    yield
    if "reports_app.data" in sys.modules:
        sys.modules["reports_app.data"].close_held_connections()
