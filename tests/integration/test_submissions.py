"""Submissions that never lose data: the data-loss cases of issue 12 through the real ingest
and a real dbt build, asserting the rows in force per force-quarter afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/ for the corpus helpers

import broken_files as corpus  # noqa: E402

from ingest.runner import ingest_source  # noqa: E402
from ingest.settings import DBT_PROJECT_DIR, PROJECT_ROOT, SOURCES, DataPaths  # noqa: E402
from ingest.submissions import confirm  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("fixed_key")]

KENT, SURREY, ESSEX, LINCS = "E23000032", "E23000031", "E23000028", "E23000020"
DURHAM, CLEVELAND = "E23000008", "E23000013"
HEADER = ",".join(corpus.CRIME_COLUMNS) + "\n"
FEBRUARY_2026 = 1_769_904_000 * 10**9  # 2026-02-01


def crimes(force: str, day: str, refs: range, tag: int = 1) -> str:
    return corpus.csv_text(
        [corpus.crime(tag, n, force_code=force, recorded_date=day) for n in refs]
    )


def name(force: str, quarter: str, extracted: str) -> str:
    return f"force_crimes_{force}_{quarter}_{extracted}.csv"


def dbt_build(paths: DataPaths, target: Path) -> None:
    env = {
        **os.environ,
        "STALKING_DATA_DIR": str(paths.root),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    result = subprocess.run(
        [
            str(PROJECT_ROOT / ".venv" / "bin" / "dbt"),
            "build",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(target),
            "--select",
            "+int_force_crimes__current",
            "+ingest_ledger",
            "resource_type:seed",
            "--indirect-selection",
            "cautious",
            "--vars",
            f"{{data_dir: '{paths.root}'}}",
        ],
        cwd=DBT_PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:]


def in_force(paths: DataPaths) -> dict[tuple[str, str], int]:
    with duckdb.connect(str(paths.warehouse_db), read_only=True) as con:
        rows = con.execute(
            "select force_code, fy_quarter, count(*) from intermediate.int_force_crimes__current "
            "where financial_year = '2025/26' group by all"
        ).fetchall()
    return {(force, quarter): n for force, quarter, n in rows}


def statuses(paths: DataPaths) -> dict[str, str]:
    with duckdb.connect(str(paths.warehouse_db), read_only=True) as con:
        return dict(con.execute("select file_name, status from meta.ingest_ledger").fetchall())


def ingest_all(paths: DataPaths) -> None:
    for source in SOURCES:
        ingest_source(source, paths, today=corpus.TODAY.replace(year=2026, month=3))


def test_no_file_ever_loses_another_submitters_data(tmp_path):
    paths = DataPaths(tmp_path / "data")
    landing = paths.ensure().landing
    q3 = "2025-10-02"
    # Kent 30 crimes and Surrey 26 in 2025/26 Q3; Essex 56; Lincolnshire 4; all declared.
    corpus.land(
        landing,
        "force_crimes",
        name(KENT, "2025-26_Q3", "2026-01-05"),
        crimes(KENT, q3, range(1, 31)),
    )
    corpus.land(
        landing,
        "force_crimes",
        name(SURREY, "2025-26_Q3", "2026-01-05"),
        crimes(SURREY, q3, range(1, 27)),
    )
    corpus.land(
        landing,
        "force_crimes",
        name(ESSEX, "2025-26_Q3", "2026-01-20"),
        crimes(ESSEX, q3, range(1, 57)),
    )
    corpus.land(
        landing,
        "force_crimes",
        name(LINCS, "2025-26_Q3", "2026-01-05"),
        crimes(LINCS, q3, range(1, 5)),
    )
    # Later arrivals:
    # a Kent resend (declared, one crime more) carrying one stray valid row for Surrey;
    kent_resend = (
        crimes(KENT, q3, range(1, 32)) + crimes(SURREY, q3, range(90, 91)).split("\n", 1)[1]
    )
    corpus.land(
        landing, "force_crimes", name(KENT, "2025-26_Q3", "2026-01-09"), kent_resend, order=1
    )
    # two small undeclared files of one valid Surrey row each, modified after Surrey's
    # extraction (so not simply stale: held);
    for i in (1, 2):
        fix = corpus.land(
            landing,
            "force_crimes",
            f"surrey_fix_{i}.csv",
            crimes(SURREY, q3, range(70 + i, 71 + i)),
        )
        os.utime(fix, ns=(FEBRUARY_2026 + i, FEBRUARY_2026 + i))
    # an Essex re-send extracted earlier, with a later modification time;
    corpus.land(
        landing,
        "force_crimes",
        name(ESSEX, "2025-26_Q3", "2026-01-10"),
        crimes(ESSEX, q3, range(1, 3)),
        order=9,
    )
    # a declared nil return for Lincolnshire; byte-identical nil returns from two forces.
    corpus.land(landing, "force_crimes", name(LINCS, "2025-26_Q3", "2026-01-25"), HEADER, order=10)
    corpus.land(landing, "force_crimes", name(DURHAM, "2025-26_Q3", "2026-01-25"), HEADER, order=11)
    corpus.land(
        landing, "force_crimes", name(CLEVELAND, "2025-26_Q3", "2026-01-25"), HEADER, order=12
    )

    ingest_all(paths)
    dbt_build(paths, tmp_path / "target")
    assert in_force(paths) == {(KENT, "Q3"): 31, (SURREY, "Q3"): 26, (ESSEX, "Q3"): 56}
    status = statuses(paths)
    assert status[name(KENT, "2025-26_Q3", "2026-01-09")] == "partially_accepted"
    assert status["surrey_fix_1.csv"] == status["surrey_fix_2.csv"] == "held"
    assert status[name(ESSEX, "2025-26_Q3", "2026-01-10")] == "stale"
    assert status[name(LINCS, "2025-26_Q3", "2026-01-25")] == "accepted"  # Lincolnshire: 0
    assert status[name(DURHAM, "2025-26_Q3", "2026-01-25")] == "accepted"
    assert status[name(CLEVELAND, "2025-26_Q3", "2026-01-25")] == "accepted"
    assert status[name(KENT, "2025-26_Q3", "2026-01-05")] == "superseded"

    # A held file applies only when someone confirms it.
    with duckdb.connect(str(paths.warehouse_db), read_only=True) as con:
        held = con.execute(
            "select record_id from meta.ingest_ledger where file_name = 'surrey_fix_1.csv'"
        ).fetchone()[0]
    assert confirm(held, paths) == "accepted"
    dbt_build(paths, tmp_path / "target")
    assert in_force(paths)[(SURREY, "Q3")] == 1
