"""Dagster's asset graph draws the true lineage: every raw source of the registry feeds the
staging model that reads it through source() (issue 10: a model reading Parquet directly
left raw/force_crimes without an edge)."""

from __future__ import annotations

import re

import pytest

from ingest.settings import DBT_PROJECT_DIR
from ingest.sources import NAMES


def staging_models_reading(source: str) -> set[str]:
    pattern = re.compile(rf"source\(\s*'raw',\s*'{source}'\s*\)")
    return {
        f"staging/{path.stem}"
        for path in (DBT_PROJECT_DIR / "models" / "staging").rglob("stg_*.sql")
        if pattern.search(path.read_text(encoding="utf-8"))
    }


@pytest.mark.xdist_group("dagster_definitions")
def test_every_raw_source_feeds_its_staging_model(dagster_facts):
    assets = dagster_facts["assets"]
    assert {f"raw/{name}" for name in NAMES} <= set(assets)
    for name in NAMES:
        models = staging_models_reading(name)
        assert models, f"no staging model reads source('raw', '{name}')"
        children = assets[f"raw/{name}"]["children"]
        assert models <= set(children), (name, children)
