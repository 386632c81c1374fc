"""The README keeps its promises: the two commands, and a data dictionary in step with dbt."""

from __future__ import annotations

import json

from ingest.settings import DBT_PROJECT_DIR, PROJECT_ROOT
from publish.data_dictionary import README, SCHEMAS, dictionary_markdown, render


def test_readme_shows_the_two_commands_first():
    text = (PROJECT_ROOT / "README.md").read_text()
    assert text.index("make demo") < text.index("## How it works")
    assert text.index("make test") < text.index("## How it works")


def test_data_dictionary_matches_the_dbt_descriptions():
    manifest = DBT_PROJECT_DIR / "target" / "manifest.json"  # `make test` runs dbt parse first
    text = README.read_text()
    assert render(text, dictionary_markdown(manifest)) == text, (
        "README data dictionary is stale: run `python -m publish.data_dictionary`"
    )
    models = [
        n
        for n in json.loads(manifest.read_text())["nodes"].values()
        if n["resource_type"] == "model" and n["schema"] in SCHEMAS
    ]
    assert any(n["schema"] == "published" for n in models)
    for node in models:  # every published table and column is described
        assert node["description"].strip(), node["alias"]
        assert node["columns"], node["alias"]
        for name, column in node["columns"].items():
            assert column.get("description", "").strip(), f"{node['alias']}.{name}"
