"""Bad input never loses or corrupts data: the broken-file corpus through the real ingest.

Each case of tests/broken_files.py is landed and run through `ingest.runner.ingest_source`
on its own (one test per case), then all of them together in one landing directory and one
run, where no bad file may block another. For every file: the ledger status and counts
(`rows_read = rows_accepted + rows_rejected`), the exact quarantine records (row, column,
rule) with messages that name the file, row and column, the rows that reached raw/ (read back
from the Parquet), and that no identifier or raw reference is stored anywhere under raw/,
quarantine/ or ledger/.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import broken_files as corpus
import polars as pl
import pytest

from ingest.runner import ingest_source
from ingest.settings import DataPaths

TAGS = {case_name: tag for tag, case_name in enumerate(corpus.CASES, start=1)}
STORED = ("raw", "quarantine", "ledger")  # where nothing identifying may ever be written


# A fixed STALKING_PSEUDONYMISATION_KEY for every test here (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("fixed_key")


def land(paths: DataPaths, case_names: list[str]) -> dict[str, corpus.Case]:
    paths.ensure()
    return {n: corpus.CASES[n](paths.landing, TAGS[n]) for n in case_names}


def sources_of(cases: dict[str, corpus.Case]) -> list[str]:
    return sorted({e.source for c in cases.values() for e in c.files})


def run(paths: DataPaths, sources: list[str]) -> None:
    for source in sources:
        ingest_source(source, paths, today=corpus.TODAY)


def snapshot(paths: DataPaths) -> dict[str, str]:
    """Every file under raw/ and ledger/ with the SHA-256 of its bytes."""
    return {
        str(f.relative_to(paths.root)): hashlib.sha256(f.read_bytes()).hexdigest()
        for folder in (paths.raw, paths.ledger)
        for f in sorted(folder.rglob("*"))
        if f.is_file()
    }


def ingest_cases(paths: DataPaths, cases: dict[str, corpus.Case]) -> None:
    """One run over everything landed; then any later arrivals and a second run."""
    sources = sources_of(cases)
    run(paths, sources)
    later = [c for c in cases.values() if c.later]
    if later:
        before = snapshot(paths)
        for c in later:
            c.later(paths.landing)
        run(paths, sources)
        if all(c.later_changes_nothing for c in later):
            after = snapshot(paths)
            raw = {k: v for k, v in after.items() if k.startswith("raw/")}
            assert raw == {k: v for k, v in before.items() if k.startswith("raw/")}, (
                "a repeated file changed raw/"
            )
            assert before.items() <= after.items(), "a repeated file changed a ledger record"


def read_ledger(paths: DataPaths) -> pl.DataFrame:
    return pl.read_parquet(paths.ledger / "*.parquet")


def read_quarantine(paths: DataPaths) -> pl.DataFrame:
    return pl.read_parquet(paths.quarantine / "*.parquet")


def check_file(paths: DataPaths, expected: corpus.Expected) -> None:
    ledger, quarantine = read_ledger(paths), read_quarantine(paths)
    records = ledger.filter(
        (pl.col("source") == expected.source) & (pl.col("file_name") == expected.file_name)
    )
    assert records.height == 1, f"{expected.file_name}: {records.height} ledger records"
    record = records.row(0, named=True)
    message = record["message"]
    got = (record["status"], record["rows_read"], record["rows_accepted"])
    assert got == (expected.status, expected.rows_read, expected.rows_accepted), message
    assert record["rows_rejected"] == expected.rows_rejected, message
    assert record["rows_read"] == record["rows_accepted"] + record["rows_rejected"]
    for fragment in (expected.file_name, *expected.message_has):
        assert fragment in message, f"{fragment!r} not in ledger message {message!r}"
    for fragment in expected.message_lacks:
        assert fragment not in message, f"file content {fragment!r} echoed in {message!r}"

    sha = record["file_sha256"]
    errors = quarantine.filter(pl.col("file_sha256") == sha)
    found = set(errors.select("row_number", "column_name", "rule").iter_rows())
    assert found == set(expected.rules), errors["message"].to_list()
    for error in errors.iter_rows(named=True):
        text = error["message"]
        assert error["file_name"] == expected.file_name
        assert expected.file_name in text, text
        if error["row_number"] is not None:
            row = error["row_number"]
            assert f"row {row}" in text or f"line {row}" in text, text
        if error["column_name"] is not None:
            assert error["column_name"] in text, text
        shape = error["value_shape"]
        assert shape is None or len(shape) <= 25, "quarantine keeps a value's shape only"

    record_id = record["record_id"]
    raw_file = paths.raw / expected.source / record_id / "part.parquet"
    if expected.status not in ("accepted", "partially_accepted", "held"):
        assert not raw_file.exists(), f"{expected.file_name}: nothing should reach raw/"
        return
    raw = pl.read_parquet(raw_file)
    assert sorted(raw["_row_number"].to_list()) == list(expected.raw_rows)
    assert raw["_submission_id"].unique().to_list() == ([record_id] if raw.height else [])
    assert raw.height == record["rows_accepted"]
    if expected.check_raw is not None:
        expected.check_raw(raw)


def assert_never_stored(paths: DataPaths, secrets: set[str]) -> None:
    """No secret in the bytes of any file under raw/, quarantine/, ledger/, nor in the
    decoded contents of the Parquet files there (their pages may be compressed)."""
    for folder in STORED:
        for path in (paths.root / folder).rglob("*"):
            if not path.is_file():
                continue
            assert not path.name.startswith("."), f"left-over temporary file {path}"
            data = path.read_bytes()
            texts = [data]
            if path.suffix == ".parquet":
                frame = pl.read_parquet(path)
                texts.append(str(frame.to_dicts()).encode())  # nested columns too
            for text in texts:
                for secret in secrets:
                    assert secret.encode() not in text, f"{secret!r} stored in {path}"


@pytest.mark.parametrize("case_name", list(corpus.CASES))
def test_case(case_name: str, tmp_path: Path) -> None:
    paths = DataPaths(tmp_path)
    cases = land(paths, [case_name])
    case = cases[case_name]
    ingest_cases(paths, cases)
    for expected in case.files:
        check_file(paths, expected)
    recorded = set(read_ledger(paths)["file_name"].to_list())
    assert recorded == {e.file_name for e in case.files}
    assert not recorded & set(case.never_recorded)
    assert_never_stored(paths, {*corpus.BASE_SECRETS, *case.secrets})


def test_corpus_is_large_enough() -> None:
    assert len(corpus.CASES) >= 30


def test_all_cases_in_one_run(tmp_path: Path) -> None:
    """Every case in one landing directory: no bad file blocks or changes another."""
    paths = DataPaths(tmp_path)
    cases = land(paths, list(corpus.CASES))
    ingest_cases(paths, cases)
    expected = [e for c in cases.values() for e in c.files]
    for e in expected:
        check_file(paths, e)
    ledger = read_ledger(paths)
    assert ledger.height == len(expected)
    assert (ledger["rows_read"] == ledger["rows_accepted"] + ledger["rows_rejected"]).all()
    statuses = set(ledger["status"].to_list())
    assert statuses == {
        "accepted",
        "partially_accepted",
        "quarantined",
        "duplicate",
        "held",
        "stale",
        "refused",
    }
    secrets = {*corpus.BASE_SECRETS, *(s for c in cases.values() for s in c.secrets)}
    assert_never_stored(paths, secrets)

    # A third run with nothing new changes nothing.
    before = snapshot(paths)
    run(paths, sources_of(cases))
    assert snapshot(paths) == before
