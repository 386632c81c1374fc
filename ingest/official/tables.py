"""Readers for the published statistics users download and drop in (SOURCES.md section 6).

Three readers turn real published files into tidy polars frames:

- :func:`read_home_office_prc`: Home Office police recorded crime open data tables, police force
  area level (ODS/XLSX with one sheet per financial year, or CSV).
- :func:`read_ons_pfa_tables`: the ONS "Police force area data tables" workbook (Tables P1 and
  P3) published with "Crime in England and Wales".
- :func:`read_ons_pfa_rolling`: the ONS rolling-year CSV of recorded crime by police force area.

Each returns a :class:`ParsedTable`: the good rows, a :class:`RowError` for each bad row (the
row is left out of the frame), the name of the layout it recognised (``profile``, for the
ledger) and a sentence about the period the file covers. A file that cannot be read at all
raises :class:`FileRejected` with a message naming the file and the problem.

The readers are written for editions nobody has seen yet: headings are matched case-, space-
and punctuation-insensitively with ``[note N]`` markers removed, header rows are found by
their content rather than their position, cover/notes/contents sheets are skipped, and force
names go through one resolver (:func:`resolve_force_name`) backed by the force reference seed.

Row errors: for the Home Office and rolling-year readers each RowError is one row left out,
so ``rows_read = frame.height + len(errors)``. In the ONS tables one sheet row carries many
figures: an unreadable area gives one RowError for the sheet row (all its figures are left
out); an unreadable cell gives one RowError for that figure only.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import polars as pl

from ingest.errors import FileRejected as _BaseFileRejected
from ingest.settings import SEEDS_DIR

__all__ = [
    "AreaMatch",
    "FileRejected",
    "ParsedTable",
    "RowError",
    "area_type_for_code",
    "clean_heading",
    "normalise_name",
    "read_home_office_prc",
    "read_ons_pfa_rolling",
    "read_ons_pfa_tables",
    "resolve_force_name",
]

FORCE_REFERENCE = SEEDS_DIR / "ref_forces.csv"

NON_FORCE_BODIES = ("Action Fraud", "CIFAS", "UK Finance")


# --------------------------------------------------------------------------------------------
# Result types


@dataclass(frozen=True)
class RowError:
    row_number: int | None  # row a person would see: 1-based sheet row, or CSV line (header = 1)
    column_name: str | None
    rule: str  # short snake_case rule id, e.g. 'unknown_force', 'not_a_number'
    message: str  # names the file, sheet, row, column and what to do
    sheet: str | None = None


class FileRejected(_BaseFileRejected):
    """The file cannot be read at all; the message names the file and the problem."""


@dataclass(frozen=True)
class ParsedTable:
    frame: pl.DataFrame
    errors: list[RowError]
    profile: str
    period_note: str | None


# --------------------------------------------------------------------------------------------
# Text helpers

_WS_RE = re.compile(r"\s+")
_NOTE_RE = re.compile(r"\[\s*notes?\b[^\]]*\]", re.IGNORECASE)
_NON_ALNUM_RE = re.compile(r"[^a-z0-9]+")


def clean_heading(value: object) -> str:
    """A heading or label as a person reads it: ``[note N]`` removed, whitespace collapsed."""
    if value is None:
        return ""
    text = _NOTE_RE.sub(" ", str(value)).replace("\u00a0", " ")
    return _WS_RE.sub(" ", text).strip()


def normalise_name(value: object) -> str:
    """Matching key: lower case, '&' as 'and', notes and punctuation removed, spaces collapsed."""
    text = clean_heading(value).lower().replace("&", " and ")
    text = text.replace("\u2019", "").replace("'", "")
    return " ".join(_NON_ALNUM_RE.sub(" ", text).split())


def _cell_text(value: object) -> str:
    return "" if value is None else str(value).strip()


# --------------------------------------------------------------------------------------------
# Areas and the shared force-name resolver


@dataclass(frozen=True)
class AreaMatch:
    code: str | None  # ONS/GSS code, 'BTP', or None for non-force bodies (Action Fraud, ...)
    name: str  # the reference's name for the area
    area_type: str  # 'national', 'country', 'region', 'force' or 'other'
    is_force: bool  # a police force (territorial or BTP), as opposed to a total or other body


def area_type_for_code(code: str | None) -> str:
    """'national', 'country', 'region', 'force' or 'other' from a GSS code's prefix."""
    if not code:
        return "other"
    code = code.strip().upper()
    if code.startswith(("K02", "K03", "K04")):
        return "national"
    if code[:3] in ("E92", "W92", "S92", "N92"):
        return "country"
    if code.startswith("E12"):
        return "region"
    if code.startswith(("E23", "W15")):
        return "force"
    return "other"


_POLICE_WORDS = frozenset({"police", "constabulary", "service", "force", "the"})


def _strip_police_words(key: str) -> str:
    return " ".join(word for word in key.split() if word not in _POLICE_WORDS)


@lru_cache(maxsize=8)
def _area_lookup(reference: str) -> tuple[dict[str, AreaMatch], dict[str, AreaMatch]]:
    """(exact, stripped) lookups from normalised names to areas, built from the force seed."""
    exact: dict[str, AreaMatch] = {}

    def add(name: str, match: AreaMatch) -> None:
        key = normalise_name(name)
        if key:
            exact.setdefault(key, match)

    with open(reference, encoding="utf-8-sig", newline="") as handle:
        ref_rows = list(csv.DictReader(handle))
    for row in ref_rows:
        code = row["force_code"].strip()
        territorial = row.get("is_territorial", "true").strip().lower() == "true"
        match = AreaMatch(
            code, row["force_name"].strip(), "force" if territorial else "other", True
        )
        for name in [code, row["force_name"], *(row.get("aliases") or "").split("|")]:
            add(name, match)
    for row in ref_rows:
        region_code = (row.get("region_code") or "").strip()
        if region_code:
            kind = area_type_for_code(region_code)
            add(region_code, AreaMatch(region_code, row["region_name"].strip(), kind, False))
            add(row["region_name"], AreaMatch(region_code, row["region_name"].strip(), kind, False))
    national = AreaMatch("K04000001", "England and Wales", "national", False)
    for name in ("K04000001", "England and Wales", "England & Wales"):
        add(name, national)
    for code, name in (("E92000001", "England"), ("W92000004", "Wales")):
        for label in (code, name):
            add(label, AreaMatch(code, name, "country", False))
    add(
        "East of England", exact.get("e12000006") or AreaMatch("E12000006", "East", "region", False)
    )
    add("Yorkshire and Humber", AreaMatch("E12000003", "Yorkshire and The Humber", "region", False))
    for body in NON_FORCE_BODIES:
        add(body, AreaMatch(None, body, "other", False))
    add("Financial Fraud Action UK", AreaMatch(None, "UK Finance", "other", False))

    stripped: dict[str, AreaMatch] = {}
    ambiguous: set[str] = set()
    for key, match in exact.items():
        short = _strip_police_words(key)
        if not short:
            continue
        if short in stripped and stripped[short] != match:
            ambiguous.add(short)
        stripped.setdefault(short, match)
    for short in ambiguous:
        del stripped[short]
    return exact, stripped


def resolve_force_name(name: object, reference: Path | str | None = None) -> AreaMatch | None:
    """Resolve a published force or area name (or code) to an area, or None if unknown.

    Matching ignores case, spacing, punctuation, ``[note N]`` markers and '&' versus 'and',
    and goes through the aliases in the force reference (``London, City of`` is City of
    London, ``E23000034``). Only if that fails are the words 'police', 'constabulary',
    'service' and 'force' dropped (``Kent Police`` is Kent). British Transport Police is
    code ``BTP``; Action Fraud, CIFAS and UK Finance resolve to code None, type 'other'.
    """
    exact, stripped = _area_lookup(str(reference or FORCE_REFERENCE))
    key = normalise_name(name)
    if not key:
        return None
    found = exact.get(key)
    if found is None:
        found = stripped.get(_strip_police_words(key))
    return found


def _force_codes(reference: Path | str | None = None) -> frozenset[str]:
    exact, _ = _area_lookup(str(reference or FORCE_REFERENCE))
    return frozenset(m.code for m in exact.values() if m.is_force and m.code)


# --------------------------------------------------------------------------------------------
# File type checks

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EXTENSION_KIND = {
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".ods": "ods",
    ".xls": "xls",
}
_KIND_LABEL = {
    "csv": "CSV text",
    "xlsx": "an Excel workbook (XLSX)",
    "ods": "an OpenDocument spreadsheet (ODS)",
    "xls": "an old-style Excel workbook (XLS)",
}


def _sniff_kind(head: bytes, path: Path) -> str:
    """What the bytes actually are: 'xlsx', 'ods', 'xls', 'zip', 'csv' or 'binary'."""
    if head.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                if "mimetype" in names:
                    mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                    if mimetype == "application/vnd.oasis.opendocument.spreadsheet":
                        return "ods"
                if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
                    return "xlsx"
        except zipfile.BadZipFile:
            return "binary"
        return "zip"
    if head.startswith(_OLE_MAGIC):
        return "xls"
    if b"\x00" in head:
        return "binary"
    return "csv"


def _check_file(path: Path, allowed: Sequence[str], what: str) -> str:
    """The file's kind, checked against its extension; FileRejected if it cannot be read."""
    name = path.name
    if not path.is_file():
        raise FileRejected(f"{name}: the file does not exist or is not a regular file.")
    kind = _EXTENSION_KIND.get(path.suffix.lower())
    if kind is None or kind not in allowed:
        wanted = ", ".join(sorted({ext for ext, k in _EXTENSION_KIND.items() if k in allowed}))
        raise FileRejected(
            f"{name}: a {what} must be a {wanted} file; '{path.suffix or '(no extension)'}' "
            "files are not read. Save it in one of those formats and drop it in again."
        )
    if path.stat().st_size == 0:
        raise FileRejected(f"{name}: the file is empty (0 bytes).")
    with open(path, "rb") as handle:
        head = handle.read(8192)
    actual = _sniff_kind(head, path)
    if kind == "csv" and actual == "csv" and not head.strip(b"\xef\xbb\xbf \t\r\n"):
        raise FileRejected(f"{name}: the file is empty (it holds only blank lines).")
    if actual != kind:
        described = {
            "zip": "a ZIP archive that is not a spreadsheet",
            "binary": "binary data (or a damaged file)",
        }.get(actual, _KIND_LABEL.get(actual, actual))
        raise FileRejected(
            f"{name}: the extension says {_KIND_LABEL[kind]} but the file is {described}. "
            "Download the file again, or save it in the format its name claims."
        )
    return kind


# --------------------------------------------------------------------------------------------
# Grids: every cell as text, with the row number a person sees


@dataclass
class _Block:
    """A table found in a sheet or CSV: its headings and the data rows below them."""

    headings: list[str]  # cell text as published, one per column c0..cN
    data: pl.DataFrame  # string columns c0..cN plus _row_number (Int64)
    sheet: str | None


class _Workbook:
    def __init__(self, path: Path, kind: str) -> None:
        self.path = path
        self.kind = kind
        self._reader = None
        self._pandas: dict[str, pl.DataFrame] | None = None
        try:
            import fastexcel

            self._reader = fastexcel.read_excel(str(path))
            self.sheet_names: list[str] = list(self._reader.sheet_names)
        except Exception as exc:  # calamine could not open it: try pandas for ODS, else reject
            if kind != "ods":
                raise FileRejected(
                    f"{path.name}: the workbook cannot be opened ({_short(exc)}). It may be "
                    "damaged or password-protected: download it again."
                ) from exc
            self._pandas = _read_ods_with_pandas(path)
            self.sheet_names = list(self._pandas)

    def grid(self, sheet: str) -> pl.DataFrame:
        """Every cell of a sheet as text (columns c0..), plus the sheet row number."""
        if self._pandas is not None:
            frame = self._pandas[sheet]
        else:
            try:
                loaded = self._reader.load_sheet(
                    sheet, header_row=None, dtypes="string", skip_rows=0
                )
                frame = loaded.to_polars()
            except Exception as exc:
                raise FileRejected(
                    f"{self.path.name}: sheet '{sheet}' cannot be read ({_short(exc)})."
                ) from exc
        frame = frame.rename({old: f"c{i}" for i, old in enumerate(frame.columns)})
        if frame.width:
            frame = frame.with_columns(pl.col(frame.columns).cast(pl.String))
        return frame.with_row_index("_row_number", offset=1).with_columns(
            pl.col("_row_number").cast(pl.Int64)
        )


def _read_ods_with_pandas(path: Path) -> dict[str, pl.DataFrame]:
    import pandas as pd

    try:
        sheets = pd.read_excel(path, engine="odf", sheet_name=None, header=None, dtype=object)
    except Exception as exc:
        raise FileRejected(
            f"{path.name}: the spreadsheet cannot be opened ({_short(exc)}). It may be "
            "damaged: download it again."
        ) from exc
    out: dict[str, pl.DataFrame] = {}
    for name, frame in sheets.items():
        columns = {
            f"c{i}": [_pandas_cell_text(v) for v in frame.iloc[:, i].tolist()]
            for i in range(frame.shape[1])
        }
        out[str(name)] = pl.DataFrame(columns, schema={k: pl.String for k in columns})
    return out


def _pandas_cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value)
    return text if text.strip() else None


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:200] or type(exc).__name__


def _block_from_grid(grid: pl.DataFrame, header_index: int, sheet: str | None) -> _Block:
    cell_columns = [c for c in grid.columns if c != "_row_number"]
    headings = [_cell_text(v) for v in grid.select(cell_columns).row(header_index)]
    data = grid.slice(header_index + 1)
    return _Block(headings, data, sheet)


def _find_header_index(
    rows: Iterable[Sequence[object]], is_header: Callable[[list[str]], bool], limit: int = 60
) -> int | None:
    for index, row in enumerate(rows):
        if index >= limit:
            break
        keys = [normalise_name(cell) for cell in row]
        if is_header(keys):
            return index
    return None


def _grid_cell_rows(grid: pl.DataFrame, limit: int = 60) -> list[tuple]:
    cell_columns = [c for c in grid.columns if c != "_row_number"]
    return grid.select(cell_columns).head(limit).rows()


def _decode_csv(path: Path) -> tuple[str, str]:
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "cp1252"


def _csv_block(path: Path, is_header: Callable[[list[str]], bool], what: str) -> _Block:
    """The table in a CSV whose header line satisfies ``is_header`` (searched in 60 lines)."""
    text, _ = _decode_csv(path)
    lines = text.splitlines()[:60]
    parsed = [next(csv.reader([line]), []) for line in lines]
    header_index = _find_header_index(parsed, is_header)
    if header_index is None:
        first = [clean_heading(c) for c in (parsed[0] if parsed else []) if clean_heading(c)]
        raise FileRejected(
            f"{path.name}: no header row of a {what} was found in the first {len(lines)} lines; "
            f"the first line holds {_quote_list(first) or 'nothing'}."
        )
    headings = [cell.strip() for cell in parsed[header_index]]
    schema = {f"c{i}": pl.String for i in range(len(headings))}
    try:
        data = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            has_header=False,
            skip_lines=header_index + 1,
            schema=schema,
            truncate_ragged_lines=True,
            raise_if_empty=False,
        )
    except Exception as exc:  # a malformed CSV (unbalanced quotes, ...)
        raise FileRejected(f"{path.name}: the CSV cannot be parsed ({_short(exc)}).") from exc
    first_line = header_index + 2  # 1-based line number of the first data row
    data = data.with_row_index("_row_number", offset=first_line).with_columns(
        pl.col("_row_number").cast(pl.Int64)
    )
    return _Block(headings, data, None)


def _quote_list(items: Iterable[str], limit: int = 12) -> str:
    items = list(items)
    shown = ", ".join(f"'{item}'" for item in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


# --------------------------------------------------------------------------------------------
# Column mapping


def _map_columns(
    headings: list[str], aliases: dict[str, tuple[str, ...]]
) -> tuple[dict[str, int], dict[str, str]]:
    """field -> column index, and field -> the heading as published; first alias wins."""
    keys = [normalise_name(h) for h in headings]
    used: set[int] = set()
    found: dict[str, int] = {}
    for field, names in aliases.items():
        for alias in names:
            hits = [i for i, key in enumerate(keys) if key == alias and i not in used]
            if hits:
                found[field] = hits[0]
                used.add(hits[0])
                break
    return found, {field: clean_heading(headings[i]) for field, i in found.items()}


def _missing_headings_message(
    name: str, where: str, missing: list[str], headings: list[str]
) -> str:
    present = [clean_heading(h) for h in headings if clean_heading(h)]
    return (
        f"{name}: {where} lacks the required heading(s) {_quote_list(missing)}; "
        f"headings found: {_quote_list(present, limit=20) or 'none'}."
    )


def _strip_text(column: str) -> pl.Expr:
    stripped = pl.col(column).str.strip_chars()
    return pl.when(stripped == "").then(None).otherwise(stripped).alias(column)


_INT_RE = r"^[-+]?\d+$"
_NUMBER_RE = r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$"


def _number_exprs(column: str) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(integer value, is a number, is a whole number) for a text column of counts."""
    cleaned = pl.col(column).str.replace_all(r"[,\s\u00a0]", "")
    is_number = cleaned.str.contains(_NUMBER_RE)
    as_float = pl.when(is_number).then(cleaned.cast(pl.Float64, strict=False))
    is_whole = as_float.is_finite() & (as_float == as_float.round(0))
    as_int = (
        pl.when(cleaned.str.contains(_INT_RE))
        .then(cleaned.cast(pl.Int64, strict=False))
        .when(is_whole)
        .then(as_float.cast(pl.Int64, strict=False))
    )
    return as_int, is_number.fill_null(False), is_whole.fill_null(False)


def _resolve_column(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """Join resolved area columns (_code, _name_ref, _type, _is_force, _known) onto frame."""
    names = frame.get_column(column).drop_nulls().unique().to_list()
    resolved = {n: resolve_force_name(n) for n in names}
    lookup = pl.DataFrame(
        {
            column: list(resolved),
            "_code": [m.code if m else None for m in resolved.values()],
            "_type": [m.area_type if m else None for m in resolved.values()],
            "_is_force": [m.is_force if m else None for m in resolved.values()],
            "_known": [m is not None for m in resolved.values()],
        },
        schema={
            column: pl.String,
            "_code": pl.String,
            "_type": pl.String,
            "_is_force": pl.Boolean,
            "_known": pl.Boolean,
        },
    )
    return frame.join(lookup, on=column, how="left", maintain_order="left")


def _where(name: str, sheet: str | None, row: int | None, column: str | None) -> str:
    parts = [name]
    if sheet:
        parts.append(f"sheet '{sheet}'")
    if row is not None:
        parts.append(f"row {row}" if sheet else f"line {row}")
    if column:
        parts.append(f"column '{column}'")
    return ", ".join(parts)


_RULE_TEXT: dict[str, tuple[str, str]] = {
    # rule: (problem with {value}, what to do)
    "missing_value": ("is empty", "Fill it in (or delete the row) and drop the file in again."),
    "unknown_force": (
        "'{value}' is not a police force in the force reference",
        "Correct the name, or if it is a force add the name to the aliases in "
        "dbt_project/seeds/ref_forces.csv; the row was not loaded.",
    ),
    "unknown_area": (
        "'{value}' is not a police force area, region, country or other known body",
        "Correct the area, or add the name to the aliases in dbt_project/seeds/ref_forces.csv; "
        "the row was not loaded.",
    ),
    "unknown_force_code": (
        "'{value}' looks like a police force area code but is not in the force reference",
        "Check the code; if a force's code has changed, update dbt_project/seeds/ref_forces.csv. "
        "The row was not loaded.",
    ),
    "not_a_force": (
        "'{value}' is a total for a larger area, not a police force",
        "Totals are not loaded from this table (they are summed from forces); the row was "
        "not loaded.",
    ),
    "bad_financial_year": (
        "'{value}' is not a financial year like 2022/23",
        "Correct the year; the row was not loaded.",
    ),
    "bad_quarter": (
        "'{value}' is not a financial quarter (1 to 4)",
        "Correct the quarter; the row was not loaded.",
    ),
    "bad_date": (
        "'{value}' is not a date like 31/12/2024 or 31-12-2024",
        "Correct the date; the row was not loaded.",
    ),
    "not_a_number": (
        "'{value}' is not a number",
        "Correct the figure (or use a GSS shorthand such as [x] for a missing figure); "
        "the figure was not loaded.",
    ),
    "not_an_integer": (
        "'{value}' is not a whole number",
        "Correct the figure; counts must be whole numbers. The figure was not loaded.",
    ),
}


def _row_error(
    name: str,
    sheet: str | None,
    row: int | None,
    column: str | None,
    rule: str,
    value: object = None,
) -> RowError:
    problem, action = _RULE_TEXT[rule]
    shown = "" if value is None else str(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    message = f"{_where(name, sheet, row, column)}: {problem.format(value=shown)}. {action}"
    return RowError(row, column, rule, message, sheet)


def _collect_errors(
    frame: pl.DataFrame, name: str, sheet_column: str | None = "_sheet"
) -> list[RowError]:
    """RowErrors from rows where _rule is set (columns _rule, _col, _value, _row_number)."""
    bad = frame.filter(pl.col("_rule").is_not_null())
    sheets = (
        bad.get_column(sheet_column).to_list()
        if sheet_column and sheet_column in bad.columns
        else [None] * bad.height
    )
    return [
        _row_error(name, sheet, row, column, rule, value)
        for (row, column, rule, value), sheet in zip(
            bad.select("_row_number", "_col", "_rule", "_value").iter_rows(), sheets, strict=True
        )
    ]


def _rule_chain(checks: list[tuple[pl.Expr, str, str, str]]) -> list[pl.Expr]:
    """First failing check per row -> _rule, _col (heading), _value (the offending text)."""
    rule = col = value = None
    for condition, rule_id, heading, value_column in reversed(checks):
        rule = (pl.when(condition).then(pl.lit(rule_id))).otherwise(
            rule if rule is not None else pl.lit(None, pl.String)
        )
        col = (pl.when(condition).then(pl.lit(heading))).otherwise(
            col if col is not None else pl.lit(None, pl.String)
        )
        value = (pl.when(condition).then(pl.col(value_column))).otherwise(
            value if value is not None else pl.lit(None, pl.String)
        )
    return [rule.alias("_rule"), col.alias("_col"), value.alias("_value")]


# --------------------------------------------------------------------------------------------
# 1. Home Office police recorded crime open data tables (PFA level)

_FY_SHEET_RE = re.compile(r"^\s*(?:fy\s*)?(\d{4})\s*[-_/ ]\s*(\d{2}|\d{4})\s*$", re.IGNORECASE)

_HO_ALIASES: dict[str, tuple[str, ...]] = {
    "financial_year": ("financial year",),
    "fy_quarter": ("financial quarter", "quarter"),
    "force_name": ("force name", "force", "police force", "police force area", "pfa"),
    "offence_description": ("offence description", "offence"),
    "offence_group": ("offence group",),
    "offence_subgroup": ("offence subgroup", "offence sub group"),
    "offence_code": ("offence code",),
    "offences": ("number of offences", "offence count", "offences", "count"),
}
_HO_REQUIRED = ("financial_year", "fy_quarter", "force_name", "offence_code", "offences")
_HO_PRETTY = {
    "financial_year": "Financial Year",
    "fy_quarter": "Financial Quarter",
    "force_name": "Force Name",
    "offence_description": "Offence Description",
    "offence_group": "Offence Group",
    "offence_subgroup": "Offence Subgroup",
    "offence_code": "Offence Code",
    "offences": "Number of Offences",
}
_HO_SCHEMA = {
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
}


def _is_ho_header(keys: list[str]) -> bool:
    return "financial year" in keys


def read_home_office_prc(path: Path | str) -> ParsedTable:
    """Read a Home Office police recorded crime open data table at police force area level.

    ODS or XLSX (one sheet per financial year, e.g. ``2012-13`` or ``2024_25``; cover, notes and
    contents sheets are skipped) or CSV. The header row is found by its ``Financial Year`` cell.
    Returns financial_year ('2022/23'), fy_quarter ('Q1'..'Q4'), force_name (as published),
    force_code, is_force, offence_code, offence_description, offence_group, offence_subgroup,
    offences (Int64, may be negative), _row_number, _sheet. Every offence code is kept.
    """
    path = Path(path)
    kind = _check_file(path, ("csv", "xlsx", "ods", "xls"), "Home Office open data table")
    blocks: list[_Block] = []
    if kind == "csv":
        blocks.append(_csv_block(path, _is_ho_header, "Home Office open data table"))
    else:
        workbook = _Workbook(path, kind)
        year_sheets = [s for s in workbook.sheet_names if _FY_SHEET_RE.match(s)]
        candidates = year_sheets or workbook.sheet_names
        for sheet in candidates:
            grid = workbook.grid(sheet)
            if grid.width <= 1:
                continue  # an empty sheet holds nothing to read
            header = _find_header_index(_grid_cell_rows(grid), _is_ho_header)
            if header is None:
                if not year_sheets:
                    continue  # no year-named sheets: only sheets with the heading are tables
                first = [clean_heading(v) for v in _grid_cell_rows(grid, 1)[0] if v]
                raise FileRejected(
                    f"{path.name}: sheet '{sheet}' has no 'Financial Year' heading in its first "
                    f"60 rows (its first row holds {_quote_list(first) or 'nothing'})."
                )
            blocks.append(_block_from_grid(grid, header, sheet))
        if not blocks:
            raise FileRejected(
                f"{path.name}: no sheet holds a table with a 'Financial Year' heading; sheets "
                f"found: {_quote_list(workbook.sheet_names)}. Year sheets are named like "
                "'2022-23'."
            )

    frames: list[pl.DataFrame] = []
    errors: list[RowError] = []
    older_edition = False
    for block in blocks:
        frame, block_errors, old = _ho_block(block, path.name)
        frames.append(frame)
        errors.extend(block_errors)
        older_edition = older_edition or old
    frame = pl.concat(frames, how="vertical") if frames else pl.DataFrame(schema=_HO_SCHEMA)
    if frame.height == 0 and not errors:
        raise FileRejected(f"{path.name}: the table has headings but no data rows.")

    profile = f"home_office_prc_{kind}" + ("_offence_count" if older_edition else "")
    years = sorted(frame.get_column("financial_year").unique().to_list())
    note = None
    if years:
        quarters = frame.select(pl.concat_str("financial_year", "fy_quarter")).n_unique()
        note = (
            f"financial year {years[0]}"
            if len(years) == 1
            else f"financial years {years[0]} to {years[-1]}"
        ) + f" ({quarters} quarter(s))"
    return ParsedTable(frame, errors, profile, note)


def _ho_block(block: _Block, name: str) -> tuple[pl.DataFrame, list[RowError], bool]:
    found, published = _map_columns(block.headings, _HO_ALIASES)
    missing = [_HO_PRETTY[f] for f in _HO_REQUIRED if f not in found]
    if missing:
        where = f"sheet '{block.sheet}'" if block.sheet else "the header row"
        raise FileRejected(_missing_headings_message(name, where, missing, block.headings))
    older_edition = normalise_name(block.headings[found["offences"]]) == "offence count"
    heading = {f: published.get(f, _HO_PRETTY[f]) for f in _HO_ALIASES}
    width = block.data.width - 1
    frame = block.data.select(
        *[
            (pl.col(f"c{found[f]}") if f in found and found[f] < width else pl.lit(None))
            .cast(pl.String)
            .alias(f)
            for f in _HO_ALIASES
        ],
        pl.col("_row_number"),
    ).with_columns(_strip_text(f) for f in _HO_ALIASES)
    frame = frame.filter(
        pl.any_horizontal(pl.col(f).is_not_null() for f in _HO_ALIASES)
    ).with_columns(pl.lit(block.sheet, pl.String).alias("_sheet"))

    fy_parts = pl.col("financial_year").str.extract_groups(r"^(\d{4})\s*[-/_ ]\s*(\d{2}|\d{4})$")
    start = fy_parts.struct.field("1").cast(pl.Int32, strict=False)
    end = fy_parts.struct.field("2").cast(pl.Int32, strict=False) % 100
    fy_ok = (end == (start + 1) % 100).fill_null(False)
    quarter = pl.col("fy_quarter").str.extract(r"(?i)^(?:q|quarter)?\s*([1-4])(?:\.0+)?$", 1)
    offences, is_number, is_whole = _number_exprs("offences")

    frame = _resolve_column(frame, "force_name").with_columns(
        pl.when(fy_ok)
        .then(pl.format("{}/{}", start, end.cast(pl.String).str.zfill(2)))
        .alias("_fy"),
        pl.concat_str(pl.lit("Q"), quarter).alias("_q"),
        offences.alias("_offences"),
        is_number.alias("_is_number"),
        is_whole.alias("_is_whole"),
    )
    checks = [
        (pl.col("force_name").is_null(), "missing_value", heading["force_name"], "force_name"),
        (~pl.col("_known"), "unknown_force", heading["force_name"], "force_name"),
        (
            pl.col("_type").is_in(["national", "country", "region"]),
            "not_a_force",
            heading["force_name"],
            "force_name",
        ),
        (
            pl.col("financial_year").is_null(),
            "missing_value",
            heading["financial_year"],
            "financial_year",
        ),
        (
            pl.col("_fy").is_null(),
            "bad_financial_year",
            heading["financial_year"],
            "financial_year",
        ),
        (pl.col("fy_quarter").is_null(), "missing_value", heading["fy_quarter"], "fy_quarter"),
        (pl.col("_q").is_null(), "bad_quarter", heading["fy_quarter"], "fy_quarter"),
        (
            pl.col("offence_code").is_null(),
            "missing_value",
            heading["offence_code"],
            "offence_code",
        ),
        (pl.col("offences").is_null(), "missing_value", heading["offences"], "offences"),
        (~pl.col("_is_number"), "not_a_number", heading["offences"], "offences"),
        (~pl.col("_is_whole"), "not_an_integer", heading["offences"], "offences"),
        (pl.col("_offences").is_null(), "not_an_integer", heading["offences"], "offences"),
    ]
    frame = frame.with_columns(_rule_chain(checks))
    errors = _collect_errors(frame, name)
    good = frame.filter(pl.col("_rule").is_null()).select(
        pl.col("_fy").alias("financial_year"),
        pl.col("_q").alias("fy_quarter"),
        pl.col("force_name"),
        pl.col("_code").alias("force_code"),
        pl.col("_is_force").alias("is_force"),
        pl.col("offence_code")
        .str.replace_all(r"\s+", "")
        .str.replace(r"^(\d+)\.0+$", "$1")
        .str.to_uppercase(),
        pl.col("offence_description"),
        pl.col("offence_group"),
        pl.col("offence_subgroup"),
        pl.col("_offences").alias("offences"),
        pl.col("_row_number"),
        pl.col("_sheet"),
    )
    return good.cast(_HO_SCHEMA), errors, older_edition


# --------------------------------------------------------------------------------------------
# Shared: periods ("year ending December 2024")

_MONTHS = {
    name: index
    for index in range(1, 13)
    for name in (calendar.month_name[index].lower(), calendar.month_abbr[index].lower())
}
_MONTHS["sept"] = 9
_PERIOD_RE = re.compile(
    r"\b(?:year|12 months|twelve months)\s+end(?:ing|ed)\s+(?:in\s+)?(?:at\s+)?"
    r"(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?,?\s+(\d{4})\b",
    re.IGNORECASE,
)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _period_in_text(text: str) -> tuple[date, str] | None:
    """The latest 'year ending <Month YYYY>' in one line of text, and the phrase."""
    found = [
        (_month_end(int(m.group(2)), _MONTHS[m.group(1).lower()]), m.group(0))
        for m in _PERIOD_RE.finditer(text)
    ]
    return max(found) if found else None


def _period_in_rows(rows: Iterable[Sequence[object]]) -> tuple[date, str] | None:
    """The period of the first line (a row's cells joined) that names one."""
    for row in rows:
        line = " ".join(clean_heading(cell) for cell in row if cell is not None)
        found = _period_in_text(line)
        if found:
            return found
    return None


# --------------------------------------------------------------------------------------------
# Shared: GSS shorthand and numbers in statistical tables

_GSS_CODE_RE = re.compile(r"^[A-Z]\d{8}$")
_MARKER_RE = re.compile(r"^(?:\[[a-z]{1,4}\d*\]\s*)+$", re.IGNORECASE)
_TRAILING_MARKER_RE = re.compile(r"^(.*?)\s*((?:\[[a-z]{1,4}\d*\]\s*)+)$", re.IGNORECASE)
_OLD_MARKERS = frozenset({"..", "...", ".", ":", "-", "\u2013", "\u2014", "*", "~", "n/a", "na"})
_NUMBER_TEXT_RE = re.compile(_NUMBER_RE)


def _parse_figure(raw: object) -> tuple[float | None, str | None, bool]:
    """(value, marker, readable) for one cell of a statistical table."""
    text = clean_heading(raw)
    if not text:
        return None, None, True
    if _MARKER_RE.match(text) or text.lower() in _OLD_MARKERS:
        return None, text.replace(" ", ""), True
    marker = None
    trailing = _TRAILING_MARKER_RE.match(text)
    if trailing:
        text, marker = trailing.group(1), trailing.group(2).replace(" ", "")
    number = re.sub(r"[,\s]", "", text)
    if not _NUMBER_TEXT_RE.match(number):
        return None, None, False
    value = float(number)
    return value, marker, True


# --------------------------------------------------------------------------------------------
# 2. ONS police force area data tables (Tables P1 and P3)

_ONS_SCHEMA = {
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
}
_AREA_CODE_HEADINGS = ("area code", "area codes", "code", "pfa code", "geography code")
_AREA_NAME_HEADINGS = (
    "area name",
    "name",
    "police force area",
    "police force area name",
    "force name",
    "geography name",
    "area",
)
_DESCRIPTIVE_HEADINGS = frozenset(
    {
        "area type",
        "geography type",
        "geography",
        "type",
        "area level",
        "level",
        "region",
        "region name",
        "region code",
        "country",
        "country name",
        "country code",
    }
)
_RATE_WORDS_RE = re.compile(
    r"\b(?:rates?\s+)?(?:per\s+)?1\s*000\s+(?:population|people|residents|head of population)\b"
    r"|\brates?\b|\bnumbers?\s+of\s+offences\b|\bnumbers?\b",
    re.IGNORECASE,
)


def _table_key(sheet_name: str) -> str:
    key = re.sub(r"[^a-z0-9]", "", sheet_name.lower())
    return key[5:] if key.startswith("table") else key


def _group_key(heading: str) -> str:
    return normalise_name(_RATE_WORDS_RE.sub(" ", normalise_name(heading)))


def _is_ons_header(keys: list[str]) -> bool:
    """The header row: its first filled cell is 'Area Code' (or a close variant)."""
    if "area code" in keys:
        return True
    first = next((k for k in keys if k), "")
    return first in _AREA_CODE_HEADINGS and first != "code"


@dataclass
class _OnsSheet:
    sheet: str
    period_end: date
    period_phrase: str
    groups: list[tuple[str, str]]  # (offence_group as published, group key)
    figures: list[dict]  # one per area x group
    populations: dict[str, tuple[int | None, int]]  # area key -> (population, row)
    errors: list[RowError]


def read_ons_pfa_tables(path: Path | str) -> ParsedTable:
    """Read the ONS "Police force area data tables" workbook (Tables P1 and P3).

    Table P1 (numbers of offences, one column per offence group) is required; Table P3 (rates
    per 1,000 population, with a population column) is used when present; other sheets are
    ignored. Returns one row per area x offence group: area_code, area_name, area_type,
    period_end, offence_group, offences, offences_marker, rate_per_1000, rate_marker,
    population, _row_number, _sheet. Published totals are kept exactly as published.
    """
    path = Path(path)
    kind = _check_file(path, ("xlsx", "xls", "ods"), "ONS police force area data tables workbook")
    workbook = _Workbook(path, kind)
    by_key = {}
    for sheet in workbook.sheet_names:
        by_key.setdefault(_table_key(sheet), sheet)
    if "p1" not in by_key:
        raise FileRejected(
            f"{path.name}: there is no sheet 'Table P1' (numbers of offences by police force "
            f"area); sheets found: {_quote_list(workbook.sheet_names)}."
        )
    tables = {by_key["p1"], by_key.get("p3")}
    fallback: list[tuple[date, str] | None] = []

    def cover_period() -> tuple[date, str] | None:
        if not fallback:  # read the cover and contents sheets only when a title lacks a period
            fallback.append(_workbook_period(workbook, exclude=tables))
        return fallback[0]

    p1 = _ons_sheet(workbook, by_key["p1"], "count", path.name, cover_period)
    p3 = (
        _ons_sheet(workbook, by_key["p3"], "rate", path.name, cover_period)
        if "p3" in by_key
        else None
    )

    frame = _merge_ons(p1, p3)
    errors = p1.errors + (p3.errors if p3 else [])
    if frame.height == 0 and not errors:
        raise FileRejected(f"{path.name}: sheet '{p1.sheet}' has headings but no area rows.")
    note = f"{p1.period_phrase} (from sheet '{p1.sheet}')"
    if p3 and p3.period_end != p1.period_end:
        note += f"; sheet '{p3.sheet}' is for {p3.period_phrase}"
    return ParsedTable(frame, errors, f"ons_pfa_tables_{kind}", note)


def _workbook_period(workbook: _Workbook, exclude: set) -> tuple[date, str] | None:
    """The period named on the cover or contents sheets, for tables whose title omits it."""
    for sheet in workbook.sheet_names:
        if sheet in exclude:
            continue
        try:
            grid = workbook.grid(sheet)
        except FileRejected:
            continue
        if grid.width <= 1:
            continue
        found = _period_in_rows(_grid_cell_rows(grid, 30))
        if found:
            return found
    return None


def _ons_sheet(
    workbook: _Workbook,
    sheet: str,
    measure: str,
    name: str,
    fallback: Callable[[], tuple[date, str] | None],
) -> _OnsSheet:
    grid = workbook.grid(sheet)
    if grid.width <= 1:
        raise FileRejected(f"{name}: sheet '{sheet}' is empty.")
    rows = _grid_cell_rows(grid, limit=grid.height)
    header = _find_header_index(rows, _is_ons_header)
    if header is None:
        firsts = [clean_heading(next((c for c in r if c), "")) for r in rows[:12]]
        raise FileRejected(
            f"{name}: sheet '{sheet}' has no header row starting 'Area Code' in its first 60 "
            f"rows; the first cells of its first rows are {_quote_list([f for f in firsts if f])}."
        )
    period = _period_in_rows(rows[:header]) or fallback()
    if period is None:
        raise FileRejected(
            f"{name}: the period ('year ending <Month YYYY>') is named neither in the title of "
            f"sheet '{sheet}' nor on the cover sheet."
        )
    headings = [_cell_text(v) for v in rows[header]]
    keys = [normalise_name(h) for h in headings]
    code_col = next(i for i, k in enumerate(keys) if k in _AREA_CODE_HEADINGS)
    name_col = next(
        (i for alias in _AREA_NAME_HEADINGS for i, k in enumerate(keys) if k == alias),
        code_col + 1 if code_col + 1 < len(keys) else None,
    )
    data_rows = rows[header + 1 :]
    row_numbers = grid.get_column("_row_number").to_list()[header + 1 :]

    population_col = None
    group_cols: list[int] = []
    for i, key in enumerate(keys):
        if i in (code_col, name_col) or not key or key in _DESCRIPTIVE_HEADINGS:
            continue
        if "population" in key.split() and not re.search(r"\b(per|rate|rates)\b", key):
            population_col = i if population_col is None else population_col
            continue
        cells = [r[i] for r in data_rows if i < len(r) and _cell_text(r[i])]
        if not any(_parse_figure(c)[0] is not None or _parse_figure(c)[1] for c in cells):
            continue  # an empty column, or a descriptive text column (e.g. region names)
        group_cols.append(i)

    groups: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for i in group_cols:
        label = clean_heading(headings[i])
        if measure == "rate":
            label = _rate_label(label)
        key = _group_key(label) or normalise_name(label)
        if key in seen:
            seen[key] += 1
            label, key = f"{label} ({seen[key]})", f"{key} {seen[key]}"
        else:
            seen[key] = 1
        groups.append((label, key))

    out = _OnsSheet(sheet, period[0], period[1], groups, [], {}, [])
    force_codes = _force_codes()
    for cells, row_number in zip(data_rows, row_numbers, strict=True):
        cells = list(cells)

        def cell(i: int | None, cells: list = cells) -> str:
            return _cell_text(cells[i]) if i is not None and i < len(cells) else ""

        raw_code = clean_heading(cell(code_col))
        area_name = clean_heading(cell(name_col))
        value_cells = [cell(i) for i in group_cols]
        if population_col is not None:
            value_cells.append(cell(population_col))
        if not any(value_cells):
            continue  # blank line, block heading or footnote below the table
        area = _ons_area(raw_code, area_name)
        if area is None:
            column = clean_heading(headings[name_col if name_col is not None else code_col])
            value = area_name or raw_code
            out.errors.append(_row_error(name, sheet, row_number, column, "unknown_area", value))
            continue
        area_code, area_type = area
        if area_type == "force" and area_code not in force_codes:
            column = clean_heading(headings[code_col])
            out.errors.append(
                _row_error(name, sheet, row_number, column, "unknown_force_code", area_code)
            )
            continue
        area_key = area_code or f"name:{normalise_name(area_name)}"
        base = {
            "_area_key": area_key,
            "area_code": area_code,
            "area_name": area_name or _reference_name(area_code),
            "area_type": area_type,
            "_row_number": row_number,
        }
        if population_col is not None:
            population, marker, ok = _parse_figure(cell(population_col))
            column = clean_heading(headings[population_col])
            if not ok:
                out.errors.append(
                    _row_error(
                        name, sheet, row_number, column, "not_a_number", cell(population_col)
                    )
                )
            elif population is not None and not float(population).is_integer():
                out.errors.append(
                    _row_error(
                        name, sheet, row_number, column, "not_an_integer", cell(population_col)
                    )
                )
            else:
                out.populations[area_key] = (
                    int(population) if population is not None else None,
                    row_number,
                )
        for (label, key), i in zip(groups, group_cols, strict=True):
            raw = cell(i)
            value, marker, ok = _parse_figure(raw)
            column = clean_heading(headings[i])
            if not ok:
                out.errors.append(_row_error(name, sheet, row_number, column, "not_a_number", raw))
                continue
            if measure == "count" and value is not None and not float(value).is_integer():
                out.errors.append(
                    _row_error(name, sheet, row_number, column, "not_an_integer", raw)
                )
                continue
            out.figures.append(
                {
                    **base,
                    "offence_group": label,
                    "_group_key": key,
                    "value": value,
                    "marker": marker,
                }
            )
    return out


def _reference_name(code: str | None) -> str | None:
    match = resolve_force_name(code) if code else None
    return match.name if match else None


def _rate_label(label: str) -> str:
    """A P3 heading without its 'rate per 1,000 population' wording, for display."""
    text = re.sub(
        r"\(?\s*(?:rates?\s+)?per\s+1,?000\s+(?:population|people|residents)\s*\)?",
        " ",
        label,
        flags=re.IGNORECASE,
    )
    text = re.sub(r"\brates?\b", " ", text, flags=re.IGNORECASE)
    text = _WS_RE.sub(" ", text).strip(" ,:-")
    return text or label


def _ons_area(code: str, name: str) -> tuple[str | None, str] | None:
    """(area_code, area_type) for a table row, or None when the area is not known."""
    upper = code.upper().replace(" ", "")
    if _GSS_CODE_RE.match(upper):
        return upper, area_type_for_code(upper)
    for label in (code, name):
        if not label:
            continue
        match = resolve_force_name(label)
        if match is not None:
            kind = area_type_for_code(match.code) if match.code else "other"
            return match.code, kind
    return None


def _merge_ons(p1: _OnsSheet, p3: _OnsSheet | None) -> pl.DataFrame:
    """One row per area x offence group: P1 counts with P3 rates and populations."""
    records: dict[tuple, dict] = {}
    order: list[tuple] = []
    for fig in p1.figures:
        key = (fig["_area_key"], fig["_group_key"], p1.period_end)
        if key in records:
            continue
        records[key] = {
            "area_code": fig["area_code"],
            "area_name": fig["area_name"],
            "area_type": fig["area_type"],
            "period_end": p1.period_end,
            "offence_group": fig["offence_group"],
            "offences": None if fig["value"] is None else int(fig["value"]),
            "offences_marker": fig["marker"],
            "rate_per_1000": None,
            "rate_marker": None,
            "population": None,
            "_row_number": fig["_row_number"],
            "_sheet": p1.sheet,
            "_area_key": fig["_area_key"],
        }
        order.append(key)
    if p3 is not None:
        for fig in p3.figures:
            key = (fig["_area_key"], fig["_group_key"], p3.period_end)
            record = records.get(key)
            if record is None:
                record = {
                    "area_code": fig["area_code"],
                    "area_name": fig["area_name"],
                    "area_type": fig["area_type"],
                    "period_end": p3.period_end,
                    "offence_group": fig["offence_group"],
                    "offences": None,
                    "offences_marker": None,
                    "population": None,
                    "_row_number": fig["_row_number"],
                    "_sheet": p3.sheet,
                    "_area_key": fig["_area_key"],
                }
                records[key] = record
                order.append(key)
            record["rate_per_1000"] = fig["value"]
            record["rate_marker"] = fig["marker"]
        for key in order:
            record = records[key]
            if record["period_end"] == p3.period_end and record["_area_key"] in p3.populations:
                record["population"] = p3.populations[record["_area_key"]][0]
    rows = [{k: v for k, v in records[key].items() if k != "_area_key"} for key in order]
    return pl.DataFrame(rows, schema=_ONS_SCHEMA)


# --------------------------------------------------------------------------------------------
# 3. ONS recorded crime at PFA level, rolling-year CSV

_ROLLING_ALIASES: dict[str, tuple[str, ...]] = {
    "period": (
        "12 months ending",
        "rolling 12 months ending",
        "twelve months ending",
        "year ending",
        "period ending",
    ),
    "area": ("pfa", "police force area", "force name", "force", "area name", "area"),
    "region": ("region", "region name"),
    "offence": ("offence", "offence group", "offence description"),
    "offences": (
        "rolling year total number of offences",
        "rolling 12 month total number of offences",
        "number of offences",
        "offences",
        "offence count",
        "count",
    ),
}
_ROLLING_REQUIRED = ("period", "area", "offence", "offences")
_ROLLING_PRETTY = {
    "period": "12 months ending",
    "area": "PFA",
    "region": "Region",
    "offence": "Offence",
    "offences": "Rolling year total number of offences",
}
_ROLLING_SCHEMA = {
    "period_end": pl.Date,
    "area_name": pl.String,
    "area_code": pl.String,
    "area_type": pl.String,
    "region": pl.String,
    "offence_group": pl.String,
    "offences": pl.Int64,
    "_row_number": pl.Int64,
}
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y")


def _is_rolling_header(keys: list[str]) -> bool:
    return any(k in _ROLLING_ALIASES["period"] for k in keys) and any(
        k in _ROLLING_ALIASES["offence"] for k in keys
    )


def read_ons_pfa_rolling(path: Path | str) -> ParsedTable:
    """Read the ONS rolling-year CSV of recorded crime by police force area.

    Header ``12 months ending,PFA,Region,Offence,Rolling year total number of offences``; dates
    DD/MM/YYYY or DD-MM-YYYY (detected per value). Returns period_end, area_name (as
    published), area_code, area_type, region, offence_group, offences, _row_number. A
    published date a day or two short of a month end (the real file has 30-12-2017) is read as
    that month's end, and the period note says so.
    """
    path = Path(path)
    _check_file(path, ("csv",), "rolling-year CSV")
    block = _csv_block(path, _is_rolling_header, "rolling-year recorded crime CSV")
    found, published = _map_columns(block.headings, _ROLLING_ALIASES)
    missing = [_ROLLING_PRETTY[f] for f in _ROLLING_REQUIRED if f not in found]
    if missing:
        raise FileRejected(
            _missing_headings_message(path.name, "the header row", missing, block.headings)
        )
    heading = {f: published.get(f, _ROLLING_PRETTY[f]) for f in _ROLLING_ALIASES}
    frame = block.data.select(
        *[
            (pl.col(f"c{found[f]}") if f in found else pl.lit(None, pl.String)).alias(f)
            for f in _ROLLING_ALIASES
        ],
        pl.col("_row_number"),
    ).with_columns(_strip_text(f) for f in _ROLLING_ALIASES)
    frame = frame.filter(pl.any_horizontal(pl.col(f).is_not_null() for f in _ROLLING_ALIASES))
    if frame.height == 0:
        raise FileRejected(f"{path.name}: the CSV has a header row but no data rows.")

    published_date = pl.coalesce(
        [pl.col("period").str.to_date(fmt, strict=False) for fmt in _DATE_FORMATS]
    )
    offences, is_number, is_whole = _number_exprs("offences")
    frame = _resolve_column(frame, "area").with_columns(
        published_date.alias("_date"),
        offences.alias("_offences"),
        is_number.alias("_is_number"),
        is_whole.alias("_is_whole"),
    )
    checks = [
        (pl.col("period").is_null(), "missing_value", heading["period"], "period"),
        (pl.col("_date").is_null(), "bad_date", heading["period"], "period"),
        (pl.col("area").is_null(), "missing_value", heading["area"], "area"),
        (~pl.col("_known"), "unknown_area", heading["area"], "area"),
        (pl.col("offence").is_null(), "missing_value", heading["offence"], "offence"),
        (pl.col("offences").is_null(), "missing_value", heading["offences"], "offences"),
        (~pl.col("_is_number"), "not_a_number", heading["offences"], "offences"),
        (~pl.col("_is_whole"), "not_an_integer", heading["offences"], "offences"),
        (pl.col("_offences").is_null(), "not_an_integer", heading["offences"], "offences"),
    ]
    frame = frame.with_columns(_rule_chain(checks))
    errors = _collect_errors(frame, path.name, sheet_column=None)

    month_end = pl.col("_date").dt.month_end()
    near_month_end = (month_end - pl.col("_date")).dt.total_days() <= 3
    good = frame.filter(pl.col("_rule").is_null()).with_columns(
        pl.when(near_month_end).then(month_end).otherwise(pl.col("_date")).alias("period_end")
    )
    out = good.select(
        pl.col("period_end"),
        pl.col("area").alias("area_name"),
        pl.col("_code").alias("area_code"),
        pl.when(pl.col("_code").is_null())
        .then(pl.lit("other"))
        .otherwise(pl.col("_type"))
        .alias("area_type"),
        pl.col("region"),
        pl.col("offence").alias("offence_group"),
        pl.col("_offences").alias("offences"),
        pl.col("_row_number"),
    ).cast(_ROLLING_SCHEMA)
    return ParsedTable(out, errors, "ons_pfa_rolling_csv", _rolling_note(good))


def _rolling_note(good: pl.DataFrame) -> str | None:
    if good.height == 0:
        return None
    ends = good.get_column("period_end")
    first, last = ends.min(), ends.max()
    note = f"12 months ending {first:%d/%m/%Y} to {last:%d/%m/%Y} ({ends.n_unique()} period end(s))"
    moved = (
        good.filter(pl.col("period_end") != pl.col("_date"))
        .group_by("period", "period_end")
        .len()
        .sort("period_end")
    )
    if moved.height:
        details = "; ".join(
            f"'{p}' ({n} rows) read as {e:%d/%m/%Y}" for p, e, n in moved.iter_rows()
        )
        note += f"; dates short of a month end were read as the month end: {details}"
    return note


# The raw schema each reader returns, by source: raw/ stores exactly this.
RAW_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "home_office_prc": _HO_SCHEMA,
    "ons_pfa_tables": _ONS_SCHEMA,
    "ons_pfa_rolling": _ROLLING_SCHEMA,
}
