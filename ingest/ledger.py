"""The ingest ledger, the archive and quarantine: what arrived, what became of it, and why.

One small Parquet record per arrival under ledger/<record_id>.parquet, written last and
atomically, so it is the commit marker of a submission: raw data without a ledger record is
an interrupted ingest and is removed on the next run (under the data-dir lock, so never
another run's). `record_id` is the file's SHA-256 for the first arrival of those bytes; a
later arrival of the same bytes gets `<sha256>-<12 hex of its path and modification time>`
(a duplicate, pointing to the first with `duplicate_of`, or, under another declared
identity, a submission of its own). Links and special files are recorded too (status
`refused`), by path only. Quarantine holds error records only, never a file's bytes or an
identifier's value; the original bytes stay in the restricted archive.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import polars as pl

from ingest.errors import RowError
from ingest.files import atomic_write_parquet, open_regular, temporary_beside
from ingest.submissions import PERIODS_SCHEMA

LEDGER_SCHEMA = {
    "record_id": pl.String,
    "file_sha256": pl.String,
    "source": pl.String,
    "profile": pl.String,
    "file_name": pl.String,
    "landing_path": pl.String,
    "file_size": pl.Int64,
    "file_mtime_ns": pl.Int64,
    "received_at": pl.Datetime("us", "UTC"),
    "ingest_seq": pl.Int64,
    "rows_read": pl.Int64,
    "rows_accepted": pl.Int64,
    "rows_rejected": pl.Int64,
    "status": pl.String,
    "message": pl.String,
    "is_synthetic": pl.Boolean,
    "content_sha256": pl.String,
    "validation": pl.String,
    "duplicate_of": pl.String,
    "submitter": pl.String,
    "declared_periods": pl.String,
    "extracted_at": pl.Datetime("us", "UTC"),
    "extraction_source": pl.String,
    "periods": PERIODS_SCHEMA,
    "key_fingerprint": pl.String,
}
STATUSES = (
    "accepted",
    "partially_accepted",
    "quarantined",
    "duplicate",
    "stale",
    "held",
    "refused",
)
QUARANTINE_SCHEMA = {
    "record_id": pl.String,
    "file_sha256": pl.String,
    "source": pl.String,
    "file_name": pl.String,
    "row_number": pl.Int64,
    "column_name": pl.String,
    "rule": pl.String,
    "message": pl.String,
    "value_shape": pl.String,
}


@dataclass
class LedgerRecord:
    file_sha256: str
    source: str
    profile: str | None
    file_name: str
    landing_path: str
    file_size: int
    file_mtime_ns: int
    received_at: dt.datetime
    ingest_seq: int
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    status: str  # one of STATUSES (superseded: in dbt)
    message: str
    is_synthetic: bool
    content_sha256: str | None
    validation: str = "pending"  # pending, passed, failed: set by the quality checks
    record_id: str | None = None  # None: the file's SHA-256 (its first arrival)
    duplicate_of: str | None = None
    submitter: str | None = None
    declared_periods: str | None = None  # comma-separated period tokens, as declared
    extracted_at: dt.datetime | None = None
    extraction_source: str | None = None  # manifest, file name, modification time
    periods: list[dict] | None = None  # the scope: period_key, submitter, period, rows
    key_fingerprint: str | None = None

    def __post_init__(self) -> None:
        self.record_id = self.record_id or self.file_sha256


class Ledger:
    def __init__(self, ledger_dir: Path, quarantine_dir: Path, archive_dir: Path):
        self.ledger_dir = ledger_dir
        self.quarantine_dir = quarantine_dir
        self.archive_dir = archive_dir
        for path in (ledger_dir, quarantine_dir, archive_dir):
            path.mkdir(parents=True, exist_ok=True)
        # Empty typed files keep readers' globs valid before the first file ever lands.
        # Rewritten when the schema has grown, so readers always see every column.
        for folder, schema in ((ledger_dir, LEDGER_SCHEMA), (quarantine_dir, QUARANTINE_SCHEMA)):
            empty = folder / "_schema.parquet"
            if not empty.exists() or pl.read_parquet_schema(empty) != schema:
                atomic_write_parquet(pl.DataFrame(schema=schema), empty)

    def record_path(self, record_id: str) -> Path:
        return self.ledger_dir / f"{record_id}.parquet"

    def records(self, source: str | None = None) -> pl.DataFrame:
        # Records written before a column existed read it as null.
        frame = pl.read_parquet(
            self.ledger_dir / "*.parquet", schema=LEDGER_SCHEMA, missing_columns="insert"
        ).with_columns(pl.coalesce("record_id", "file_sha256").alias("record_id"))
        return frame if source is None else frame.filter(pl.col("source") == source)

    def record(self, record_id: str) -> dict | None:
        path = self.record_path(record_id)
        if not path.exists():
            return None
        frame = pl.read_parquet(path, schema=LEDGER_SCHEMA, missing_columns="insert")
        return frame.row(0, named=True)

    def write(self, record: LedgerRecord) -> None:
        frame = pl.DataFrame([asdict(record)], schema=LEDGER_SCHEMA)
        atomic_write_parquet(frame, self.record_path(record.record_id))

    def update(self, record_id: str, **values: object) -> None:
        frame = pl.read_parquet(
            self.record_path(record_id), schema=LEDGER_SCHEMA, missing_columns="insert"
        )
        frame = frame.with_columns(
            pl.lit(value, LEDGER_SCHEMA[name]).alias(name) for name, value in values.items()
        )
        atomic_write_parquet(frame, self.record_path(record_id))

    def set_validation(self, record_id: str, validation: str, message: str | None = None) -> None:
        values: dict[str, object] = {"validation": validation}
        if validation == "failed":
            values |= {"status": "quarantined", "message": message or "failed batch validation"}
        self.update(record_id, **values)

    def quarantine(
        self, record_id: str, sha: str, source: str, file_name: str, errors: list[RowError]
    ) -> None:
        if not errors:
            return
        rows = [
            {
                "record_id": record_id,
                "file_sha256": sha,
                "source": source,
                "file_name": file_name,
                **{k: v for k, v in asdict(e).items() if k not in ("file_name", "sheet")},
            }
            for e in errors
        ]
        frame = pl.DataFrame(rows, schema=QUARANTINE_SCHEMA)
        atomic_write_parquet(frame, self.quarantine_dir / f"{record_id}.parquet")

    def archive(self, source: str, sha: str, path: Path) -> Path:
        target = self.archive_dir / source / f"{sha}{path.suffix.lower()}"
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = temporary_beside(target)
            with open_regular(path) as source_file, tmp.open("wb") as copy:
                shutil.copyfileobj(source_file, copy)  # never through a link
            os.replace(tmp, target)
        return target
