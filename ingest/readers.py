"""Profile-driven readers: CSV, XLSX and JSON Lines into a frame of standard text columns.

A profile (ingest/profiles/*.yaml, schema in the README there) says where the header is and
how the export's columns map to the national standard. Readers do no validation of values:
they return text, named as the standard, with `_row_number` as a person sees it in the file.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import fastexcel
import polars as pl
import yaml

from ingest.errors import FileRejected, RowError

PROFILES_DIR = Path(__file__).parent / "profiles"
HEADER_SEARCH_ROWS = 30
FORMAT_BY_SUFFIX = {
    ".csv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}


@dataclass(frozen=True)
class Profile:
    name: str
    source: str
    description: str
    format: str
    detect: tuple[str, ...]
    columns: dict[str, str]
    encoding: str = "utf-8"
    delimiter: str = ","
    sheet: str | None = None
    header_row: int | str = "auto"
    date_format: str = "%Y-%m-%d"
    datetime_format: str | None = None
    value_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    strip_zero_padding: tuple[str, ...] = ()
    derive_offence_code_from_subcode: bool = False
    constants: dict[str, str] = field(default_factory=dict)
    split_list: dict[str, str] = field(default_factory=dict)

    @property
    def is_standard(self) -> bool:
        return self.name.endswith("_standard")


@dataclass
class ReadResult:
    frame: pl.DataFrame  # standard text columns + _row_number
    profile: Profile
    dropped_columns: list[str]  # export columns not in the profile: dropped, never stored
    row_errors: list[RowError] = field(default_factory=list)  # unreadable single rows
    rows_read: int = 0


def _norm_header(cell: object) -> str:
    return " ".join(str(cell).replace("\ufeff", "").split()).lower() if cell is not None else ""


@lru_cache(maxsize=1)
def load_profiles() -> tuple[Profile, ...]:
    profiles = []
    for path in sorted(PROFILES_DIR.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        spec["detect"] = tuple(spec.get("detect", ()))
        spec["strip_zero_padding"] = tuple(spec.get("strip_zero_padding", ()))
        spec["value_maps"] = {
            column: {str(k): str(v) for k, v in mapping.items()}
            for column, mapping in (spec.get("value_maps") or {}).items()
        }
        profiles.append(Profile(**spec))
    return tuple(profiles)


def profiles_for(source: str) -> list[Profile]:
    """Legacy profiles first, the national standard last (its headings are the most generic)."""
    found = [p for p in load_profiles() if p.source == source]
    return sorted(found, key=lambda p: (p.is_standard, p.name))


def sniff_format(path: Path, data: bytes) -> str:
    """The format the bytes really are, so a CSV renamed .xlsx is named for what it is."""
    if not data.strip():
        raise FileRejected(f"{path.name}: the file is empty.", rule="empty_file")
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileRejected(
            f"{path.name}: this is an old binary Excel (.xls) file; save it as .xlsx or CSV.",
            rule="unsupported_format",
        )
    if data.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] in (b"{", b"["):
        return "jsonl"
    return "csv"


def read_file(path: Path, source: str) -> ReadResult:
    data = path.read_bytes()
    claimed = FORMAT_BY_SUFFIX.get(path.suffix.lower())
    actual = sniff_format(path, data)
    if claimed is None:
        raise FileRejected(
            f"{path.name}: unsupported file type '{path.suffix}'; send CSV, XLSX or JSON Lines.",
            rule="unsupported_format",
        )
    if claimed != actual:
        raise FileRejected(
            f"{path.name}: named as {claimed.upper()} but its content is {actual.upper()}; "
            "re-export it in the format its name says.",
            rule="wrong_format",
        )
    candidates = [p for p in profiles_for(source) if p.format == actual]
    if not candidates:
        raise FileRejected(
            f"{path.name}: no {actual.upper()} profile for source {source}.", rule="no_profile"
        )
    problems = []
    for profile in candidates:
        try:
            header_cells, locate = _header(path, data, profile)
        except FileRejected as exc:
            problems.append(str(exc))
            continue
        if locate is not None:
            return _read_with(path, data, profile, locate)
        problems.append(f"profile {profile.name}: header cells not found")
    seen = "; ".join(problems)
    raise FileRejected(
        f"{path.name}: no profile of {source} matches this file's header ({seen}). "
        "Check the required columns in SOURCES.md, or add a profile YAML for this export.",
        rule="missing_required_columns",
    )


# --- header location ---------------------------------------------------------------------


def _decode(path: Path, data: bytes, encoding: str) -> str:
    try:
        text = data.decode("utf-8-sig" if encoding.lower() in ("utf-8", "utf8") else encoding)
    except UnicodeDecodeError as exc:
        raise FileRejected(
            f"{path.name}: not valid {encoding} text at byte {exc.start}", rule="bad_encoding"
        ) from exc
    return text


def _header(path: Path, data: bytes, profile: Profile) -> tuple[list[str], int | None]:
    """Return the header cells and the 0-based row of the header (None: not this profile)."""
    wanted = {_norm_header(c) for c in profile.detect}
    if profile.format == "jsonl":
        first = _decode(path, data, profile.encoding).lstrip().split("\n", 1)[0]
        try:
            keys = set(_flatten(json.loads(first)))
        except json.JSONDecodeError:
            return [], None
        return sorted(keys), 0 if wanted <= {k.lower() for k in keys} else None
    rows = _top_rows(path, data, profile)
    fixed = profile.header_row
    candidates = range(len(rows)) if fixed == "auto" else [int(fixed) - 1]
    for index in candidates:
        if index < len(rows) and wanted <= {_norm_header(c) for c in rows[index]}:
            return [str(c) for c in rows[index]], index
    return [], None


def _top_rows(path: Path, data: bytes, profile: Profile) -> list[list[object]]:
    if profile.format == "csv":
        text = _decode(path, data, profile.encoding)
        lines = text.splitlines()[:HEADER_SEARCH_ROWS]
        return [line.split(profile.delimiter) for line in lines]
    sheet = _xlsx_sheet(path, data, profile, n_rows=HEADER_SEARCH_ROWS)
    return [list(r) for r in sheet.iter_rows()]


def _xlsx_sheet(path: Path, data: bytes, profile: Profile, n_rows: int | None = None):
    try:
        reader = fastexcel.read_excel(data)
        sheet = profile.sheet if profile.sheet is not None else 0
        frame = reader.load_sheet(
            sheet, header_row=None, n_rows=n_rows, dtypes="string", schema_sample_rows=0
        ).to_polars()
    except Exception as exc:  # calamine raises several types for a broken workbook
        raise FileRejected(
            f"{path.name}: cannot open the workbook ({exc})", rule="unreadable_file"
        ) from exc
    return frame


# --- reading ------------------------------------------------------------------------------


def _read_with(path: Path, data: bytes, profile: Profile, header_index: int) -> ReadResult:
    if profile.format == "jsonl":
        return _read_jsonl(path, data, profile)
    if profile.format == "csv":
        text = _decode(path, data, profile.encoding)
        _check_not_truncated(path, text, profile, header_index)
        try:
            frame = pl.read_csv(
                io.StringIO(text),
                skip_rows=header_index,
                separator=profile.delimiter,
                infer_schema=False,
            )
        except pl.exceptions.PolarsError as exc:
            raise FileRejected(
                f"{path.name}: cannot parse as CSV ({exc})", rule="unreadable_file"
            ) from exc
        # Line numbers as a person sees them: the header is line header_index + 1.
        first_data_line = header_index + 2
    else:
        sheet = _xlsx_sheet(path, data, profile)
        header = [
            str(c) if c is not None else f"_blank_{i}"
            for i, c in enumerate(sheet.row(header_index))
        ]
        frame = sheet.slice(header_index + 1)
        frame.columns = _dedupe(header)
        first_data_line = header_index + 2
    frame = frame.with_row_index("_row_number", offset=first_data_line)
    # Spreadsheets end with blank rows; they are not data.
    value_columns = [c for c in frame.columns if c != "_row_number"]
    frame = frame.filter(~pl.all_horizontal(pl.col(value_columns).is_null()))
    return _to_standard(frame, profile)


def _dedupe(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out


def _check_not_truncated(path: Path, text: str, profile: Profile, header_index: int) -> None:
    """A CSV cut off mid-row is unreadable as a whole: we cannot tell what else was lost."""
    if text.endswith(("\n", "\r")):
        return
    lines = text.splitlines()
    if len(lines) <= header_index + 1:
        return
    expected = lines[header_index].count(profile.delimiter)
    last = lines[-1]
    if last.count(profile.delimiter) < expected or last.count('"') % 2:
        raise FileRejected(
            f"{path.name}: truncated: line {len(lines)} ends after "
            f"{last.count(profile.delimiter) + 1} of {expected + 1} fields with no line end. "
            "Ask the sender for the complete file.",
            rule="truncated_file",
        )


def _flatten(obj: object, prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    if isinstance(obj, dict):
        for key, value in obj.items():
            out.update(_flatten(value, f"{prefix}{key}."))
    else:
        out[prefix[:-1]] = obj
    return out


def _read_jsonl(path: Path, data: bytes, profile: Profile) -> ReadResult:
    text = _decode(path, data, profile.encoding)
    records, errors = [], []
    keys: set[str] = set()
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            flat = _flatten(json.loads(line))
        except json.JSONDecodeError as exc:
            errors.append(
                RowError(
                    line_number,
                    None,
                    "invalid_json",
                    f"{path.name} line {line_number}: not valid JSON "
                    f"({exc.msg} at column {exc.colno}); the line was rejected.",
                )
            )
            continue
        keys.update(flat)
        flat = {k: (None if v is None else str(v)) for k, v in flat.items()}
        flat["_row_number"] = line_number
        records.append(flat)
    names = sorted(keys)
    frame = pl.DataFrame(
        {
            "_row_number": [r["_row_number"] for r in records],
            **{k: [r.get(k) for r in records] for k in names},
        },
        schema={"_row_number": pl.UInt32, **dict.fromkeys(names, pl.String)},
    )
    result = _to_standard(frame, profile)
    result.row_errors.extend(errors)
    result.rows_read += len(errors)
    return result


def _to_standard(frame: pl.DataFrame, profile: Profile) -> ReadResult:
    by_norm = {_norm_header(k): v for k, v in profile.columns.items()}
    renames, dropped = {}, []
    for column in frame.columns:
        if column == "_row_number":
            continue
        target = by_norm.get(_norm_header(column))
        if target is None or target in renames.values():
            dropped.append(column)
        else:
            renames[column] = target
    frame = frame.select(["_row_number", *renames]).rename(renames)
    frame = frame.with_columns(pl.col("_row_number").cast(pl.Int64))
    text_columns = [c for c in frame.columns if c != "_row_number"]
    frame = frame.with_columns(pl.col(c).str.strip_chars().replace("", None) for c in text_columns)
    for column, value in profile.constants.items():
        frame = frame.with_columns(pl.lit(str(value)).alias(column))
    frame = _apply_translations(frame, profile)
    return ReadResult(frame=frame, profile=profile, dropped_columns=dropped, rows_read=frame.height)


def _apply_translations(frame: pl.DataFrame, profile: Profile) -> pl.DataFrame:
    for column, mapping in profile.value_maps.items():
        if column not in frame.columns:
            continue
        lookup = {_map_key(k): v for k, v in mapping.items()}
        key = pl.col(column).str.to_lowercase().str.replace_all(r"\s+", "")
        frame = frame.with_columns(
            pl.coalesce(key.replace_strict(lookup, default=None), pl.col(column)).alias(column)
        )
    for column in profile.strip_zero_padding:
        if column in frame.columns:
            # 008/065 -> 8/65 and 008Q -> 8Q: drop zeros that lead a run of digits.
            frame = frame.with_columns(
                pl.col(column).str.replace_all(r"(^|[^0-9])0+([0-9])", "${1}${2}")
            )
    for column, separator in profile.split_list.items():
        if column in frame.columns:
            frame = frame.with_columns(
                pl.col(column).str.replace_all(re.escape(separator), ";", literal=False)
            )
    return frame


def _map_key(value: str) -> str:
    return "".join(str(value).split()).lower()
