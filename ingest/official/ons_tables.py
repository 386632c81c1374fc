"""The ONS "Police force area data tables" workbook (Tables P1 and P3)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from ingest.errors import shapes
from ingest.official.common import (
    _GSS_CODE_RE,
    WORKBOOK_SUFFIXES,
    FileRejected,
    ParsedTable,
    RowError,
    _cell_text,
    _find_header_index,
    _grid_cell_rows,
    _parse_figure,
    _period_in_rows,
    _row_error,
    _Workbook,
    area_type_for_code,
    check_table_file,
    clean_heading,
    force_codes,
    heading_key,
    heading_label,
    normalise_name,
    resolve_force_name,
)

# --------------------------------------------------------------------------------------------
# 2. ONS police force area data tables (Tables P1 and P3)

RAW_SCHEMA = {
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
    kind = check_table_file(path, WORKBOOK_SUFFIXES, "ONS police force area data tables workbook")
    workbook = _Workbook(path, kind)
    by_key = {}
    for sheet in workbook.sheet_names:
        by_key.setdefault(_table_key(sheet), sheet)
    if "p1" not in by_key:
        raise FileRejected(
            f"{path.name}: there is no sheet 'Table P1' (numbers of offences by police force "
            f"area); sheets found: {shapes(workbook.sheet_names)}."
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
            f"rows; the first cells of its first rows are {shapes(firsts)}."
        )
    period = _period_in_rows(rows[:header]) or fallback()
    if period is None:
        raise FileRejected(
            f"{name}: the period ('year ending <Month YYYY>') is named neither in the title of "
            f"sheet '{sheet}' nor on the cover sheet."
        )
    headings = [_cell_text(v) for v in rows[header]]
    keys = [heading_key(h) for h in headings]
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
        label = heading_label(headings[i])
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
    known_force_codes = force_codes()
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
        if area_type == "force" and area_code not in known_force_codes:
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
    text = " ".join(text.split()).strip(" ,:-")
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
    return pl.DataFrame(rows, schema=RAW_SCHEMA)
