"""Write the README's data dictionary from the dbt project's own descriptions.

`python -m publish.data_dictionary` regenerates the section between the README markers
from dbt_project/target/manifest.json (run `dbt parse` first); tests/test_readme.py fails when
the README has drifted from the models' YAML, so the dictionary cannot go stale.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from ingest.settings import DBT_PROJECT_DIR, PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
START, END = "<!-- data-dictionary:start -->", "<!-- data-dictionary:end -->"
SCHEMAS = ("published", "meta")
INTRO = (
    "Generated from the dbt models' descriptions (`python -m publish.data_dictionary`). "
    "`published.*` is what may leave the building; `meta.*` describes what arrived. Each "
    "`published` table mirrors the `marts` table of the same name, which holds exact counts "
    "for restricted use."
)


def _one_line(text: str) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")


def dictionary_markdown(manifest_path: Path) -> str:
    manifest = json.loads(manifest_path.read_text())
    nodes = sorted(
        (
            n
            for n in manifest["nodes"].values()
            if n["resource_type"] == "model" and n["schema"] in SCHEMAS
        ),
        key=lambda n: (SCHEMAS.index(n["schema"]), n["alias"]),
    )
    parts = [INTRO, ""]
    for node in nodes:
        parts += [
            f"### `{node['schema']}.{node['alias']}`",
            "",
            _one_line(node["description"]),
            "",
            "| column | description |",
            "|---|---|",
        ]
        parts += [
            f"| `{name}` | {_one_line(column.get('description'))} |"
            for name, column in node["columns"].items()
        ]
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"


def render(readme_text: str, markdown: str) -> str:
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    return pattern.sub(lambda _: f"{START}\n{markdown}{END}", readme_text)


def main() -> int:
    manifest = DBT_PROJECT_DIR / "target" / "manifest.json"
    README.write_text(render(README.read_text(), dictionary_markdown(manifest)))
    print(f"data dictionary written to {README}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
