"""ingest.ledger: records by arrival, updates in place, old records read with new columns."""

from __future__ import annotations

import datetime as dt

import polars as pl

from ingest.errors import RowError
from ingest.ledger import LEDGER_SCHEMA, Ledger, LedgerRecord


def record(sha: str, **changes) -> LedgerRecord:
    values = dict(
        file_sha256=sha,
        source="force_crimes",
        profile="force_crimes_standard",
        file_name="f.csv",
        landing_path="force_crimes/f.csv",
        file_size=10,
        file_mtime_ns=1,
        received_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        ingest_seq=1,
        rows_read=2,
        rows_accepted=1,
        rows_rejected=1,
        status="partially_accepted",
        message="m",
        is_synthetic=False,
        content_sha256=None,
    )
    return LedgerRecord(**(values | changes))


def test_records_are_keyed_by_arrival_and_updated_in_place(tmp_path):
    ledger = Ledger(tmp_path / "ledger", tmp_path / "quarantine", tmp_path / "archive")
    ledger.write(record("a" * 64))
    ledger.write(record("a" * 64, record_id="a" * 64 + "-123", status="duplicate"))
    frame = ledger.records()
    assert sorted(frame["record_id"]) == ["a" * 64, "a" * 64 + "-123"]
    ledger.set_validation("a" * 64, "failed", "suite failed")
    updated = ledger.record("a" * 64)
    assert (updated["status"], updated["validation"], updated["message"]) == (
        "quarantined",
        "failed",
        "suite failed",
    )


def test_records_written_before_a_column_existed_still_read(tmp_path):
    ledger = Ledger(tmp_path / "ledger", tmp_path / "quarantine", tmp_path / "archive")
    old_columns = [c for c in LEDGER_SCHEMA if c not in ("record_id", "periods", "submitter")]
    old = pl.DataFrame([record("b" * 64).__dict__], schema=LEDGER_SCHEMA).select(old_columns)
    old.write_parquet(tmp_path / "ledger" / f"{'b' * 64}.parquet")
    frame = ledger.records()
    assert frame["record_id"].to_list() == ["b" * 64]  # its SHA-256, as before
    assert frame["periods"].to_list() == [None]


def test_the_empty_schema_file_follows_the_schema(tmp_path):
    (tmp_path / "ledger").mkdir()
    pl.DataFrame({"file_sha256": []}, schema={"file_sha256": pl.String}).write_parquet(
        tmp_path / "ledger" / "_schema.parquet"
    )
    Ledger(tmp_path / "ledger", tmp_path / "quarantine", tmp_path / "archive")
    assert pl.read_parquet_schema(tmp_path / "ledger" / "_schema.parquet") == LEDGER_SCHEMA


def test_quarantine_keeps_the_shape_never_the_sheet_or_value(tmp_path):
    ledger = Ledger(tmp_path / "ledger", tmp_path / "quarantine", tmp_path / "archive")
    error = RowError(3, "risk_level", "control_character", "m", "aa\\x00", sheet="S")
    ledger.quarantine("r1", "c" * 64, "force_crimes", "f.csv", [error])
    rows = pl.read_parquet(tmp_path / "quarantine" / "r1.parquet").to_dicts()
    assert rows == [
        {
            "record_id": "r1",
            "file_sha256": "c" * 64,
            "source": "force_crimes",
            "file_name": "f.csv",
            "row_number": 3,
            "column_name": "risk_level",
            "rule": "control_character",
            "message": "m",
            "value_shape": "aa\\x00",
        }
    ]
