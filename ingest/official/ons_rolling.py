"""The ONS rolling-year CSV of recorded crime by police force area."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from ingest.official.common import (
    FileRejected,
    ParsedTable,
    _collect_errors,
    _csv_block,
    _map_columns,
    _missing_headings_message,
    _number_exprs,
    _resolve_column,
    _rule_chain,
    _strip_text,
    check_table_file,
    count_checks,
    is_shorthand,
)

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
RAW_SCHEMA = {
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
    check_table_file(path, {".csv": "csv"}, "rolling-year CSV")
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
        is_shorthand("offences").alias("_shorthand"),
    )
    checks = [
        (pl.col("period").is_null(), "missing_value", heading["period"], "period"),
        (pl.col("_date").is_null(), "bad_date", heading["period"], "period"),
        (pl.col("area").is_null(), "missing_value", heading["area"], "area"),
        (~pl.col("_known"), "unknown_area", heading["area"], "area"),
        (pl.col("offence").is_null(), "missing_value", heading["offence"], "offence"),
        (pl.col("offences").is_null(), "missing_value", heading["offences"], "offences"),
        *count_checks(heading["offences"]),
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
    ).cast(RAW_SCHEMA)
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
