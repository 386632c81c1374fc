"""How the app writes numbers and periods, on screen and in downloads.

Periods come in three forms: financial years ('2025/26'), financial quarters ('2025/26 Q1',
April to June is Q1) and months ('2025-04'). Charts put them on a time axis by the date each
period starts, so they are always in order and a missing period leaves a gap.

Downloads are tidy: one row per area, period and measure, with the standard columns below.
Counts are written as integers, rates and proportions with a fixed number of decimals, and a
withheld figure as an empty value with its marker.
"""

from __future__ import annotations

import re
from datetime import date

import polars as pl

from publish.shorthand import NOT_AVAILABLE, SUPPRESSED

# The columns of every CSV the app offers, in this order.
TIDY_COLUMNS = [
    "area_code",
    "area_name",
    "period",
    "measure",
    "unit",
    "value",
    "marker",
    "release_id",
]

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})/(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})/(\d{2}) Q([1-4])$")


def period_start(period: str) -> date:
    """The first day of a month, financial quarter or financial year.

    >>> period_start("2025/26 Q4")
    datetime.date(2026, 1, 1)
    """
    text = str(period)
    if found := _MONTH.match(text):
        return date(int(found[1]), int(found[2]), 1)
    if found := _QUARTER.match(text):
        month = 4 + 3 * (int(found[3]) - 1)
        year = int(found[1]) + (month > 12)
        return date(year, (month - 1) % 12 + 1, 1)
    if found := _YEAR.match(text):
        return date(int(found[1]), 4, 1)
    raise ValueError(f"{period!r} is not a month (2025-04), quarter (2025/26 Q1) or year (2025/26)")


def period_kind(period: str) -> str:
    """'month', 'quarter' or 'financial_year'."""
    text = str(period)
    if _MONTH.match(text):
        return "month"
    if _QUARTER.match(text):
        return "quarter"
    if _YEAR.match(text):
        return "financial_year"
    raise ValueError(f"{period!r} is not a month, quarter or financial year")


def is_period(text: object) -> bool:
    try:
        period_kind(str(text))
    except ValueError:
        return False
    return True


def next_period(period: str) -> str:
    """The period after ``period``, of the same kind."""
    kind = period_kind(period)
    start = period_start(period)
    if kind == "month":
        year, month = start.year + start.month // 12, start.month % 12 + 1
        return f"{year}-{month:02d}"
    if kind == "quarter":
        year, quarter = period.split(" Q")
        if quarter == "4":
            return f"{fy_label(int(year[:4]) + 1)} Q1"
        return f"{year} Q{int(quarter) + 1}"
    return fy_label(start.year + 1)


def fy_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def all_periods(periods: list[str]) -> list[str]:
    """Every period from the earliest to the latest given, with none skipped: a chart of
    this series shows a gap where a period has no published figure."""
    if not periods:
        return []
    ordered = sorted(set(periods), key=period_start)
    out = [ordered[0]]
    while out[-1] != ordered[-1]:
        out.append(next_period(out[-1]))
    return out


def with_period_dates(frame: pl.DataFrame, column: str, *, complete: bool = True) -> pl.DataFrame:
    """Add ``<column>_start`` (a Date) for a time axis; with ``complete``, add empty rows for
    periods missing from the series (per other key columns they are simply null)."""
    if complete and frame.height:
        periods = all_periods(frame.get_column(column).cast(pl.String).to_list())
        missing = sorted(set(periods) - set(frame.get_column(column).to_list()))
        if missing:
            frame = pl.concat(
                [frame, pl.DataFrame({column: missing}, schema={column: frame.schema[column]})],
                how="diagonal",
            )
    starts = {p: period_start(p) for p in frame.get_column(column).unique().to_list()}
    return frame.with_columns(
        pl.col(column).replace_strict(starts, return_dtype=pl.Date).alias(f"{column}_start")
    ).sort(f"{column}_start")


def stacked(
    frame: pl.DataFrame, index: str | list[str], labels: dict[str, str], *, name: str, value: str
) -> pl.DataFrame:
    """The columns named in ``labels`` stacked into one ``value`` column beside ``index``, each
    row's ``name`` the column's label: the long form for a line per measure."""
    index = [index] if isinstance(index, str) else index
    return (
        frame.select(*index, *labels)
        .unpivot(index=index, variable_name=name, value_name=value)
        .with_columns(pl.col(name).replace(labels))
    )


# --------------------------------------------------------------------------------------------
# Numbers


def count_text(value: int | float | None, marker: str | None = None) -> str:
    if value is None:
        return marker or NOT_AVAILABLE
    return f"{int(value):,}"


def decimals_for(unit: str) -> int:
    """Per cent to one decimal place; rates to two; counts to none."""
    if unit in ("count", "crimes", "defendants", "contacts", "cases"):
        return 0
    return 1 if unit == "%" else 2


def figure_text(value: float | None, unit: str, marker: str | None = None) -> str:
    """A statistic as text with its marker: '12.3%', '0.45', '[c]'."""
    if value is None:
        return marker or NOT_AVAILABLE
    places = decimals_for(unit)
    text = f"{value:,.{places}f}" + ("%" if unit == "%" else "")
    return f"{text} {marker}" if marker and marker != SUPPRESSED else text


# --------------------------------------------------------------------------------------------
# Tidy downloads


def download_marker(value: pl.Expr, marker: pl.Expr) -> pl.Expr:
    """The marker a download writes: the figure's own, and '[x]' for an empty value that has
    none, so no cell of a file is blank without saying why."""
    return pl.when(value.is_null()).then(marker.fill_null(NOT_AVAILABLE)).otherwise(marker)


def tidy(
    frame: pl.DataFrame,
    *,
    measures: dict[str, tuple[str, str]],
    release_id: str,
    area_code: str = "area_code",
    area_name: str = "area_name",
    period: str = "period",
) -> pl.DataFrame:
    """Long form of a wide table: one row per area, period and measure.

    ``measures`` maps a value column to (measure name, unit); the column's marker is
    ``<column>_marker`` when present. ``value`` is text so that counts stay integers and
    other figures keep a sensible number of decimals (no float noise in the file).
    """
    parts = []
    for column, (measure, unit) in measures.items():
        marker_column = f"{column}_marker"
        places = decimals_for(unit)
        values = pl.col(column).cast(pl.Float64)
        text = values.round(places).map_elements(
            lambda v, places=places: f"{v:.{places}f}", return_dtype=pl.String
        )
        parts.append(
            frame.select(
                pl.col(area_code).cast(pl.String).alias("area_code"),
                pl.col(area_name).cast(pl.String).alias("area_name"),
                pl.col(period).cast(pl.String).alias("period"),
                pl.lit(measure).alias("measure"),
                pl.lit(unit).alias("unit"),
                pl.when(values.is_null()).then(None).otherwise(text).alias("value"),
                download_marker(
                    values,
                    pl.col(marker_column).cast(pl.String)
                    if marker_column in frame.columns
                    else pl.lit(None, dtype=pl.String),
                ).alias("marker"),
                pl.lit(release_id).alias("release_id"),
            )
        )
    if not parts:
        return pl.DataFrame(schema=dict.fromkeys(TIDY_COLUMNS, pl.String))
    return pl.concat(parts).select(TIDY_COLUMNS)


# Columns that name the area and the period of a table's rows, most specific first.
AREA_CODE_COLUMNS = ("force_code", "region_code", "area_code", "lad_code")
AREA_NAME_COLUMNS = ("force_name", "region", "region_name", "area_name", "area", "service_name")
PERIOD_COLUMNS = ("period", "month", "financial_year")


def table_csv(
    frame: pl.DataFrame,
    *,
    counts: list[str],
    pct: list[str],
    decimals: dict[str, int],
    release_id: str,
    numbers: list[str] = (),
    area: tuple[str, str] | None = None,
    period: str | None = None,
    measure_names: dict[str, str] | None = None,
) -> str:
    """A page table as a tidy CSV (:data:`TIDY_COLUMNS`), whatever its on-screen shape.

    The area comes from the table's own code and name columns, else ``area`` (code, name);
    the period from its period column, else ``period``. Every count, per cent and decimal
    column becomes one measure, and so does each of ``numbers`` (whole numbers that are not
    disclosure-controlled counts, such as files in the ledger); other columns (labels,
    classes) are kept after the standard ones, so nothing on screen is lost from the file.
    """
    measure_names = measure_names or {}
    code = next((c for c in AREA_CODE_COLUMNS if c in frame.columns), None)
    name = next((c for c in AREA_NAME_COLUMNS if c in frame.columns), None)
    when = next((c for c in PERIOD_COLUMNS if c in frame.columns), None)
    base = frame.with_columns(
        (pl.col(code) if code else pl.lit(area[0] if area else None)).alias("_area_code"),
        (pl.col(name) if name else pl.lit(area[1] if area else None)).alias("_area_name"),
        (pl.col(when).cast(pl.String) if when else pl.lit(period)).alias("_period"),
    )
    counts = [*counts, *(c for c in numbers if c not in counts)]
    used = {code, name, when, *counts, *pct, *decimals}
    used |= {f"{c}_marker" for c in (*counts, *pct, *decimals)}
    own_unit = "unit" in frame.columns  # a table whose rows say their own unit
    keep = [
        c
        for c in frame.columns
        if c not in used
        and c != "unit"
        and not c.endswith("_marker")
        and frame.schema[c] == pl.String
    ]
    parts = []
    for column in [*counts, *pct, *decimals]:
        unit = "count" if column in counts else "%" if column in pct else "value"
        places = 0 if column in counts else 1 if column in pct else decimals[column]
        marker = next(
            (
                m
                for m in (
                    f"{column}_marker",
                    f"{column.removesuffix('_pct')}_marker",
                    f"{column.removesuffix('_value')}_marker",
                    "value_marker",
                )[: 1 if column in counts else 4]
                if m in frame.columns
            ),
            None,
        )
        values = pl.col(column).cast(pl.Float64)
        parts.append(
            base.select(
                pl.col("_area_code").cast(pl.String).alias("area_code"),
                pl.col("_area_name").cast(pl.String).alias("area_name"),
                pl.col("_period").cast(pl.String).alias("period"),
                pl.lit(measure_names.get(column, column)).alias("measure"),
                (pl.col("unit") if own_unit else pl.lit(unit)).alias("unit"),
                values.round(places)
                .map_elements(lambda v, p=places: f"{v:.{p}f}", return_dtype=pl.String)
                .alias("value"),
                download_marker(
                    values,
                    pl.col(marker).cast(pl.String) if marker else pl.lit(None, pl.String),
                ).alias("marker"),
                pl.lit(release_id).alias("release_id"),
                *[pl.col(c).alias(f"{c}_label" if c in TIDY_COLUMNS else c) for c in keep],
            )
        )
    if not parts:
        return frame.write_csv()
    return pl.concat(parts).write_csv()
