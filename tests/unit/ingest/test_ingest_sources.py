"""ingest.sources: the one registry, and everything that lists sources derives from it."""

from __future__ import annotations

import re

import great_expectations as gx
import yaml

from ingest import settings, sources
from ingest.settings import DBT_PROJECT_DIR
from quality.suites import PUBLISHED_SUITES, suite_for


def test_every_list_of_sources_is_the_registry():
    names = [s.name for s in sources.REGISTRY]
    assert list(settings.SOURCES) == names
    assert set(sources.CONTRACTS) == {s.name for s in sources.REGISTRY if s.is_records}
    assert set(PUBLISHED_SUITES) == {s.name for s in sources.REGISTRY if not s.is_records}


def test_each_source_has_a_reader_a_suite_a_period_key_and_a_staging_model():
    gx.get_context(mode="ephemeral")  # suites are built inside a data context
    staging = "\n".join(
        p.read_text() for p in (DBT_PROJECT_DIR / "models" / "staging").rglob("stg_*.sql")
    )
    for source in sources.REGISTRY:
        assert source.contract is not None or callable(source.read_official())
        assert suite_for(source.name).expectations
        assert source.period, source.name
        if source.is_records:
            names = set(source.contract.names)
            assert set(source.scope) <= names
            assert {p.split(":")[-1] for p in source.period} <= names
        else:
            assert set(source.period) <= set(source.raw_schema)
        assert re.search(rf"source\('raw', '{source.name}'\)", staging), source.name


def test_dbt_declares_one_raw_table_per_registry_source():
    sources_yml = DBT_PROJECT_DIR / "models" / "staging" / "ingest" / "_ingest__sources.yml"
    declared = yaml.safe_load(sources_yml.read_text())["sources"]
    raw = next(s for s in declared if s["name"] == "raw")
    assert [t["name"] for t in raw["tables"]] == list(sources.NAMES)
