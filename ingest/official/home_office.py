"""The Home Office police recorded crime open data tables, police force area level."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from ingest.errors import shapes
from ingest.official.common import (
    TABLE_SUFFIXES,
    FileRejected,
    ParsedTable,
    RowError,
    _Block,
    _block_from_grid,
    _collect_errors,
    _csv_block,
    _find_header_index,
    _grid_cell_rows,
    _map_columns,
    _missing_headings_message,
    _number_exprs,
    _resolve_column,
    _rule_chain,
    _strip_text,
    _Workbook,
    check_table_file,
    clean_heading,
    count_checks,
    is_shorthand,
    normalise_name,
)

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
RAW_SCHEMA = {
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
    kind = check_table_file(path, TABLE_SUFFIXES, "Home Office open data table")
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
                    f"60 rows (its first row holds {shapes(first)})."
                )
            blocks.append(_block_from_grid(grid, header, sheet))
        if not blocks:
            raise FileRejected(
                f"{path.name}: no sheet holds a table with a 'Financial Year' heading; sheets "
                f"found: {shapes(workbook.sheet_names)}. Year sheets are named like "
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
    frame = pl.concat(frames, how="vertical") if frames else pl.DataFrame(schema=RAW_SCHEMA)
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
        is_shorthand("offences").alias("_shorthand"),
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
        *count_checks(heading["offences"]),
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
    return good.cast(RAW_SCHEMA), errors, older_edition
