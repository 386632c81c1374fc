"""Run it like production: readers during a publish, SIGKILL at every stage, determinism.

All real: the pipeline runs as a subprocess (`python -m orchestration.run_pipeline`), is killed
with SIGKILL (its whole process group, dbt included) while it ingests, while dbt builds and
while it publishes, and is then simply run again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import polars as pl
import pytest

from ingest.ledger import Ledger, LedgerRecord
from ingest.runner import empty_raw
from ingest.settings import DataPaths
from tests.conftest import PROJECT_ROOT, generate, pipeline_env, run_pipeline

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("production")]  # whole pipeline runs
LATER_QUARTERS = ("2026-27_Q1", "2026-27_Q2")


def published_fingerprint(public_db: Path) -> dict[str, str]:
    """A digest of every published table's rows, in a fixed order. '[r]' is left out: which
    cells are revised depends on the releases before, not on the data."""
    with duckdb.connect(str(public_db), read_only=True) as con:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'published' order by 1"
            ).fetchall()
        ]
        digests = {}
        for table in tables:
            frame = con.sql(f'select * from published."{table}"').pl()
            frame = frame.with_columns(
                pl.col(c).str.replace_all(r"\s*\[r\]", "").replace("", None)
                for c in frame.columns
                if c.endswith("_marker") and c != "revised_marker"
            )
            body = frame.sort(frame.columns, nulls_last=True).write_csv()
            digests[table] = hashlib.sha256(body.encode()).hexdigest()
    return digests


def snapshot_identity(public_db: Path) -> tuple[str, str]:
    """(release id, content) of the public file, read in one connection."""
    with duckdb.connect(str(public_db), read_only=True) as con:
        release = con.execute("select release_id from release.release_info").fetchone()[0]
        content = con.execute(
            "select count(*), coalesce(sum(crimes), 0) from published.fct_recorded_crime_quarterly"
        ).fetchone()
    return release, f"{content[0]}:{content[1]}"


def start_pipeline(data_dir: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "orchestration.run_pipeline"],
        env=pipeline_env(data_dir),
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: SIGKILL reaches dbt too
    )


def kill_when(process: subprocess.Popen, condition, timeout: float = 300) -> bool:
    """SIGKILL the run's whole process group as soon as `condition()` holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if condition():
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return True
        time.sleep(0.002)
    process.wait()
    return False


def dbt_running(process: subprocess.Popen) -> bool:
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
            if (
                b"dbt" in cmdline
                and b" build" in cmdline
                and os.getpgid(int(proc.name)) == process.pid
            ):
                return True
        except (OSError, ProcessLookupError):
            continue
    return False


def assert_zones_consistent(paths: DataPaths) -> None:
    """Every raw submission has its ledger record and vice versa; nothing half-written."""
    ledger = pl.read_parquet(paths.ledger / "*.parquet", missing_columns="insert")
    assert ledger["record_id"].is_unique().all()
    accepted = set(
        ledger.filter(pl.col("status").is_in(["accepted", "partially_accepted"]))["record_id"]
    )
    for source_dir in paths.raw.iterdir():
        submissions = {p.name for p in source_dir.iterdir() if not p.name.startswith("_")}
        assert not {s for s in submissions if s.startswith(".")}, "temporary files left"
        assert submissions <= set(ledger["record_id"]), "raw data without a ledger record"
        expected = set(ledger.filter(pl.col("source") == source_dir.name)["record_id"])
        assert expected & accepted <= submissions, "a ledger record without its raw data"
    leftovers = [p for p in paths.root.rglob("*.tmp-*")]
    assert not leftovers, leftovers


@pytest.fixture(scope="module")
def landed(tmp_path_factory) -> tuple[Path, Path]:
    """Synthetic files for 8 quarters; the last two quarters held back as 'later'."""
    source = tmp_path_factory.mktemp("production_source") / "data"
    generate(source, scale=0.02)
    later = source.parent / "later"
    for folder in (source / "landing").iterdir():
        if folder.is_dir():
            for file in folder.iterdir():
                if any(q in file.name for q in LATER_QUARTERS):
                    target = later / folder.name / file.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.move(file, target)
    return source, later


def land_later(data_dir: Path, later: Path) -> None:
    for file in later.rglob("*"):
        if file.is_file():
            target = data_dir / "landing" / file.parent.name / file.name
            shutil.copy2(file, target)


def test_kills_at_every_stage_then_rerun_with_readers(landed, tmp_path):
    source, later = landed
    data_dir = tmp_path / "data"
    shutil.copytree(source / "landing", data_dir / "landing")
    paths = DataPaths(data_dir)
    run_pipeline(data_dir)
    baseline = published_fingerprint(paths.public_db)
    baseline_identity = snapshot_identity(paths.public_db)
    land_later(data_dir, later)
    records_before = len(list(paths.ledger.glob("*.parquet")))

    # 1. Killed while ingesting: some new ledger records written, not all.
    process = start_pipeline(data_dir)
    killed = kill_when(
        process, lambda: len(list(paths.ledger.glob("*.parquet"))) > records_before + 3
    )
    assert killed, "the run finished before it could be killed during ingest"
    assert published_fingerprint(paths.public_db) == baseline

    # 2. Killed while dbt builds the warehouse.
    process = start_pipeline(data_dir)
    assert kill_when(process, lambda: dbt_running(process)), "dbt never started"
    assert published_fingerprint(paths.public_db) == baseline

    # 3. Killed while publishing: the new release is half written in its private folder.
    process = start_pipeline(data_dir)
    assert kill_when(process, lambda: any(paths.releases.glob(".building-*/*"))), (
        "publish never started"
    )
    assert published_fingerprint(paths.public_db) == baseline
    assert snapshot_identity(paths.public_db) == baseline_identity

    # 4. A plain rerun completes while readers query the serving file all the while.
    observations: list[tuple[str, str]] = []
    errors: list[str] = []
    stop = threading.Event()

    def reader() -> None:
        # A read every 10 ms per reader: thousands over the run, without four threads
        # spinning on the file taking a core from the pipeline and the other test worker.
        while not stop.wait(0.01):
            try:
                observations.append(snapshot_identity(paths.public_db))
            except Exception as exc:  # any lock or half-file error fails the test
                errors.append(f"{type(exc).__name__}: {exc}")

    readers = [threading.Thread(target=reader) for _ in range(4)]
    for thread in readers:
        thread.start()
    try:
        run_pipeline(data_dir)
    finally:
        time.sleep(0.5)
        stop.set()
        for thread in readers:
            thread.join()
    final_identity = snapshot_identity(paths.public_db)
    assert not errors, errors[:5]
    seen = set(observations)
    print(f"\nreaders: {len(observations)} reads, snapshots seen: {sorted(seen)}")
    assert len(observations) > 50
    # Each read saw the old snapshot or the new one, complete: never a mixture.
    assert seen <= {baseline_identity, final_identity}, seen
    assert final_identity != baseline_identity
    assert_zones_consistent(paths)

    # 5. Determinism: a clean run over the same landing files publishes the same tables.
    clean_dir = tmp_path / "clean"
    shutil.copytree(data_dir / "landing", clean_dir / "landing")
    run_pipeline(clean_dir)
    assert published_fingerprint(clean_dir / "serving" / "public.duckdb") == published_fingerprint(
        paths.public_db
    )


def test_a_failing_batch_is_quarantined_and_the_rest_published(landed, tmp_path):
    """Raw data that slipped past ingest (here: a raw reference, unhashed) fails the Great
    Expectations check: that file is quarantined on its own (quality.batch_check) and the
    run publishes from the good data; one bad file never stops the release of the rest."""
    source, _ = landed
    data_dir = tmp_path / "data"
    shutil.copytree(
        source / "landing" / "advocacy_caseload", data_dir / "landing" / "advocacy_caseload"
    )
    paths = DataPaths(data_dir)
    run_pipeline(data_dir)
    good = published_fingerprint(paths.public_db)
    # Forge a committed submission whose reference was never pseudonymised.
    sha = "f" * 64
    schema = empty_raw("force_crimes", b"k").schema
    row = dict.fromkeys(schema)
    row.update(
        force_code="E23000032",
        crime_ref="RAW-REF-1",
        victim_ref="V",
        outcome_type=0,
        recorded_date=dt.date(2025, 5, 1),
        offence_code="8Q",
        victim_sex="F",
        relationship="stranger",
        domestic_flag="N",
        cyber_flag="N",
        screening_completed="N",
        risk_level="high",
        masip_referral="N",
        _row_number=2,
        _submission_id=sha,
    )
    (paths.raw / "force_crimes" / sha).mkdir(parents=True)
    pl.DataFrame([row], schema=schema).write_parquet(
        paths.raw / "force_crimes" / sha / "part.parquet"
    )
    Ledger(paths.ledger, paths.quarantine, paths.archive).write(
        LedgerRecord(
            file_sha256=sha,
            source="force_crimes",
            profile="force_crimes_standard",
            file_name="forged.csv",
            landing_path="force_crimes/forged.csv",
            file_size=1,
            file_mtime_ns=1,
            received_at=dt.datetime.now(dt.UTC),
            ingest_seq=time.time_ns(),
            rows_read=1,
            rows_accepted=1,
            rows_rejected=0,
            status="accepted",
            message="forged",
            is_synthetic=False,
            content_sha256=None,
        )
    )
    run_pipeline(data_dir)  # the failing file is quarantined alone; the rest is published
    assert published_fingerprint(paths.public_db) == good
    record = pl.read_parquet(paths.ledger / f"{sha}.parquet").row(0, named=True)
    assert (record["status"], record["validation"]) == ("quarantined", "failed")
    assert "match_regex" in record["message"]
    run_pipeline(data_dir)
    with duckdb.connect(str(paths.restricted_db), read_only=True) as con:
        assert (
            con.execute("select count(*) from marts.fct_recorded_crime_quarterly").fetchone()[0]
            == 0
        )
        status = con.execute(
            "select status from meta.ingest_ledger where file_name = 'forged.csv'"
        ).fetchone()[0]
    assert status == "quarantined"
