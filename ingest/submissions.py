"""Submission identity and what a submission changes (docs/SOURCES.md, "Submissions").

Identity. Each file yields a submitter, the periods it declares and an extraction date, from
(in this order) a sidecar manifest `<file name>.manifest.json`:

    {"submitter": "E23000032", "periods": ["2025/26-Q3"], "extracted": "2026-01-05"}

or the file-name convention `[SYNTHETIC_]<source>_<submitter>_<period>_<YYYY-MM-DD>.<ext>`
(each part optional, e.g. `force_crimes_E23000032_2025-26_Q3_2026-01-05.csv`; a yearly
source's period is its financial year, `training_returns_E23000032_2025-26_2026-05-05.csv`),
else nothing:
an undeclared file's scope is the (submitter, period) pairs its rows name, and its extraction
date is the file's modification time.

Scope. A submission replaces, for its source, every period key (`ingest.sources.Source`) in
its scope: the keys its rows name, and, when it declares periods, every key now in force for
the declared submitter and periods (so a nil return or a smaller resend zeroes what it no
longer holds). Rows outside a declared scope are row errors.

Which submission is in force for a key: the latest extraction date; on the same extraction
date, the later arrival (ingest order). Never the moment the pipeline happened to read it.

Decision. A submission that wins none of its keys is `stale` (it changes nothing). One that
would remove more than half of the rows in force for a key (a nil return excepted: it says
so explicitly), or that replaces periods from an undeclared file naming several submitters,
is `held`: its rows are kept but not used until someone confirms it with

    python -m ingest.submissions confirm <record_id>

and the ledger message says what it would change.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ingest import areas
from ingest.arrival import MANIFEST_SUFFIX
from ingest.errors import RowError
from ingest.sources import Source

HOLD_SHARE = 0.5  # a replacement keeping fewer than this share of a key's rows is held
PERIODS_SCHEMA = pl.List(
    pl.Struct(
        {
            "period_key": pl.String,
            "submitter": pl.String,
            "period": pl.String,
            "rows": pl.Int64,
        }
    )
)

_EXTRACTED_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_QUARTER_RE = re.compile(r"^(\d{4})[-/](\d{2})[-_]?(Q[1-4])$", re.IGNORECASE)
_FY_RE = re.compile(r"^(\d{4})-(\d{2})$")
_MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_FORCE_CODE_RE = re.compile(r"^(?:[EW]\d{8}|BTP)$", re.IGNORECASE)


@dataclass(frozen=True)
class Identity:
    submitter: str | None  # as the scope column holds it (a force code, a service name)
    periods: tuple[str, ...]  # declared period tokens, e.g. '2025/26|Q3' or '2025-10'
    extracted_at: dt.datetime
    extraction_source: str  # manifest, file name, modification time
    problems: tuple[str, ...] = ()  # declarations that could not be read (for the message)

    @property
    def declared(self) -> bool:
        return bool(self.periods)


def _fy_ok(start: str, end: str) -> bool:
    return (int(start) + 1) % 100 == int(end)


def _quarter_token(text: str) -> str | None:
    match = _QUARTER_RE.match(text.strip())
    if match and _fy_ok(match.group(1), match.group(2)):
        return f"{match.group(1)}/{match.group(2)}|{match.group(3).upper()}"
    return None


def _year_token(text: str) -> str | None:
    """'2024/25' for a financial year written 2024/25 or 2024-25."""
    match = re.match(r"^(\d{4})[-/](\d{2})$", text.strip())
    if match and _fy_ok(match.group(1), match.group(2)):
        return f"{match.group(1)}/{match.group(2)}"
    return None


def months_of_quarter(token: str) -> list[str]:
    fy, quarter = token.split("|")
    start = int(fy[:4])
    first = 4 + 3 * (int(quarter[1]) - 1)
    months = []
    for month in range(first, first + 3):
        year, month_ = (start, month) if month <= 12 else (start + 1, month - 12)
        months.append(f"{year}-{month_:02d}")
    return months


def quarter_of_month(token: str) -> str:
    year, month = int(token[:4]), int(token[5:7])
    fy = year if month >= 4 else year - 1
    return f"{fy}/{(fy + 1) % 100:02d}|Q{(month + 8) % 12 // 3 + 1}"


def _period_tokens(values: list[str], grain: str) -> tuple[list[str], list[str]]:
    """Declared periods as tokens of the source's grain, and the ones that could not be read."""
    tokens, problems = [], []
    for value in values:
        quarter = _quarter_token(value)
        month = value.strip() if _MONTH_RE.match(value.strip()) else None
        if grain == "quarter" and quarter:
            tokens.append(quarter)
        elif grain == "quarter" and month:
            tokens.append(quarter_of_month(month))
        elif grain == "month" and quarter:
            tokens.extend(months_of_quarter(quarter))
        elif grain == "month" and month:
            tokens.append(month)
        elif grain == "year" and _year_token(value):
            tokens.append(_year_token(value))
        elif grain == "year" and quarter:
            tokens.append(quarter.split("|")[0])
        else:
            problems.append(
                "a declared period is not a quarter like 2025/26-Q3, a month or, for a yearly "
                "return, a financial year like 2025-26"
            )
    return sorted(set(tokens)), problems


def _submitter_value(source: Source, text: str) -> str | None:
    if source.submitter == "force_code":
        return areas.resolve_force(text)
    return text.strip() or None


def _from_name(path: Path, source: Source) -> tuple[str | None, list[str], str | None]:
    stem = path.name.split(".")[0]
    stem = stem.removeprefix("SYNTHETIC_")
    if not stem.startswith(source.name + "_"):
        return None, [], None
    parts = stem[len(source.name) + 1 :].split("_")
    submitter, periods, extracted = None, [], None
    i = 0
    while i < len(parts):
        part = parts[i]
        following = parts[i + 1] if i + 1 < len(parts) else ""
        if _FY_RE.match(part) and re.match(r"^Q[1-4]$", following, re.IGNORECASE):
            periods.append(f"{part}-{following}")
            i += 2
            continue
        if source.period_grain == "year" and _year_token(part):
            periods.append(part)  # a yearly return names its financial year, 2025-26
        elif _QUARTER_RE.match(part) or _MONTH_RE.match(part):
            periods.append(part)
        elif _EXTRACTED_RE.match(part):
            extracted = part
        elif _FORCE_CODE_RE.match(part) and source.submitter == "force_code":
            submitter = part
        i += 1
    return submitter, periods, extracted


def identity(path: Path, source: Source, mtime_ns: int) -> Identity:
    """The file's declared identity: manifest, else file name, else its rows and mtime."""
    submitter_text, period_texts, extracted_text = _from_name(path, source)
    origin = "file name" if (submitter_text or period_texts or extracted_text) else None
    problems: list[str] = []
    manifest = path.with_name(path.name + MANIFEST_SUFFIX)
    if manifest.is_file() and not manifest.is_symlink():
        try:
            spec = json.loads(manifest.read_text(encoding="utf-8"))
            if not isinstance(spec, dict):
                raise ValueError("not a JSON object")
            submitter_text = spec.get("submitter", submitter_text)
            period_texts = [str(p) for p in spec.get("periods", period_texts) or []]
            extracted_text = spec.get("extracted", extracted_text)
            origin = "manifest"
        except (OSError, ValueError) as exc:
            problems.append(
                f"the manifest {manifest.name} could not be read ({type(exc).__name__})"
            )
    submitter = None
    if submitter_text and source.submitter:
        submitter = _submitter_value(source, str(submitter_text))
        if submitter is None:
            problems.append("the declared submitter is not one the reference knows")
    tokens, period_problems = _period_tokens(period_texts, source.period_grain)
    problems += period_problems
    extracted_at, extraction_source = None, "modification time"
    if extracted_text:
        try:
            day = dt.date.fromisoformat(str(extracted_text))
            extracted_at = dt.datetime.combine(day, dt.time(), dt.UTC)
            extraction_source = origin or "file name"
        except ValueError:
            problems.append("the declared extraction date is not a date like 2026-01-05")
    if extracted_at is None:
        extracted_at = dt.datetime.fromtimestamp(mtime_ns / 1e9, dt.UTC)
    return Identity(submitter, tuple(tokens), extracted_at, extraction_source, tuple(problems))


# --- period keys of rows ---------------------------------------------------------------------


def _part(spec: str) -> pl.Expr:
    kind, _, column = spec.partition(":")
    if not column:
        return pl.col(kind).cast(pl.String)
    day = pl.col(column)
    year, month = day.dt.year().cast(pl.Int32), day.dt.month().cast(pl.Int32)
    if kind == "month":
        return day.dt.strftime("%Y-%m")
    fy = pl.when(month >= 4).then(year).otherwise(year - 1)
    if kind == "financial_year":
        return fy.cast(pl.String) + "/" + ((fy + 1) % 100).cast(pl.String).str.zfill(2)
    if kind == "fy_quarter":
        return "Q" + ((month + 8) % 12 // 3 + 1).cast(pl.String)
    raise ValueError(f"unknown period part {spec}")


def keyed(rows: pl.DataFrame, source: Source) -> pl.DataFrame:
    """The rows with `_period_key`, `_submitter` and `_period` (the period token)."""
    period = pl.concat_str([_part(p) for p in source.period], separator="|")
    key = pl.concat_str([*(pl.col(c).cast(pl.String) for c in source.scope), period], separator="|")
    submitter = pl.col(source.submitter) if source.submitter else pl.lit(None, pl.String)
    return rows.with_columns(
        key.alias("_period_key"), submitter.alias("_submitter"), period.alias("_period")
    )


def key_parts(source: Source, period_key: str) -> dict[str, str]:
    """The inverse of `keyed`: a period key's values by name, the scope columns' then each
    period part's (its kind, e.g. `fy_quarter`, or its column, e.g. `period_end`)."""
    names = [*source.scope, *(spec.partition(":")[0] for spec in source.period)]
    return dict(zip(names, period_key.split("|"), strict=False))


def out_of_scope(
    rows: pl.DataFrame, source: Source, ident: Identity, file_label: str
) -> tuple[pl.DataFrame, list[RowError]]:
    """Rows outside the declared submitter or periods become row errors."""
    if rows.is_empty() or not (ident.declared or ident.submitter):
        return rows, []
    outside = pl.lit(False)
    if ident.submitter:
        outside = outside | (pl.col("_submitter") != ident.submitter)
    if ident.declared:
        outside = outside | ~pl.col("_period").is_in(list(ident.periods))
    flagged = rows.with_columns(outside.fill_null(True).alias("_outside"))
    column = source.submitter if ident.submitter else None
    where = f", column {column}" if column else ""
    errors = [
        RowError(
            row,
            column,
            "outside_declared_scope",
            f"{file_label} row {row}{where}: outside the submitter and periods this file "
            "declares (its name or manifest); the row was quarantined, and it replaces "
            "nothing for another submitter or period.",
        )
        for row in flagged.filter(pl.col("_outside"))["_row_number"].to_list()
    ]
    return flagged.filter(~pl.col("_outside")).drop("_outside"), errors


# --- what is in force --------------------------------------------------------------------------


@dataclass(frozen=True)
class InForce:
    record_id: str
    rows: int
    extracted_at: dt.datetime
    ingest_seq: int
    submitter: str | None
    period: str


@dataclass
class State:
    """For one source, the submission in force for each period key."""

    keys: dict[str, InForce] = field(default_factory=dict)

    @classmethod
    def from_ledger(cls, records: pl.DataFrame) -> State:
        state = cls()
        usable = records.filter(
            pl.col("status").is_in(["accepted", "partially_accepted"])
            & (pl.col("validation") != "failed")
            & pl.col("periods").is_not_null()
        )
        for record in usable.sort("ingest_seq").iter_rows(named=True):
            for p in record["periods"]:
                state.offer(
                    p["period_key"],
                    InForce(
                        record["record_id"],
                        p["rows"],
                        record["extracted_at"],
                        record["ingest_seq"],
                        p["submitter"],
                        p["period"],
                    ),
                )
        return state

    def offer(self, key: str, candidate: InForce) -> None:
        if wins(candidate, self.keys.get(key)):
            self.keys[key] = candidate


def wins(candidate: InForce, current: InForce | None) -> bool:
    """The tie rule: later extraction date; on the same date, the later arrival."""
    if current is None:
        return True
    return (candidate.extracted_at, candidate.ingest_seq) >= (
        current.extracted_at,
        current.ingest_seq,
    )


@dataclass
class Decision:
    status: str | None  # stale, held, or None (the submission goes ahead)
    periods: list[dict]  # the ledger's `periods`: key, submitter, period, rows
    notes: list[str]


def decide(
    source: Source,
    rows: pl.DataFrame,
    ident: Identity,
    state: State,
    rows_read: int,
    record_id: str,
    seq: int,
) -> Decision:
    """Scope, and whether the submission is stale, held or goes ahead (module doc)."""
    counts = (
        rows.group_by("_period_key", "_submitter", "_period").len().iter_rows()
        if not rows.is_empty()
        else []
    )
    scope: dict[str, dict] = {
        key: {"period_key": key, "submitter": sub, "period": period, "rows": n}
        for key, sub, period, n in counts
    }
    if ident.declared:  # what is in force within the declared scope and not resent: zeroed
        if source.submitter is None:
            covered = None  # one submitter for the whole source (the CPS, the helpline)
        elif ident.submitter is not None:
            covered = {ident.submitter}
        else:
            covered = {p["submitter"] for p in scope.values()}
        for key, current in state.keys.items():
            if key in scope or current.period not in ident.periods:
                continue
            if covered is None or current.submitter in covered:
                scope[key] = {
                    "period_key": key,
                    "submitter": current.submitter,
                    "period": current.period,
                    "rows": 0,
                }
    notes: list[str] = []
    me = InForce(record_id, 0, ident.extracted_at, seq, ident.submitter, "")
    won = [k for k in scope if wins(me, state.keys.get(k))]
    lost = [k for k in scope if k not in won]
    periods = sorted(scope.values(), key=lambda p: p["period_key"])
    if scope and not won:
        newest = max(state.keys[k].extracted_at for k in lost)
        return Decision(
            "stale",
            periods,
            [
                f"stale: extracted {ident.extracted_at:%Y-%m-%d} ({ident.extraction_source}), "
                f"older than the submission in force for all {len(lost)} of its period(s) "
                f"(extracted up to {newest:%Y-%m-%d}); it changes nothing."
            ],
        )
    if lost:
        notes.append(f"{len(lost)} of its {len(scope)} period(s) stay with a later extraction.")
    nil_return = rows_read == 0
    shrinking = [
        (k, state.keys[k].rows, scope[k]["rows"])
        for k in won
        if k in state.keys
        and state.keys[k].rows > 0
        and scope[k]["rows"] < HOLD_SHARE * state.keys[k].rows
        and not nil_return
    ]
    submitters = {p["submitter"] for p in scope.values() if p["submitter"] is not None}
    replaces = [k for k in won if k in state.keys]
    several = ident.submitter is None and len(submitters) > 1 and replaces
    if shrinking or several:
        changes = shrinking or [(k, state.keys[k].rows, scope[k]["rows"]) for k in replaces]
        shown = "; ".join(f"{k}: {old} rows → {new}" for k, old, new in changes[:10])
        more = f" and {len(changes) - 10} more" if len(changes) > 10 else ""
        why = (
            "it would remove more than half of the rows in force"
            if shrinking
            else f"an undeclared file naming {len(submitters)} submitters replaces their periods"
        )
        return Decision(
            "held",
            periods,
            [
                f"held: {why} ({shown}{more}). Nothing changed; if this is right, run "
                f"`python -m ingest.submissions confirm {record_id}`."
            ],
        )
    if nil_return:
        if scope:
            notes.append(f"nil return: {len(scope)} period(s) now hold no rows.")
        else:
            notes.append("it declares no submitter and period, so it replaces nothing.")
    return Decision(None, periods, notes)


# --- confirming a held submission -------------------------------------------------------------


def confirm(record_id: str, paths=None) -> str:
    """Release a held submission: its rows go into force at the next pipeline run."""
    from ingest.ledger import Ledger
    from ingest.lock import data_dir_lock
    from ingest.settings import data_paths

    paths = paths or data_paths()
    with data_dir_lock(paths.root):
        ledger = Ledger(paths.ledger, paths.quarantine, paths.archive)
        record = ledger.record(record_id)
        if record is None:
            raise LookupError(f"no ledger record {record_id}")
        if record["status"] != "held":
            raise ValueError(f"{record_id} is {record['status']}, not held; nothing to confirm")
        status = "partially_accepted" if record["rows_rejected"] else "accepted"
        when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        ledger.update(
            record_id,
            status=status,
            validation="pending",
            message=f"{record['message']} Confirmed {when}: now {status}.",
        )
        return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest.submissions")
    commands = parser.add_subparsers(dest="command", required=True)
    confirm_parser = commands.add_parser("confirm", help="release a held submission")
    confirm_parser.add_argument("record_id")
    commands.add_parser("held", help="list held submissions")
    args = parser.parse_args(argv)
    from ingest.ledger import Ledger
    from ingest.settings import data_paths

    paths = data_paths()
    if args.command == "held":
        records = Ledger(paths.ledger, paths.quarantine, paths.archive).records()
        for record in records.filter(pl.col("status") == "held").iter_rows(named=True):
            print(f"{record['record_id']}  {record['landing_path']}  {record['message']}")
        return 0
    try:
        status = confirm(args.record_id, paths)
    except (LookupError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{args.record_id}: confirmed, now {status}; run the pipeline to publish it.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
