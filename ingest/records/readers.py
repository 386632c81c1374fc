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
from ingest.files import KIND_LABEL, SNIFF_BYTES, decode, find_header, sniff

PROFILES_DIR = Path(__file__).resolve().parent.parent / "profiles"  # data, shared with synthetic/
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
    notes: list[str] = field(default_factory=list)  # for the ledger message


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


def read_file(path: Path, source: str) -> ReadResult:
    data = path.read_bytes()
    claimed = FORMAT_BY_SUFFIX.get(path.suffix.lower())
    actual = sniff(path, data[:SNIFF_BYTES])
    if actual == "empty":
        raise FileRejected(f"{path.name}: the file is empty.", rule="empty_file")
    if claimed is None:
        raise FileRejected(
            f"{path.name}: unsupported file type '{path.suffix}'; send CSV, XLSX or JSON Lines.",
            rule="unsupported_format",
        )
    if actual == "xls":
        raise FileRejected(
            f"{path.name}: this is an old binary Excel (.xls) file; save it as .xlsx or CSV.",
            rule="unsupported_format",
        )
    if actual in ("binary", "utf16", "zip", "damaged_zip", "ods"):
        raise FileRejected(
            f"{path.name}: the content is {KIND_LABEL[actual]}, not CSV, XLSX or JSON Lines "
            "text; re-export it as CSV in UTF-8, XLSX or JSON Lines.",
            rule="unreadable_file",
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
    unreadable, nearest = [], []
    for profile in candidates:
        try:
            header_cells, locate = _header(path, data, profile)
        except FileRejected as exc:
            unreadable.append(exc)
            continue
        if locate is not None:
            return _read_with(path, data, profile, locate)
        nearest.append((profile, _missing_detect_columns(path, data, profile)))
    if len(unreadable) == len(candidates):  # e.g. a workbook cut short: say so, not "header"
        raise unreadable[0]
    # The profile whose identifying columns the file comes closest to; its names, never the
    # file's header cells (which may hold anything).
    profile, missing = min(nearest, key=lambda pm: (len(pm[1]), not pm[0].is_standard))
    raise FileRejected(
        f"{path.name}: no profile of {source} matches this file's header. Nearest is "
        f"{profile.name}, whose required column(s) {', '.join(missing)} are missing in the "
        f"first {HEADER_SEARCH_ROWS} rows. Check the required columns in SOURCES.md, or add a "
        "profile YAML for this export.",
        rule="missing_required_columns",
    )


def _missing_detect_columns(path: Path, data: bytes, profile: Profile) -> list[str]:
    """The profile's identifying columns absent from the header row that has most of them."""
    wanted = [_norm_header(c) for c in profile.detect]
    if profile.format == "jsonl":
        lines = decode(path, data, profile.encoding, strict=False).split("\n")
        rows = [list(_flatten(r)) for r in map(_json_object, lines[:HEADER_SEARCH_ROWS]) if r]
    else:
        rows = _top_rows(path, data, profile)
    best: set[str] = set()
    for row in rows:
        found = {_norm_header(c) for c in row} & set(wanted)
        if len(found) > len(best):
            best = found
    return [c for c, key in zip(profile.detect, wanted, strict=True) if key not in best]


# --- header location ---------------------------------------------------------------------


def _json_object(line: str) -> dict | None:
    """The JSON object on one line; None if the line is not valid JSON or not an object."""
    try:
        value = json.loads(line)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def _header(path: Path, data: bytes, profile: Profile) -> tuple[list[str], int | None]:
    """Return the header cells and the 0-based row of the header (None: not this profile)."""
    wanted = {_norm_header(c) for c in profile.detect}
    if profile.format == "jsonl":
        # The first line that holds a JSON object identifies the export: a broken first line
        # is a row error like any other, not a reason to reject the file.
        lines = decode(path, data, profile.encoding, strict=False).split("\n")
        for line in lines[:HEADER_SEARCH_ROWS]:
            record = _json_object(line)
            if record is not None:
                keys = set(_flatten(record))
                return sorted(keys), 0 if wanted <= {k.lower() for k in keys} else None
        return [], None
    rows = _top_rows(path, data, profile)
    fixed = profile.header_row
    if fixed != "auto":  # a fixed header row: only that one
        rows = [rows[int(fixed) - 1]] if int(fixed) - 1 < len(rows) else []
    index = find_header(rows, lambda row: wanted <= {_norm_header(c) for c in row}, len(rows))
    if index is None:
        return [], None
    header_index = index if fixed == "auto" else int(fixed) - 1
    return [str(c) for c in rows[index]], header_index


def _top_rows(path: Path, data: bytes, profile: Profile) -> list[list[object]]:
    if profile.format == "csv":
        text = decode(path, data, profile.encoding, strict=False)
        lines = text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]
        return [line.split(profile.delimiter) for line in lines]
    sheet = _xlsx_sheet(path, data, profile, n_rows=HEADER_SEARCH_ROWS)
    return [list(r) for r in sheet.iter_rows()]


_last_sheet: dict[object, tuple[bytes, pl.DataFrame]] = {}


def _xlsx_sheet(path: Path, data: bytes, profile: Profile, n_rows: int | None = None):
    """The sheet as text cells. Header detection and reading ask for the same sheet of the
    same bytes several times (once per candidate profile): parse it once."""
    sheet = profile.sheet if profile.sheet is not None else 0
    cached_data, frame = _last_sheet.get(sheet, (None, None))
    if cached_data is not data:  # identity, not equality: the very same bytes object
        try:
            reader = fastexcel.read_excel(data)
            # Every cell as text (dtypes="string"): no type inference, so no sampling either.
            frame = reader.load_sheet(sheet, header_row=None, dtypes="string").to_polars()
        except Exception as exc:  # calamine raises several types for a broken workbook
            raise FileRejected(
                f"{path.name}: cannot open the workbook ({exc})", rule="unreadable_file"
            ) from exc
        _last_sheet.clear()
        _last_sheet[sheet] = (data, frame)
    return frame if n_rows is None else frame.head(n_rows)


# --- reading ------------------------------------------------------------------------------


def _read_with(path: Path, data: bytes, profile: Profile, header_index: int) -> ReadResult:
    if profile.format == "jsonl":
        return _read_jsonl(path, data, profile)
    errors: list[RowError] = []
    notes: list[str] = []
    if profile.format == "csv":
        text = decode(path, data, profile.encoding)
        _check_not_truncated(path, text, profile, header_index)
        frame, errors = _read_csv(path, text, profile, header_index)
    else:
        sheet = _xlsx_sheet(path, data, profile)
        header = [
            str(c) if c is not None else f"_blank_{i}"
            for i, c in enumerate(sheet.row(header_index))
        ]
        frame = sheet.slice(header_index + 1)
        frame.columns = _dedupe(header)
        # Spreadsheet rows as a person sees them: the header is row header_index + 1.
        frame = frame.with_row_index("_row_number", offset=header_index + 2)
        frame, footnotes = _drop_footnotes(frame)
        if footnotes:
            notes.append(f"{footnotes} note line(s) below the table were not read as data.")
    # Blank rows (spreadsheets end with them, CSVs have blank lines) are not data.
    value_columns = [c for c in frame.columns if c != "_row_number"]
    frame = frame.filter(~pl.all_horizontal(pl.col(value_columns).is_null()))
    result = _to_standard(frame, profile)
    result.row_errors.extend(errors)
    result.rows_read += len(errors)
    result.notes.extend(notes)
    return result


def _read_csv(
    path: Path, text: str, profile: Profile, header_index: int
) -> tuple[pl.DataFrame, list[RowError]]:
    """The rows below the header, with `_row_number` the line each row starts on.

    A row with more fields than the header (a value with an unquoted delimiter) cannot be
    mapped to columns without guessing: it is a row error and the rest of the file is read.
    Only when the strict parse meets such a row are spare columns, as wide as the widest line,
    added so the parser can read it at all.
    """
    delimiter = profile.delimiter
    data = text.encode()  # polars reads bytes faster than text
    lines = text.split("\n")

    def parse(names: list[str]) -> pl.DataFrame:
        return pl.read_csv(
            data,
            has_header=False,
            skip_lines=header_index + 1,
            separator=delimiter,
            schema=dict.fromkeys(names, pl.String),
            missing_columns="insert",
            truncate_ragged_lines=len(names) > len(header),
            raise_if_empty=False,
        )

    try:
        header_line = lines[header_index].encode()
        header = pl.read_csv(header_line, n_rows=0, separator=delimiter, infer_schema=False).columns
        spare: list[str] = []
        try:
            frame = parse(header)
        except pl.exceptions.PolarsError:  # some row has more fields than the header
            after_header = pl.Series(lines[header_index + 1 :], dtype=pl.String)
            widest = int(after_header.str.count_matches(delimiter, literal=True).max() or 0) + 1
            spare = [f"__extra_{i}" for i in range(max(1, widest - len(header)))]
            frame = parse([*header, *spare])
    except pl.exceptions.PolarsError as exc:
        raise FileRejected(
            f"{path.name}: cannot parse as CSV ({type(exc).__name__})", rule="unreadable_file"
        ) from exc
    # A quoted value with line breaks spans several lines: later rows start further down.
    breaks = pl.sum_horizontal(pl.all().str.count_matches("\n", literal=True).fill_null(0))
    first_line = header_index + 2  # the header is line header_index + 1
    frame = frame.select(
        (pl.int_range(pl.len()) + breaks.cum_sum() - breaks + first_line).alias("_row_number"),
        pl.all(),
    ).drop(spare)
    if not spare:
        return frame, []
    # Count each row's fields in its own lines, outside quoted values.
    starts = frame["_row_number"] - first_line
    row_of_line = starts.search_sorted(pl.int_range(after_header.len(), eager=True), side="right")
    fields = (
        pl.DataFrame({"row": row_of_line - 1, "line": after_header})
        .group_by("row", maintain_order=True)
        .agg(pl.col("line").str.join("\n"))
        .select(
            pl.col("line")
            .str.replace_all(r'"[^"]*"', "")
            .str.count_matches(delimiter, literal=True)
            .add(1)
            .alias("fields")
        )["fields"]
    )
    overflow = fields.head(frame.height) > len(header)
    errors = [
        RowError(
            line,
            None,
            "too_many_fields",
            f"{path.name} line {line}: more fields than the {len(header)} columns of the "
            "header (a value with an unquoted delimiter?); the row was quarantined, the rest "
            "of the file was accepted.",
        )
        for line in frame.filter(overflow)["_row_number"].to_list()
    ]
    return frame.filter(~overflow), errors


def _drop_footnotes(frame: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Notes under a spreadsheet table ("Source: ...") are rows with at most one filled cell
    after the last row with two or more; no source's data row has fewer than three values."""
    values = [c for c in frame.columns if c != "_row_number"]
    filled = pl.sum_horizontal(pl.col(values).is_not_null().cast(pl.Int32))
    last_data = frame.select(pl.col("_row_number").filter(filled > 1).max()).item()
    if last_data is None:
        return frame, 0
    footer = frame.filter((pl.col("_row_number") > last_data) & (filled == 1))
    return frame.filter(pl.col("_row_number") <= last_data), footer.height


def _dedupe(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out


def _check_not_truncated(path: Path, text: str, profile: Profile, header_index: int) -> None:
    """A CSV cut off mid-row is unreadable as a whole: we cannot tell what else was lost."""
    if text.endswith("\n"):
        return
    lines = text.split("\n")
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


def _read_jsonl_fast(text: str) -> pl.DataFrame | None:
    """polars' own NDJSON reader, for the common case of a clean file (no blank or broken
    lines): nested objects flattened to dotted names, every value as text. None otherwise."""
    lines = text.rstrip("\n").split("\n")
    if not lines or any(not line.strip() for line in lines):
        return None
    try:
        frame = pl.read_ndjson(io.StringIO(text), infer_schema_length=None)
        while structs := [c for c, t in frame.schema.items() if isinstance(t, pl.Struct)]:
            for column in structs:
                fields = [f"{column}.{f.name}" for f in frame.schema[column].fields]
                frame = frame.with_columns(pl.col(column).struct.rename_fields(fields))
                frame = frame.unnest(column)
        frame = frame.select(pl.all().cast(pl.String))
    except (pl.exceptions.PolarsError, ValueError, TypeError):
        return None
    if frame.height != len(lines):
        return None
    return frame.with_row_index("_row_number", offset=1).with_columns(
        pl.col("_row_number").cast(pl.UInt32)
    )


def _read_jsonl(path: Path, data: bytes, profile: Profile) -> ReadResult:
    text = decode(path, data, profile.encoding)
    fast = _read_jsonl_fast(text)
    if fast is not None:
        return _to_standard(fast, profile)
    records, errors = [], []
    keys: set[str] = set()
    for line_number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            problem = None if isinstance(record, dict) else "a JSON value but not an object"
        except json.JSONDecodeError as exc:
            problem = f"not valid JSON ({exc.msg} at column {exc.colno})"
        if problem:
            errors.append(
                RowError(
                    line_number,
                    None,
                    "invalid_json",
                    f"{path.name} line {line_number}: {problem}; the line was quarantined, "
                    "the rest of the file was accepted.",
                )
            )
            continue
        flat = _flatten(record)
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
