"""orchestration.incremental over the real dbt manifest: a changed source rebuilds its own
models and everything built from them, never another source's, and the cross-source ledger
models every time."""

from __future__ import annotations

import json

import pytest

from orchestration.dbt_manifest import prepare_manifest
from orchestration.incremental import BuildState, changed_sources, models_to_rebuild


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads(prepare_manifest().read_text())


def names(uids: set[str]) -> set[str]:
    return {uid.rsplit(".", 1)[-1] for uid in uids}


def test_new_crimes_rebuild_the_crime_models_not_the_helplines(manifest):
    rebuilt = names(models_to_rebuild(manifest, {"force_crimes"}))
    assert {
        "stg_force_crimes__crimes",
        "int_force_crimes__current",
        "fct_recorded_crime_quarterly",
        "stg_linkage__crime_pairs",  # the linkage reruns on new crimes
        "ingest_ledger",
        "int_ingest__submission_periods",
    } <= rebuilt
    assert not {"stg_helpline_contacts__contacts", "int_helpline_contacts__current"} & rebuilt


def test_a_helpline_file_leaves_the_crime_models_alone(manifest):
    rebuilt = names(models_to_rebuild(manifest, {"helpline_contacts"}))
    assert {"int_helpline_contacts__current", "fct_helpline_monthly"} <= rebuilt
    assert not {"int_force_crimes__current", "stg_linkage__crime_pairs"} & rebuilt


def test_only_a_recorded_build_with_the_same_project_is_incremental():
    before = BuildState("p", {"force_crimes": "a", "cps_returns": "b"})
    assert changed_sources(None, before) is None
    assert changed_sources(before, BuildState("q", before.sources)) is None
    now = BuildState("p", {"force_crimes": "a2", "cps_returns": "b"})
    assert changed_sources(before, now) == {"force_crimes"}
    assert changed_sources(before, before) == set()
