"""Dagster's asset graph draws the true lineage: every raw source of the registry feeds the
staging model that reads it through source() (issue 10: a model reading Parquet directly
left raw/force_crimes without an edge)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from ingest.settings import DBT_PROJECT_DIR, PROJECT_ROOT
from ingest.sources import NAMES

# The raw assets and their children, from the definitions the UI and the jobs load.
GRAPH = (
    "import json\n"
    "from orchestration.definitions import defs\n"
    "graph = defs.get_repository_def().asset_graph\n"
    "print(json.dumps({'/'.join(k.path): sorted('/'.join(c.path) for c in graph.get(k).child_keys)"
    " for k in graph.get_all_asset_keys() if k.path[0] == 'raw'}))\n"
)


def staging_models_reading(source: str) -> set[str]:
    pattern = re.compile(rf"source\(\s*'raw',\s*'{source}'\s*\)")
    return {
        path.stem
        for path in (DBT_PROJECT_DIR / "models" / "staging").rglob("stg_*.sql")
        if pattern.search(path.read_text(encoding="utf-8"))
    }


def test_every_raw_source_feeds_its_staging_model(tmp_path):
    env = {
        **os.environ,
        "STALKING_DATA_DIR": str(tmp_path),
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
    }
    (tmp_path / "dagster_home").mkdir()
    result = subprocess.run(
        [sys.executable, "-c", GRAPH],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    children = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(children) >= {f"raw/{name}" for name in NAMES}
    for name in NAMES:
        models = staging_models_reading(name)
        assert models, f"no staging model reads source('raw', '{name}')"
        fed = {key.rsplit("/", 1)[-1] for key in children[f"raw/{name}"]}  # staging/<model>
        assert models <= fed, (name, children[f"raw/{name}"])
