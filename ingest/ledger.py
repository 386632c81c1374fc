"""The ingest ledger, the archive and quarantine: what arrived, what became of it, and why.

One small Parquet record per distinct file (by SHA-256) under ledger/, written last and
atomically, so it is the commit marker of a submission: raw data without a ledger record is
an interrupted ingest and is removed on the next run. Quarantine holds error records only,
never a file's bytes or an identifier's value; the original bytes stay in the restricted
archive.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import polars as pl

from ingest.errors import RowError
from ingest.files import atomic_write_parquet, sha256_file  # noqa: F401 - re-exported

LEDGER_SCHEMA = {
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
}
QUARANTINE_SCHEMA = {
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
    status: str  # accepted, partially_accepted, quarantined, duplicate (superseded: in dbt)
    message: str
    is_synthetic: bool
    content_sha256: str | None
    validation: str = "pending"  # pending, passed, failed: set by the quality checks


class Ledger:
    def __init__(self, ledger_dir: Path, quarantine_dir: Path, archive_dir: Path):
        self.ledger_dir = ledger_dir
        self.quarantine_dir = quarantine_dir
        self.archive_dir = archive_dir
        for path in (ledger_dir, quarantine_dir, archive_dir):
            path.mkdir(parents=True, exist_ok=True)
        # Empty typed files keep readers' globs valid before the first file ever lands.
        empty_ledger = ledger_dir / "_schema.parquet"
        if not empty_ledger.exists():
            atomic_write_parquet(pl.DataFrame(schema=LEDGER_SCHEMA), empty_ledger)
        empty_quarantine = quarantine_dir / "_schema.parquet"
        if not empty_quarantine.exists():
            atomic_write_parquet(pl.DataFrame(schema=QUARANTINE_SCHEMA), empty_quarantine)

    def record_path(self, sha: str) -> Path:
        return self.ledger_dir / f"{sha}.parquet"

    def records(self, source: str | None = None) -> pl.DataFrame:
        frame = pl.read_parquet(self.ledger_dir / "*.parquet", schema=LEDGER_SCHEMA)
        return frame if source is None else frame.filter(pl.col("source") == source)

    def write(self, record: LedgerRecord) -> None:
        frame = pl.DataFrame([asdict(record)], schema=LEDGER_SCHEMA)
        atomic_write_parquet(frame, self.record_path(record.file_sha256))

    def set_validation(self, sha: str, validation: str, message: str | None = None) -> None:
        frame = pl.read_parquet(self.record_path(sha))
        updates = [pl.lit(validation).alias("validation")]
        if validation == "failed":
            updates += [
                pl.lit("quarantined").alias("status"),
                pl.lit(message or "failed batch validation").alias("message"),
            ]
        atomic_write_parquet(frame.with_columns(updates), self.record_path(sha))

    def quarantine(self, sha: str, source: str, file_name: str, errors: list[RowError]) -> None:
        if not errors:
            return
        rows = [
            {
                "file_sha256": sha,
                "source": source,
                "file_name": file_name,
                **{k: v for k, v in asdict(e).items() if k not in ("file_name", "sheet")},
            }
            for e in errors
        ]
        frame = pl.DataFrame(rows, schema=QUARANTINE_SCHEMA)
        atomic_write_parquet(frame, self.quarantine_dir / f"{sha}.parquet")

    def archive(self, source: str, sha: str, path: Path) -> Path:
        target = self.archive_dir / source / f"{sha}{path.suffix.lower()}"
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.tmp")
            shutil.copyfile(path, tmp)
            os.replace(tmp, target)
        return target
