"""Ingest every new file of one source from landing/ into raw/, the ledger and quarantine.

For each file, in arrival order: skip it if its bytes were seen before; archive the bytes;
read it with the matching profile; validate; pseudonymise; write the accepted rows as one
Parquet file per submission; quarantine the bad rows; write the ledger record last. One bad
file never stops the others.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ingest.contracts import CONTRACTS, Contract
from ingest.errors import FileRejected, RowError
from ingest.ledger import Ledger, LedgerRecord, atomic_write_parquet, sha256_file
from ingest.pseudonymise import hash_column, load_key
from ingest.readers import Profile, read_file
from ingest.settings import DataPaths, data_paths
from ingest.validate import age_band, validate

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


def pseudonymise(rows: pl.DataFrame, contract: Contract, key: bytes) -> pl.DataFrame:
    """Replace references by keyed hashes, dates of birth by age bands; drop identifiers."""
    namespace = (
        pl.col(contract.ref_namespace) if contract.ref_namespace else pl.lit(contract.source)
    )
    replaced = {
        c.name: hash_column(rows, c.name, namespace, key)
        for c in contract.columns
        if c.kind == "ref"
    }
    rows = rows.with_columns(**replaced)
    dob = next((c.name for c in contract.columns if c.kind == "dob"), None)
    if dob:
        rows = rows.with_columns(
            age_band(pl.col(dob), pl.col(contract.event_date)).alias(
                f"{dob.split('_')[0]}_age_band"
            )
        )
    dropped = [c.name for c in contract.columns if c.kind in ("identifier", "dob")]
    return rows.drop(dropped)


def parse_record_source(path: Path, source: str, key: bytes, today: dt.date) -> Parsed:
    contract = CONTRACTS[source]
    read = read_file(path, source)
    checked = validate(read.frame, contract, read.profile, path.name, today)
    notes = list(read.notes)
    if read.dropped_columns:
        notes.append(
            f"{len(read.dropped_columns)} column(s) not in profile {read.profile.name} were "
            f"dropped unread: {', '.join(sorted(read.dropped_columns))}"
        )
    rows = pseudonymise(checked.accepted, contract, key)
    errors = read.row_errors + checked.errors
    return Parsed(rows, errors, read.rows_read, read.profile.name, notes)


def _published_parser(source: str) -> Callable[[Path], object]:
    from ingest import published_tables

    return {
        "home_office_prc": published_tables.read_home_office_prc,
        "ons_pfa_tables": published_tables.read_ons_pfa_tables,
        "ons_pfa_rolling": published_tables.read_ons_pfa_rolling,
    }[source]


def parse_published_source(path: Path, source: str) -> Parsed:
    from ingest import published_tables

    try:
        table = _published_parser(source)(path)
    except published_tables.FileRejected as exc:
        raise FileRejected(str(exc)) from exc
    errors = [RowError(e.row_number, e.column_name, e.rule, e.message) for e in table.errors]
    rows_read = table.frame.height + len(table.errors)
    notes = [table.period_note] if table.period_note else []
    return Parsed(table.frame, errors, rows_read, table.profile, notes)


def parse(path: Path, source: str, key: bytes, today: dt.date) -> Parsed:
    if source in CONTRACTS:
        return parse_record_source(path, source, key, today)
    return parse_published_source(path, source)


def empty_raw(source: str, key: bytes) -> pl.DataFrame:
    """A zero-row frame with the raw schema of a record-level source."""
    contract = CONTRACTS[source]
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


# The raw schema of each published-table source, as ingest.published_tables returns it.
PUBLISHED_RAW_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "home_office_prc": {
        "financial_year": pl.String,
        "fy_quarter": pl.String,
        "force_name": pl.String,
        "force_code": pl.String,
        "is_force": pl.Boolean,
        "offence_code": pl.String,
        "offence_description": pl.String,
        "offence_group": pl.String,
        "offence_subgroup": pl.String,
        "offences": pl.Int64,
        "_row_number": pl.Int64,
        "_sheet": pl.String,
    },
    "ons_pfa_tables": {
        "area_code": pl.String,
        "area_name": pl.String,
        "area_type": pl.String,
        "period_end": pl.Date,
        "offence_group": pl.String,
        "offences": pl.Int64,
        "offences_marker": pl.String,
        "rate_per_1000": pl.Float64,
        "rate_marker": pl.String,
        "population": pl.Int64,
        "_row_number": pl.Int64,
        "_sheet": pl.String,
    },
    "ons_pfa_rolling": {
        "period_end": pl.Date,
        "area_name": pl.String,
        "area_code": pl.String,
        "area_type": pl.String,
        "region": pl.String,
        "offence_group": pl.String,
        "offences": pl.Int64,
        "_row_number": pl.Int64,
    },
}


def empty_published_raw(source: str) -> pl.DataFrame:
    return pl.DataFrame(schema={**PUBLISHED_RAW_SCHEMAS[source], "_submission_id": pl.String})


def _content_hash(rows: pl.DataFrame) -> str:
    body = rows.drop("_row_number", strict=False).sort(pl.all()).write_csv()
    return hashlib.sha256(body.encode()).hexdigest()


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
        empty = empty_raw(source, key) if source in CONTRACTS else empty_published_raw(source)
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
    for path in _landed_files(paths, source):
        run.files_seen += 1
        stat = path.stat()
        relative = str(path.relative_to(paths.landing))
        if (relative, stat.st_size, stat.st_mtime_ns) in seen_stats:
            run.files_skipped += 1
            continue
        sha = sha256_file(path)
        if sha in known_shas:  # the same bytes again: recorded once, changes nothing
            run.files_skipped += 1
            continue
        record = _ingest_file(
            path, relative, sha, source, ledger, paths, key, today, accepted_content
        )
        known_shas.add(sha)
        run.statuses[record.status] = run.statuses.get(record.status, 0) + 1
        run.rows_accepted += record.rows_accepted if record.status != "duplicate" else 0
        run.rows_rejected += record.rows_rejected
        if record.status in ("accepted", "partially_accepted"):
            run.new_submissions.append(sha)
            if record.content_sha256:
                accepted_content.add(record.content_sha256)
    run.seconds = time.perf_counter() - started
    return run


def _ingest_file(
    path: Path,
    relative: str,
    sha: str,
    source: str,
    ledger: Ledger,
    paths: DataPaths,
    key: bytes,
    today: dt.date,
    accepted_content: set[str],
) -> LedgerRecord:
    stat = path.stat()
    ledger.archive(source, sha, path)
    base = dict(
        file_sha256=sha,
        source=source,
        file_name=path.name,
        landing_path=relative,
        file_size=stat.st_size,
        file_mtime_ns=stat.st_mtime_ns,
        received_at=dt.datetime.now(dt.UTC),
        ingest_seq=time.time_ns(),
        is_synthetic=SYNTHETIC_MARK in path.name.upper(),
    )
    try:
        parsed = parse(path, source, key, today)
    except FileRejected as exc:
        error = RowError(None, None, exc.rule, str(exc))
        ledger.quarantine(sha, source, path.name, [error])
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
    except Exception as exc:  # one broken file must never stop the others
        log.exception("unexpected error ingesting %s", path)
        message = (
            f"{path.name}: could not be read ({type(exc).__name__}); the file was "
            "quarantined whole. Report this with the file's SHA-256."
        )
        ledger.quarantine(
            sha, source, path.name, [RowError(None, None, "unreadable_file", message)]
        )
        record = LedgerRecord(
            **base,
            profile=None,
            rows_read=0,
            rows_accepted=0,
            rows_rejected=0,
            status="quarantined",
            message=message,
            content_sha256=None,
        )
        ledger.write(record)
        return record

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
