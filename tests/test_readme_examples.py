"""Every query example in the README runs as written, against the demo's public file.

The examples are run where a researcher would run them: from a folder whose `data/` is the
data directory (here a link to the demo run's), the shell lines with the installed DuckDB
command-line client reading the README's SQL on standard input, the Python blocks with the
project's interpreter.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.settings import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)
DUCKDB_CLI = Path(sys.executable).parent / "duckdb"


def blocks(language: str) -> list[str]:
    return [body for lang, body in BLOCK.findall(README.read_text()) if lang == language]


def shell_queries() -> list[str]:
    """The README's shell lines that open the public file with the DuckDB client."""
    return [
        line.split("#")[0].strip()
        for body in blocks("bash")
        for line in body.splitlines()
        if line.split() and line.split()[0].endswith("duckdb")
    ]


@pytest.fixture
def researcher_dir(demo_pipeline, tmp_path) -> Path:
    (tmp_path / "data").symlink_to(demo_pipeline.root)
    return tmp_path


def test_the_readme_has_examples_of_each_kind():
    assert blocks("sql") and blocks("python") and shell_queries()


def test_every_sql_example_runs_in_the_duckdb_client(researcher_dir):
    assert DUCKDB_CLI.exists(), "make install provides the DuckDB command-line client"
    sql = "\n".join(blocks("sql"))
    for command in shell_queries():
        program, *arguments = command.split()
        assert Path(program).name == "duckdb"
        result = subprocess.run(
            [str(DUCKDB_CLI), *arguments, "-bail"],
            input=sql,
            capture_output=True,
            text=True,
            cwd=researcher_dir,
            timeout=120,
        )
        assert result.returncode == 0 and "Error" not in result.stderr, (
            f"`{command}` with the README's SQL failed:\n{result.stderr[-2000:]}"
        )
        assert result.stdout.strip(), "the README's queries return rows"


@pytest.mark.parametrize("index", range(len(blocks("python"))))
def test_every_python_example_runs(researcher_dir, index):
    code = blocks("python")[index]
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=researcher_dir,
        timeout=120,
    )
    assert result.returncode == 0, f"README Python block {index} failed:\n{result.stderr[-2000:]}"


def test_the_client_is_on_the_venv_path():
    assert shutil.which("duckdb", path=str(DUCKDB_CLI.parent)), "duckdb-cli is a dependency"
