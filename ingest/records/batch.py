"""Record-level files read by profile, then validated and pseudonymised in batches: all files
of one profile in one vectorised pass (the runner bounds a batch's rows)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from ingest.errors import RowError
from ingest.pseudonymise import pseudonymise
from ingest.records.contracts import Contract
from ingest.records.readers import Profile, ReadResult
from ingest.records.validation import validate


@dataclass
class Parsed:
    """One file's outcome before its submission is judged: what the runner records."""

    rows: pl.DataFrame  # accepted rows, ready for raw/ (no identifiers)
    errors: list[RowError]
    rows_read: int
    profile: str
    notes: list[str]


def read_notes(read: ReadResult) -> list[str]:
    notes = list(read.notes)
    if read.dropped_columns:
        # A count only: header cells are file content and may hold anything (a name, an
        # e-mail address), so they are never echoed into the ledger.
        notes.append(
            f"{len(read.dropped_columns)} column(s) not in profile {read.profile.name} were "
            "dropped unread."
        )
    return notes


def parse_batch(
    reads: dict[str, ReadResult], contract: Contract, key: bytes, today: dt.date
) -> dict[str, Parsed]:
    """Validate and pseudonymise files (by label: their path in landing/), one pass per profile."""
    by_profile: dict[str, list[str]] = {}
    for label, read in reads.items():
        by_profile.setdefault(read.profile.name, []).append(label)
    parsed: dict[str, Parsed] = {}
    for labels in by_profile.values():
        profile = reads[labels[0]].profile
        # Files are told apart by their path in landing/ (names can repeat across folders).
        frames = [reads[n].frame.with_columns(pl.lit(n).alias("_file_name")) for n in labels]
        combined = pl.concat(frames, how="diagonal_relaxed")
        checked = validate(combined, contract, profile, "batch", today)
        rows = pseudonymise(checked.accepted, contract, key)
        rows_by_file = rows.partition_by("_file_name", as_dict=True, include_key=False)
        errors_by_file: dict[str, list[RowError]] = {}
        for error in checked.errors:
            errors_by_file.setdefault(error.file_name, []).append(error)
        empty = rows.clear().drop("_file_name")
        for n in labels:
            read = reads[n]
            parsed[n] = Parsed(
                rows=rows_by_file.get((n,), empty),
                errors=read.row_errors + errors_by_file.get(n, []),
                rows_read=read.rows_read,
                profile=profile.name,
                notes=read_notes(read),
            )
    return parsed


def empty_raw(contract: Contract, key: bytes) -> pl.DataFrame:
    """A zero-row frame with the raw schema of a record-level source."""
    frame = pl.DataFrame({"_row_number": []}, schema={"_row_number": pl.Int64}).with_columns(
        pl.lit(None, pl.String).alias(c.name) for c in contract.columns
    )
    schema_only = Profile(
        name="schema", source=contract.source, description="", format="csv", detect=(), columns={}
    )
    checked = validate(frame, contract, schema_only, "schema", dt.date.today())
    return pseudonymise(checked.accepted, contract, key).with_columns(
        pl.lit(None, pl.String).alias("_submission_id")
    )
