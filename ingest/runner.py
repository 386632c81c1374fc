"""Ingest every new file of one source from landing/ into raw/, the ledger and quarantine.

For each file, in arrival order: skip it if its bytes were seen before; archive the bytes;
read it with the matching profile. Files are then validated and pseudonymised in batches (all
files of one profile in one vectorised pass, up to BATCH_ROWS rows), and for each file, in
arrival order again: the accepted rows are written as one Parquet file per submission, the bad
rows quarantined, and the ledger record written last. One bad file never stops the others.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ingest.errors import FileRejected, RowError
from ingest.ledger import Ledger, LedgerRecord, atomic_write_parquet, sha256_file
from ingest.pseudonymise import load_key, pseudonymise
from ingest.records.readers import Profile, ReadResult, read_file
from ingest.records.validation import check_required_columns, validate
from ingest.settings import DataPaths, data_paths
from ingest.sources import Source
from ingest.sources import source as registered

log = logging.getLogger(__name__)

SYNTHETIC_MARK = "SYNTHETIC"


@dataclass
class SourceRun:
    source: str
    new_submissions: list[str] = field(default_factory=list)  # sha256 of accepted files
    files_seen: int = 0
    files_skipped: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    rows_accepted: int = 0
    rows_rejected: int = 0
    seconds: float = 0.0


@dataclass
class Parsed:
    rows: pl.DataFrame  # accepted rows, ready for raw/ (no identifiers)
    errors: list[RowError]
    rows_read: int
    profile: str
    notes: list[str]


BATCH_ROWS = 400_000  # bounds memory; big enough that per-file overhead vanishes
READ_THREADS = 2
READ_AHEAD = 8


@dataclass
class Arrival:
    """A new file in landing/ on its way through ingest."""

    path: Path
    sha: str
    base: dict  # ledger fields known on arrival
    read: ReadResult | None = None
    parsed: Parsed | None = None
    rejection: FileRejected | None = None


def _read_notes(read: ReadResult) -> list[str]:
    notes = list(read.notes)
    if read.dropped_columns:
        # A count only: header cells are file content and may hold anything (a name, an
        # e-mail address), so they are never echoed into the ledger.
        notes.append(
            f"{len(read.dropped_columns)} column(s) not in profile {read.profile.name} were "
            "dropped unread."
        )
    return notes


def label(arrival: Arrival) -> str:
    return arrival.base["landing_path"]


def parse_record_batch(arrivals: list[Arrival], source: str, key: bytes, today: dt.date) -> None:
    """Validate and pseudonymise every read file of the batch, one pass per profile."""
    contract = registered(source).contract
    by_profile: dict[str, list[Arrival]] = {}
    for arrival in arrivals:
        if arrival.read is not None:
            by_profile.setdefault(arrival.read.profile.name, []).append(arrival)
    for group in by_profile.values():
        profile = group[0].read.profile
        # Files are told apart by their path in landing/ (names can repeat across folders).
        frames = [a.read.frame.with_columns(pl.lit(label(a)).alias("_file_name")) for a in group]
        combined = pl.concat(frames, how="diagonal_relaxed")
        checked = validate(combined, contract, profile, "batch", today)
        rows = pseudonymise(checked.accepted, contract, key)
        rows_by_file = rows.partition_by("_file_name", as_dict=True, include_key=False)
        errors_by_file: dict[str, list[RowError]] = {}
        for error in checked.errors:
            errors_by_file.setdefault(error.file_name, []).append(error)
        empty = rows.clear().drop("_file_name")
        for a in group:
            a.parsed = Parsed(
                rows=rows_by_file.get((label(a),), empty),
                errors=a.read.row_errors + errors_by_file.get(label(a), []),
                rows_read=a.read.rows_read,
                profile=profile.name,
                notes=_read_notes(a.read),
            )
            a.read = None  # the text frame is no longer needed; free it


def parse_official(path: Path, source: Source) -> Parsed:
    table = source.read_official()(path)
    rows_read = table.frame.height + len(table.errors)
    notes = [table.period_note] if table.period_note else []
    return Parsed(table.frame, table.errors, rows_read, table.profile, notes)


def empty_raw(source: str, key: bytes) -> pl.DataFrame:
    """A zero-row frame with the raw schema of a record-level source."""
    contract = registered(source).contract
    frame = pl.DataFrame({"_row_number": []}, schema={"_row_number": pl.Int64}).with_columns(
        pl.lit(None, pl.String).alias(c.name) for c in contract.columns
    )
    schema_only = Profile(
        name="schema", source=source, description="", format="csv", detect=(), columns={}
    )
    checked = validate(frame, contract, schema_only, "schema", dt.date.today())
    return pseudonymise(checked.accepted, contract, key).with_columns(
        pl.lit(None, pl.String).alias("_submission_id")
    )


def empty_official_raw(source: str) -> pl.DataFrame:
    return pl.DataFrame(schema={**registered(source).raw_schema, "_submission_id": pl.String})


def _content_hash(rows: pl.DataFrame) -> str:
    """Order-independent fingerprint of the accepted rows (to spot re-exported duplicates)."""
    row_hashes = rows.drop("_row_number", strict=False).hash_rows(seed=0).sort()
    return hashlib.sha256(row_hashes.to_numpy().tobytes()).hexdigest()


def _remove_orphans(paths: DataPaths, source: str, known: set[str]) -> None:
    """Raw data written by an ingest that died before its ledger record: not committed."""
    source_dir = paths.raw / source
    if not source_dir.exists():
        return
    for child in source_dir.iterdir():
        if child.name.startswith("_"):
            continue
        if child.name.startswith(".") or child.name not in known:
            log.warning("removing uncommitted raw data %s", child)
            shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink()


def _landed_files(paths: DataPaths, source: str) -> list[Path]:
    folder = paths.landing / source
    files = [p for p in folder.rglob("*") if p.is_file() and not p.name.startswith((".", "~$"))]
    # Arrival order decides which submission is later; the name breaks ties deterministically.
    return sorted(files, key=lambda p: (p.stat().st_mtime_ns, p.name))


def ingest_source(
    source: str, paths: DataPaths | None = None, today: dt.date | None = None
) -> SourceRun:
    started = time.perf_counter()
    paths = (paths or data_paths()).ensure()
    today = today or dt.date.today()
    key = load_key(paths.key_file)
    ledger = Ledger(paths.ledger, paths.quarantine, paths.archive)
    existing = ledger.records()
    known_shas = set(existing["file_sha256"].to_list())
    _remove_orphans(paths, source, known_shas)
    schema_file = paths.raw / source / "_schema" / "part.parquet"
    if not schema_file.exists():
        empty = (
            empty_raw(source, key) if registered(source).is_records else empty_official_raw(source)
        )
        atomic_write_parquet(empty, schema_file)
    seen_stats = {
        (r["landing_path"], r["file_size"], r["file_mtime_ns"])
        for r in existing.select("landing_path", "file_size", "file_mtime_ns").iter_rows(named=True)
    }
    accepted_content = {
        h
        for h in existing.filter(
            (pl.col("source") == source)
            & pl.col("status").is_in(["accepted", "partially_accepted"])
        )["content_sha256"].to_list()
        if h
    }
    run = SourceRun(source)
    new_files = []
    for path in _landed_files(paths, source):
        run.files_seen += 1
        try:
            stat = path.stat()
            relative = str(path.relative_to(paths.landing))
            if (relative, stat.st_size, stat.st_mtime_ns) in seen_stats:
                run.files_skipped += 1
                continue
            sha = sha256_file(path)
        except OSError as exc:  # vanished or unreadable mid-run: try again next run
            log.warning("cannot read %s now (%s); it stays in landing/", path, exc)
            continue
        if sha in known_shas:  # the same bytes again: recorded once, changes nothing
            run.files_skipped += 1
            continue
        known_shas.add(sha)
        new_files.append((path, relative, stat, sha))

    def arrive(file: tuple) -> Arrival:
        return _arrive(*file, source, ledger)

    # Files are read two at a time (polars and calamine release the GIL), a few ahead of
    # validation; results keep arrival order, so a later submission stays later.
    batch: list[Arrival] = []
    batch_rows = 0
    with ThreadPoolExecutor(max_workers=READ_THREADS) as pool:
        for start in range(0, len(new_files), READ_AHEAD):
            for arrival in pool.map(arrive, new_files[start : start + READ_AHEAD]):
                batch.append(arrival)
                batch_rows += arrival.read.rows_read if arrival.read else 0
                if batch_rows >= BATCH_ROWS:
                    _finish(batch, source, ledger, paths, key, today, accepted_content, run)
                    batch, batch_rows = [], 0
    _finish(batch, source, ledger, paths, key, today, accepted_content, run)
    run.seconds = time.perf_counter() - started
    return run


def _arrive(path: Path, relative: str, stat, sha: str, source: str, ledger: Ledger) -> Arrival:
    """Archive the bytes and read the file (record sources) or parse it (published tables)."""
    ledger.archive(source, sha, path)
    arrival = Arrival(
        path,
        sha,
        base=dict(
            file_sha256=sha,
            source=source,
            file_name=path.name,
            landing_path=relative,
            file_size=stat.st_size,
            file_mtime_ns=stat.st_mtime_ns,
            is_synthetic=SYNTHETIC_MARK in path.name.upper(),
        ),
    )
    try:
        entry = registered(source)
        if entry.is_records:
            arrival.read = read_file(path, source)
            check_required_columns(
                arrival.read.frame, entry.contract, arrival.read.profile, path.name
            )
        else:
            arrival.parsed = parse_official(path, entry)
    except FileRejected as exc:
        arrival.read, arrival.rejection = None, exc
    except Exception as exc:  # one broken file must never stop the others
        log.exception("unexpected error ingesting %s", path)
        arrival.read = None
        arrival.rejection = FileRejected(
            f"{path.name}: could not be read ({type(exc).__name__}); the file was "
            "quarantined whole. Report this with the file's SHA-256.",
            rule="unreadable_file",
        )
    return arrival


def _finish(
    batch: list[Arrival],
    source: str,
    ledger: Ledger,
    paths: DataPaths,
    key: bytes,
    today: dt.date,
    accepted_content: set[str],
    run: SourceRun,
) -> None:
    if not batch:
        return
    if registered(source).is_records:
        parse_record_batch(batch, source, key, today)
    for arrival in batch:  # arrival order: a later submission gets a later ingest_seq
        record = _record(arrival, source, ledger, paths, accepted_content)
        run.statuses[record.status] = run.statuses.get(record.status, 0) + 1
        run.rows_accepted += record.rows_accepted if record.status != "duplicate" else 0
        run.rows_rejected += record.rows_rejected
        if record.status in ("accepted", "partially_accepted"):
            run.new_submissions.append(record.file_sha256)
            if record.content_sha256:
                accepted_content.add(record.content_sha256)


def _record(
    arrival: Arrival, source: str, ledger: Ledger, paths: DataPaths, accepted_content: set[str]
) -> LedgerRecord:
    """Decide the file's status, write its raw rows and quarantine, then its ledger record."""
    path, sha = arrival.path, arrival.sha
    base = {**arrival.base, "received_at": dt.datetime.now(dt.UTC), "ingest_seq": time.time_ns()}
    if arrival.rejection is not None:
        exc = arrival.rejection
        ledger.quarantine(sha, source, path.name, [RowError(None, None, exc.rule, str(exc))])
        record = LedgerRecord(
            **base,
            profile=None,
            rows_read=0,
            rows_accepted=0,
            rows_rejected=0,
            status="quarantined",
            message=str(exc),
            content_sha256=None,
        )
        ledger.write(record)
        return record
    parsed = arrival.parsed
    accepted = parsed.rows.height
    rejected_rows = len({e.row_number for e in parsed.errors})
    content = _content_hash(parsed.rows) if accepted else None
    if parsed.rows_read == 0:
        # A nil return (e.g. no SPO applications this quarter) is a valid, empty submission.
        status = "accepted"
        message = f"{path.name}: nil return: the header is there but no data rows; nothing added."
    elif accepted == 0:
        status = "quarantined"
        message = f"{path.name}: every one of {parsed.rows_read} rows broke a rule; see quarantine."
    elif content in accepted_content:
        status = "duplicate"
        message = (
            f"{path.name}: the same rows as a file already accepted (different bytes); "
            "nothing changed."
        )
    elif rejected_rows:
        status = "partially_accepted"
        message = (
            f"{path.name}: {accepted} rows accepted, {rejected_rows} quarantined "
            f"({len(parsed.errors)} rule breaks)."
        )
    else:
        status, message = "accepted", f"{path.name}: {accepted} rows accepted."
    if parsed.notes:
        message += " " + " ".join(parsed.notes)
    if status in ("accepted", "partially_accepted"):
        rows = parsed.rows.with_columns(pl.lit(sha).alias("_submission_id"))
        atomic_write_parquet(rows, paths.raw / source / sha / "part.parquet")
    ledger.quarantine(sha, source, path.name, parsed.errors)
    record = LedgerRecord(
        **base,
        profile=parsed.profile,
        rows_read=parsed.rows_read,
        rows_accepted=accepted if status != "quarantined" else 0,
        rows_rejected=rejected_rows if status != "quarantined" else parsed.rows_read,
        status=status,
        message=message,
        content_sha256=content,
    )
    ledger.write(record)
    return record
