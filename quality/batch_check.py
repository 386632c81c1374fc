"""The batch-check policy: which raw data a source's suite runs over, in what chunks, and what
a failure does. The Dagster check (orchestration/defs/ingest_assets.py) only calls `check_batch`.

Policy: the batch is every submission of the source accepted since the last check (ledger
validation `pending`), validated in chunks of whole submissions, each read by DuckDB straight
from raw/ Parquet (quality.validate_batch: no copy of the rows in memory). Chunks bound how
many files a failure has to re-check, not memory. A chunk that fails is re-checked file by
file; a file that fails on its own is quarantined (ledger status `quarantined`, its rows
leave the warehouse) and the rest of the batch goes on. The batch fails, and blocks the
warehouse build, only when a failure cannot be pinned to single files (e.g. two submissions
that are fine alone but clash together): one bad file never stops the release of the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from ingest.ledger import Ledger
from ingest.settings import DataPaths
from quality.validate_batch import BatchResult, merge_results, validate_files

CHECK_CHUNK_ROWS = 2_000_000


@dataclass
class BatchCheck:
    source: str
    files: int  # submissions checked
    result: BatchResult | None  # None: nothing pending
    quarantined: list[str] = field(default_factory=list)  # record ids of files that failed alone
    unpinned_failure: bool = False  # a chunk failed but no single file did

    @property
    def passed(self) -> bool:
        return not self.unpinned_failure

    def summary(self) -> str:
        if self.result is None:
            return f"{self.source}: nothing new to check"
        text = self.result.summary()
        if self.quarantined:
            text += f"; {len(self.quarantined)} file(s) failed on their own and were quarantined"
        return text


def chunks(pending: pl.DataFrame, max_rows: int) -> list[list[str]]:
    """Submissions in arrival order, grouped into chunks of at most max_rows rows (a single
    larger submission is a chunk of its own)."""
    out: list[list[str]] = [[]]
    rows = 0
    for sha, accepted in pending.iter_rows():
        if out[-1] and rows + accepted > max_rows:
            out.append([])
            rows = 0
        out[-1].append(sha)
        rows += accepted
    return out


def check_batch(source: str, paths: DataPaths, max_rows: int = CHECK_CHUNK_ROWS) -> BatchCheck:
    ledger = Ledger(paths.ledger, paths.quarantine, paths.archive)
    pending = (
        ledger.records(source)
        .filter(
            (pl.col("validation") == "pending")
            & pl.col("status").is_in(["accepted", "partially_accepted"])
        )
        .select("record_id", "rows_accepted")
    )
    if pending.is_empty():
        return BatchCheck(source, 0, None)
    check = BatchCheck(source, pending.height, None)
    results = []
    for chunk in chunks(pending, max_rows):
        files = [str(paths.raw / source / sha / "part.parquet") for sha in chunk]
        chunk_result = validate_files(source, files)
        results.append(chunk_result)
        if chunk_result.success:
            for sha in chunk:
                ledger.set_validation(sha, "passed")
            continue
        pinned = False
        for sha, file in zip(chunk, files, strict=True):
            single = validate_files(source, [file])
            if single.success:
                ledger.set_validation(sha, "passed")
            else:
                pinned = True
                check.quarantined.append(sha)
                ledger.set_validation(sha, "failed", f"failed batch validation: {single.summary()}")
        check.unpinned_failure |= not pinned
    check.result = merge_results(source, results)
    return check
