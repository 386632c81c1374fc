"""What the Home Office and ONS readers share: result types, grids of text cells with the row
number a person sees, column mapping by heading, row-error messages, periods and the GSS
shorthand of statistical tables. One reader per publication sits beside this module.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from ingest.areas import (  # noqa: F401 - the readers import area helpers from here
    NON_FORCE_BODIES,
    AreaMatch,
    area_type_for_code,
    force_codes,
    normalise_name,
    resolve_force_name,
)
from ingest.errors import FileRejected, RowError, shapes, value_shape
from ingest.files import check_table_file, clean_heading, decode_any, find_header  # noqa: F401
from ingest.numbers import decimal_expr, integer_expr, parse_decimal

WORKBOOK_SUFFIXES = {".xlsx": "xlsx", ".xlsm": "xlsx", ".ods": "ods", ".xls": "xls"}
TABLE_SUFFIXES = {".csv": "csv", **WORKBOOK_SUFFIXES}


@dataclass(frozen=True)
class ParsedTable:
    frame: pl.DataFrame
    errors: list[RowError]
    profile: str
    period_note: str | None


def _cell_text(value: object) -> str:
    return "" if value is None else str(value).strip()


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
    """The header row among the top `limit`: the first whose heading keys `is_header` accepts."""
    return find_header(rows, lambda row: is_header([heading_key(c) for c in row]), limit)


def _grid_cell_rows(grid: pl.DataFrame, limit: int = 60) -> list[tuple]:
    cell_columns = [c for c in grid.columns if c != "_row_number"]
    return grid.select(cell_columns).head(limit).rows()


def _csv_block(path: Path, is_header: Callable[[list[str]], bool], what: str) -> _Block:
    """The table in a CSV whose header line satisfies ``is_header`` (searched in 60 lines)."""
    text = decode_any(path, path.read_bytes())
    lines = text.split("\n", 60)[:60]
    parsed = [next(csv.reader([line]), []) for line in lines]
    header_index = _find_header_index(parsed, is_header)
    if header_index is None:
        first = [clean_heading(c) for c in (parsed[0] if parsed else []) if clean_heading(c)]
        raise FileRejected(
            f"{path.name}: no header row of a {what} was found in the first {len(lines)} lines; "
            f"the first line holds {shapes(first)}."
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
    keys = [heading_key(h) for h in headings]
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
        f"headings found: {shapes(present, limit=20)}."
    )


def _strip_text(column: str) -> pl.Expr:
    stripped = pl.col(column).str.strip_chars()
    return pl.when(stripped == "").then(None).otherwise(stripped).alias(column)


def _number_exprs(column: str) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(integer value, is a number, is a whole number) for a text column of counts, read
    strictly (ingest.numbers): '1,2,3' or '12,34' is not a number, '1.000' not a whole one."""
    text = pl.col(column).str.strip_chars()
    as_int = integer_expr(text)
    is_number = decimal_expr(text).is_not_null()
    return as_int, is_number.fill_null(False), as_int.is_not_null().fill_null(False)


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
        "{value} is not a police force in the force reference",
        "Correct the name, or if it is a force add the name to the aliases in "
        "dbt_project/seeds/ref_forces.csv; the row was not loaded.",
    ),
    "unknown_area": (
        "{value} is not a police force area, region, country or other known body",
        "Correct the area, or add the name to the aliases in dbt_project/seeds/ref_forces.csv; "
        "the row was not loaded.",
    ),
    "unknown_force_code": (
        "{value} looks like a police force area code but is not in the force reference",
        "Check the code; if a force's code has changed, update dbt_project/seeds/ref_forces.csv. "
        "The row was not loaded.",
    ),
    "not_a_force": (
        "{value} is a total for a larger area, not a police force",
        "Totals are not loaded from this table (they are summed from forces); the row was "
        "not loaded.",
    ),
    "bad_financial_year": (
        "{value} is not a financial year like 2022/23",
        "Correct the year; the row was not loaded.",
    ),
    "bad_quarter": (
        "{value} is not a financial quarter (1 to 4)",
        "Correct the quarter; the row was not loaded.",
    ),
    "bad_date": (
        "{value} is not a date like 31/12/2024 or 31-12-2024",
        "Correct the date; the row was not loaded.",
    ),
    "not_a_number": (
        "{value} is not a number",
        "Correct the figure (or use a GSS shorthand such as [x] for a missing figure); "
        "the figure was not loaded.",
    ),
    "not_an_integer": (
        "{value} is not a whole number",
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
    shape = value_shape(None if value is None else str(value))
    shown = "the value" if shape is None else f"a value shaped '{shape}'"
    message = f"{_where(name, sheet, row, column)}: {problem.format(value=shown)}. {action}"
    return RowError(row, column, rule, message, value_shape=shape, sheet=sheet)


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
# The shorthand of past editions for a figure not given ('+' in 2018-2019 PFA tables).
_OLD_MARKERS = frozenset(
    {"..", "...", ".", ":", "-", "+", "\u2013", "\u2014", "*", "~", "n/a", "na"}
)


def is_shorthand(column: str) -> pl.Expr:
    """A cell holding a GSS marker ([x], [c]...) or an older edition's shorthand, not a
    figure: the figure is not published, which is not an error."""
    text = pl.col(column).str.strip_chars()
    return text.str.contains("(?i)" + _MARKER_RE.pattern).fill_null(
        False
    ) | text.str.to_lowercase().is_in(list(_OLD_MARKERS)).fill_null(False)


_FOOTNOTE_RE = re.compile(r"(?<=[a-z]{3})\d{1,2}$")
_FOOTNOTE_LABEL_RE = re.compile(r"(?<=[A-Za-z]{3})\d{1,2}$")


def heading_label(value: object) -> str:
    """A heading as a person reads it, without a footnote number glued to its last word."""
    return _FOOTNOTE_LABEL_RE.sub("", clean_heading(value))


def heading_key(value: object) -> str:
    """A heading's matching key, with a footnote number glued to its last word dropped
    ('Offences1', 'Area Name 2' stays as it is): older editions number their notes so."""
    return _FOOTNOTE_RE.sub("", normalise_name(value))


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
    value = parse_decimal(text.strip())
    if value is None:
        return None, None, False
    return value, marker, True


def count_checks(heading: str) -> list[tuple[pl.Expr, str, str, str]]:
    """The strict-number rules for an `offences` count column (GSS shorthand excepted):
    (failing condition, rule, the heading as found, column), as every official reader uses."""
    shown = ~pl.col("_shorthand")
    return [
        (~pl.col("_is_number") & shown, "not_a_number", heading, "offences"),
        (~pl.col("_is_whole") & shown, "not_an_integer", heading, "offences"),
        (pl.col("_offences").is_null() & shown, "not_an_integer", heading, "offences"),
    ]
