"""Ingest every new file of one source from landing/ into raw/, the ledger and quarantine.

The loop only; each step has its own module. Under the data-dir lock (ingest.lock) and with
the key checked against the ledger (ingest.keys): find the ready files (ingest.arrival); for
each new arrival, in arrival order, its identity (ingest.submissions), archive the bytes and
read it (ingest.records or ingest.official). Record-level files are then validated and
pseudonymised in batches (ingest.records.batch, up to BATCH_ROWS rows), and for each file, in
arrival order again: what the submission changes is decided (ingest.submissions), the rows it
keeps are written as one Parquet file per submission, the bad rows quarantined, and the
ledger record written last. One bad file never stops the others.
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

from ingest import submissions
from ingest.arrival import Landed, Refused, scan
from ingest.bounded import check_workbook, in_worker
from ingest.errors import FileRejected, RowError
from ingest.files import (
    atomic_write_parquet,
    read_head,
    remove_stale_temporaries,
    sha256_file,
    sniff,
)
from ingest.keys import checked_key
from ingest.ledger import Ledger, LedgerRecord
from ingest.lock import data_dir_lock
from ingest.records.batch import Parsed, parse_batch
from ingest.records.batch import empty_raw as _empty_raw
from ingest.records.readers import ReadResult, read_file
from ingest.records.validation import check_required_columns
from ingest.settings import DataPaths, data_paths
from ingest.sources import Source
from ingest.sources import source as registered

log = logging.getLogger(__name__)

SYNTHETIC_MARK = "SYNTHETIC"
BATCH_ROWS = 400_000  # bounds memory; big enough that per-file overhead vanishes
READ_THREADS = 2
READ_AHEAD = 8
KEY_COLUMNS = ["_period_key", "_submitter", "_period"]
WORKBOOK_KINDS = ("xlsx", "ods", "xls", "damaged_zip")


@dataclass
class SourceRun:
    source: str
    new_submissions: list[str] = field(default_factory=list)  # record ids of accepted files
    files_seen: int = 0
    files_skipped: int = 0
    files_waiting: list[str] = field(default_factory=list)  # still being written
    statuses: dict[str, int] = field(default_factory=dict)
    rows_accepted: int = 0
    rows_rejected: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)  # for the run log


@dataclass
class Arrival:
    """A new file in landing/ on its way through ingest."""

    landed: Landed
    sha: str
    record_id: str
    identity: submissions.Identity
    base: dict  # ledger fields known on arrival
    read: ReadResult | None = None
    parsed: Parsed | None = None
    rejection: FileRejected | None = None

    @property
    def label(self) -> str:
        return self.landed.relative


def empty_raw(source: str, key: bytes) -> pl.DataFrame:
    """A zero-row frame with the raw schema of a record-level source."""
    return _empty_raw(registered(source).contract, key)


def empty_official_raw(source: str) -> pl.DataFrame:
    return pl.DataFrame(schema={**registered(source).raw_schema, "_submission_id": pl.String})


def parse_official(path: Path, source: Source) -> Parsed:
    table = source.read_official()(path)
    rows_read = table.frame.height + len(table.errors)
    notes = [table.period_note] if table.period_note else []
    return Parsed(table.frame, table.errors, rows_read, table.profile, notes)


def _content_hash(rows: pl.DataFrame) -> str:
    """Order-independent fingerprint of the accepted rows (to spot re-exported duplicates)."""
    row_hashes = rows.drop("_row_number", strict=False).hash_rows(seed=0).sort()
    return hashlib.sha256(row_hashes.to_numpy().tobytes()).hexdigest()


def _remove_orphans(paths: DataPaths, source: str, known: set[str]) -> None:
    """Raw data written by an ingest that died before its ledger record: not committed.
    Only ever under the data-dir lock, so never a running ingest's in-flight data."""
    source_dir = paths.raw / source
    if not source_dir.exists():
        return
    for child in source_dir.iterdir():
        if child.name.startswith("_"):
            continue
        if child.name.startswith(".") or child.name not in known:
            log.warning("removing uncommitted raw data %s", child)
            shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink()


def _path_id(relative: str) -> str:
    return hashlib.sha256(relative.encode()).hexdigest()[:12]


def ingest_source(
    source: str, paths: DataPaths | None = None, today: dt.date | None = None
) -> SourceRun:
    paths = (paths or data_paths()).ensure()
    with data_dir_lock(paths.root):
        return _ingest_source(registered(source), paths, today or dt.date.today())


def _ingest_source(entry: Source, paths: DataPaths, today: dt.date) -> SourceRun:
    started = time.perf_counter()
    source = entry.name
    key, fingerprint = checked_key(paths)
    ledger = Ledger(paths.ledger, paths.quarantine, paths.archive)
    zones = (paths.ledger, paths.quarantine, paths.archive / source, paths.raw / source / "_schema")
    for zone in zones:
        for stale in remove_stale_temporaries(zone):
            log.warning("removing a temporary file a killed run left: %s", stale)
    existing = ledger.records()
    _remove_orphans(paths, source, set(existing["record_id"].to_list()))
    schema_file = paths.raw / source / "_schema" / "part.parquet"
    if not schema_file.exists():
        empty = empty_raw(source, key) if entry.is_records else empty_official_raw(source)
        atomic_write_parquet(empty, schema_file)
    seen_stats = {
        (r["landing_path"], r["file_size"], r["file_mtime_ns"])
        for r in existing.select("landing_path", "file_size", "file_mtime_ns").iter_rows(named=True)
    }
    mine = existing.filter(pl.col("source") == source)
    accepted_content = {
        h: r
        for h, r in mine.filter(pl.col("status").is_in(["accepted", "partially_accepted"]))
        .select("content_sha256", "record_id")
        .iter_rows()
        if h
    }
    first_by_sha = {
        sha: (rid, sub, declared)
        for sha, rid, sub, declared in existing.filter(pl.col("file_sha256").is_not_null())
        .sort("ingest_seq")
        .unique("file_sha256", keep="first", maintain_order=True)
        .select("file_sha256", "record_id", "submitter", "declared_periods")
        .iter_rows()
    }
    state = submissions.State.from_ledger(mine)
    run = SourceRun(source)
    ready, refused, run.files_waiting = scan(paths.landing / source, paths.landing)
    for waiting in run.files_waiting:
        run.warnings.append(f"{waiting}: still being written (or .part); read next run")
    for entry_refused in refused:
        run.files_seen += 1
        if (entry_refused.relative, entry_refused.size, entry_refused.mtime_ns) in seen_stats:
            run.files_skipped += 1
            continue
        record = _refused_record(entry_refused, source, fingerprint)
        ledger.write(record)
        run.statuses["refused"] = run.statuses.get("refused", 0) + 1
        run.warnings.append(record.message)
    new_files: list[Arrival] = []
    for landed in ready:
        run.files_seen += 1
        if (landed.relative, landed.size, landed.mtime_ns) in seen_stats:
            run.files_skipped += 1
            continue
        try:
            sha = sha256_file(landed.path)
        except OSError as exc:  # vanished, or a link swapped in: try again next run
            log.warning("cannot read %s now (%s); it stays in landing/", landed.path, exc)
            continue
        ident = submissions.identity(landed.path, entry, landed.mtime_ns)
        arrival = _arrival(landed, sha, ident, source, fingerprint, first_by_sha)
        if arrival.base.get("duplicate_of"):
            record = _duplicate_record(arrival)
            ledger.write(record)
            run.statuses["duplicate"] = run.statuses.get("duplicate", 0) + 1
            continue
        first_by_sha.setdefault(
            sha, (arrival.record_id, ident.submitter, arrival.base["declared_periods"])
        )
        new_files.append(arrival)

    def arrive(arrival: Arrival) -> Arrival:
        return _read(arrival, entry, ledger)

    # Files are read two at a time (polars and calamine release the GIL), a few ahead of
    # validation; results keep arrival order.
    batch: list[Arrival] = []
    batch_rows = 0
    finish = dict(
        entry=entry,
        ledger=ledger,
        paths=paths,
        key=key,
        today=today,
        accepted_content=accepted_content,
        state=state,
        run=run,
    )
    with ThreadPoolExecutor(max_workers=READ_THREADS) as pool:
        for start in range(0, len(new_files), READ_AHEAD):
            for arrival in pool.map(arrive, new_files[start : start + READ_AHEAD]):
                batch.append(arrival)
                batch_rows += arrival.read.rows_read if arrival.read else 0
                if batch_rows >= BATCH_ROWS:
                    _finish(batch, **finish)
                    batch, batch_rows = [], 0
    _finish(batch, **finish)
    for warning in run.warnings:
        log.warning(warning)
    run.seconds = time.perf_counter() - started
    return run


def _arrival(
    landed: Landed,
    sha: str,
    ident: submissions.Identity,
    source: str,
    fingerprint: str,
    first_by_sha: dict[str, tuple[str, str | None, str | None]],
) -> Arrival:
    declared = ",".join(ident.periods) or None
    record_id, duplicate_of = sha, None
    if sha in first_by_sha:
        first_id, first_submitter, first_declared = first_by_sha[sha]
        record_id = f"{sha}-{_path_id(f'{landed.relative}|{landed.mtime_ns}')}"
        if (first_submitter, first_declared) == (ident.submitter, declared):
            duplicate_of = first_id  # the same bytes, the same submission: changes nothing
    base = dict(
        record_id=record_id,
        file_sha256=sha,
        source=source,
        file_name=landed.path.name,
        landing_path=landed.relative,
        file_size=landed.size,
        file_mtime_ns=landed.mtime_ns,
        is_synthetic=SYNTHETIC_MARK in landed.path.name.upper(),
        duplicate_of=duplicate_of,
        submitter=ident.submitter,
        declared_periods=declared,
        extracted_at=ident.extracted_at,
        extraction_source=ident.extraction_source,
        key_fingerprint=fingerprint,
    )
    return Arrival(landed, sha, record_id, ident, base)


def _stamp() -> dict:
    return {"received_at": dt.datetime.now(dt.UTC), "ingest_seq": time.time_ns()}


def _refused_record(refused: Refused, source: str, fingerprint: str) -> LedgerRecord:
    name = Path(refused.relative).name
    record_id = "refused-" + _path_id(f"{refused.relative}|{refused.mtime_ns}")
    return LedgerRecord(
        record_id=record_id,
        file_sha256=None,
        source=source,
        profile=None,
        file_name=name,
        landing_path=refused.relative,
        file_size=refused.size,
        file_mtime_ns=refused.mtime_ns,
        **_stamp(),
        rows_read=0,
        rows_accepted=0,
        rows_rejected=0,
        status="refused",
        message=f"{name}: refused: {refused.reason}",
        is_synthetic=False,
        content_sha256=None,
        key_fingerprint=fingerprint,
    )


def _duplicate_record(arrival: Arrival) -> LedgerRecord:
    first = arrival.base["duplicate_of"]
    return LedgerRecord(
        **arrival.base,
        **_stamp(),
        profile=None,
        rows_read=0,
        rows_accepted=0,
        rows_rejected=0,
        status="duplicate",
        message=(
            f"{arrival.landed.path.name}: the same bytes as a file already received "
            f"(record {first}); recorded, nothing changed."
        ),
        content_sha256=None,
    )


def _read(arrival: Arrival, entry: Source, ledger: Ledger) -> Arrival:
    """Archive the bytes and read the file (record sources) or parse it (published tables)."""
    path = arrival.landed.path
    try:
        ledger.archive(entry.name, arrival.sha, path)
        workbook = sniff(path, read_head(path)) in WORKBOOK_KINDS
        if workbook:  # checked before opening, then read where a crash ends only a worker
            check_workbook(path)
        if entry.is_records:
            if workbook:
                arrival.read = in_worker(path, read_file, entry.name)
            else:
                arrival.read = read_file(path, entry.name)
            check_required_columns(
                arrival.read.frame, entry.contract, arrival.read.profile, path.name
            )
        elif workbook:
            arrival.parsed = in_worker(path, parse_official, entry)
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
    entry: Source,
    ledger: Ledger,
    paths: DataPaths,
    key: bytes,
    today: dt.date,
    accepted_content: dict[str, str],
    state: submissions.State,
    run: SourceRun,
) -> None:
    if not batch:
        return
    if entry.is_records:
        reads = {a.label: a.read for a in batch if a.read is not None}
        parsed = parse_batch(reads, entry.contract, key, today)
        for arrival in batch:
            if arrival.read is not None:
                arrival.parsed, arrival.read = parsed[arrival.label], None
    for arrival in batch:  # arrival order: a later submission gets a later ingest_seq
        record = _record(arrival, entry, ledger, paths, accepted_content, state)
        run.statuses[record.status] = run.statuses.get(record.status, 0) + 1
        if record.status in ("accepted", "partially_accepted"):
            run.rows_accepted += record.rows_accepted
            run.new_submissions.append(record.record_id)
            if record.content_sha256:
                accepted_content[record.content_sha256] = record.record_id
        if record.status in ("held", "stale", "quarantined"):
            run.warnings.append(record.message)
        run.rows_rejected += record.rows_rejected


def _record(
    arrival: Arrival,
    entry: Source,
    ledger: Ledger,
    paths: DataPaths,
    accepted_content: dict[str, str],
    state: submissions.State,
) -> LedgerRecord:
    """Decide the file's status, write its raw rows and quarantine, then its ledger record."""
    name, sha, record_id, ident = (
        arrival.landed.path.name,
        arrival.sha,
        arrival.record_id,
        arrival.identity,
    )
    base = {**arrival.base, **_stamp()}
    identity_notes = [f"Not used: {p}." for p in ident.problems]
    if arrival.rejection is not None:
        exc = arrival.rejection
        ledger.quarantine(
            record_id, sha, entry.name, name, [RowError(None, None, exc.rule, str(exc))]
        )
        record = LedgerRecord(
            **base,
            profile=None,
            rows_read=0,
            rows_accepted=0,
            rows_rejected=0,
            status="quarantined",
            message=" ".join([str(exc), *identity_notes]),
            content_sha256=None,
        )
        ledger.write(record)
        return record
    parsed = arrival.parsed
    rows, scope_errors = submissions.out_of_scope(
        submissions.keyed(parsed.rows, entry), entry, ident, name
    )
    errors = parsed.errors + scope_errors
    accepted = rows.height
    # Every row read is accepted or rejected (a rejected row may break several rules; in a
    # published table each left-out figure is one row of the long table): the ledger balances.
    rejected_rows = parsed.rows_read - accepted
    content = _content_hash(rows.drop(KEY_COLUMNS)) if accepted else None
    decision = None
    duplicate_of = None
    if parsed.rows_read > 0 and accepted == 0:
        status = "quarantined"
        message = f"{name}: every one of {parsed.rows_read} rows broke a rule; see quarantine."
    elif content is not None and content in accepted_content:
        status, duplicate_of = "duplicate", accepted_content[content]
        message = (
            f"{name}: the same rows as a file already accepted (record {duplicate_of}, "
            "different bytes); nothing changed."
        )
    else:
        decision = submissions.decide(
            entry, rows, ident, state, parsed.rows_read, record_id, base["ingest_seq"]
        )
        if decision.status is not None:
            status = decision.status
            message = f"{name}: {accepted} rows read and kept aside."
        elif parsed.rows_read == 0:
            status = "accepted"
            message = f"{name}: nil return: the header is there but no data rows."
        elif rejected_rows:
            status = "partially_accepted"
            message = (
                f"{name}: {accepted} rows accepted, {rejected_rows} quarantined "
                f"({len(errors)} rule breaks)."
            )
        else:
            status, message = "accepted", f"{name}: {accepted} rows accepted."
        message = " ".join([message, *decision.notes])
    if parsed.notes or identity_notes:
        message = " ".join([message, *parsed.notes, *identity_notes])
    if status in ("accepted", "partially_accepted", "held"):  # a nil return too: zero rows
        raw = rows.drop(KEY_COLUMNS).with_columns(pl.lit(record_id).alias("_submission_id"))
        atomic_write_parquet(raw, paths.raw / entry.name / record_id / "part.parquet")
    ledger.quarantine(record_id, sha, entry.name, name, errors)
    keeps = status not in ("quarantined",)
    record = LedgerRecord(
        **{**base, "duplicate_of": duplicate_of or base["duplicate_of"]},
        profile=parsed.profile,
        rows_read=parsed.rows_read,
        rows_accepted=accepted if keeps else 0,
        rows_rejected=rejected_rows if keeps else parsed.rows_read,
        status=status,
        message=message,
        content_sha256=content,
        periods=decision.periods if decision else None,
    )
    ledger.write(record)
    if status in ("accepted", "partially_accepted") and decision:
        for period in decision.periods:
            state.offer(
                period["period_key"],
                submissions.InForce(
                    record_id,
                    period["rows"],
                    ident.extracted_at,
                    base["ingest_seq"],
                    period["submitter"],
                    period["period"],
                ),
            )
    return record
