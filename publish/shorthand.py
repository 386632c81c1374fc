"""GSS shorthand for published statistics: the one definition the exports and the app use.

The markers follow the Analysis Function's "Symbols, suppressions and rounding" guidance. A
marker column may hold several markers separated by spaces (``"[p] [r]"``); the order is the
one in MARKERS. Markers that *replace* a figure ([c], [x], [z]) stand where the number would
be; markers that *qualify* a figure that is shown ([u], [p], [r]) go beside it.

The suppressed-sum rule: a sum that includes a suppressed cell is itself suppressed, so a
partial total is never shown as if it were whole. A sum that includes a figure that is not
available is not available; a sum of provisional or revised figures is provisional or revised.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Marker:
    symbol: str
    label: str  # a few words, as in "[c] confidential"
    meaning: str  # the sentence a reader is given
    replaces_value: bool  # True: shown in place of the figure; False: shown beside it

    @property
    def legend(self) -> str:
        return f"{self.symbol} {self.label}"


SUPPRESSED = "[c]"
NOT_AVAILABLE = "[x]"
NOT_APPLICABLE = "[z]"
LOW_RELIABILITY = "[u]"
PROVISIONAL = "[p]"
REVISED = "[r]"

# A row's period-status columns: text ('complete', 'part_year', 'maturing'), each with a
# sibling `<column>_marker` holding [p]. They qualify the whole row; they are not measures, so
# the revisions log and the spreadsheets' figure columns leave them out.
PERIOD_STATUS_COLUMNS = ("period_status", "outcome_period_status")

# A rate or proportion from fewer than this many events is marked low reliability.
LOW_RELIABILITY_EVENTS = 10

MARKERS: dict[str, Marker] = {
    m.symbol: m
    for m in (
        Marker(
            SUPPRESSED,
            "confidential",
            "a count of 1 to 4, or a figure withheld so that such a count cannot be worked "
            "out from totals or related tables; rates and totals built from it are withheld too",
            True,
        ),
        Marker(NOT_AVAILABLE, "not available", "the figure was not collected or supplied", True),
        Marker(NOT_APPLICABLE, "not applicable", "no figure can exist for this cell", True),
        Marker(
            LOW_RELIABILITY,
            "low reliability",
            f"a rate or proportion from fewer than {LOW_RELIABILITY_EVENTS} events; it can "
            "change a lot by chance, so treat it with caution",
            False,
        ),
        Marker(
            PROVISIONAL,
            "provisional",
            "a part year, or an outcome-based figure for a quarter whose outcomes are still "
            "being recorded; it is expected to change",
            False,
        ),
        Marker(REVISED, "revised", "changed since the previous release", False),
    )
}

_MARKER_PATTERN = re.compile(r"\[[a-z]\]")


def marker_legend(*symbols: str) -> str:
    """'[c] confidential, [u] low reliability, [x] not available': the markers named, in the
    order of MARKERS, for a caption under a table or chart."""
    return ", ".join(m.legend for s, m in MARKERS.items() if s in symbols) + "."


# What a marker column may hold, for table schemas (one marker, or several with spaces).
MARKER_COLUMN_PATTERN = (
    "^("
    + "|".join(re.escape(s) for s in MARKERS)
    + ")( ("
    + "|".join(re.escape(s) for s in MARKERS)
    + "))*$"
)


def markers_in(text: str | None) -> tuple[str, ...]:
    """The markers in a marker cell, in canonical order ("[r] [c]" -> ("[c]", "[r]"))."""
    if not text:
        return ()
    found = _MARKER_PATTERN.findall(text)
    unknown = [m for m in found if m not in MARKERS]
    if unknown or not found:
        raise ValueError(f"{text!r} is not GSS shorthand: expected some of {', '.join(MARKERS)}")
    return tuple(m for m in MARKERS if m in found)


def join_markers(*cells: str | None) -> str | None:
    """One marker cell holding every marker of the given cells (None when there are none)."""
    found = {m for cell in cells for m in markers_in(cell)}
    return " ".join(m for m in MARKERS if m in found) or None


def is_suppressed(marker: str | None) -> bool:
    return SUPPRESSED in markers_in(marker)


def replacing_marker(marker: str | None) -> str | None:
    """The marker that stands in place of the figure ([c] before [x] before [z]), if any."""
    return next((m for m in markers_in(marker) if MARKERS[m].replaces_value), None)


def qualifying_markers(marker: str | None) -> str | None:
    """The markers shown beside a figure that is present ([u], [p], [r])."""
    return " ".join(m for m in markers_in(marker) if not MARKERS[m].replaces_value) or None


def is_low_reliability(events: float | None) -> bool:
    return events is not None and events < LOW_RELIABILITY_EVENTS


# ----------------------------------------------------------------- the suppressed sum ----

_CARRIED = (PROVISIONAL, REVISED)  # qualifiers a total inherits from its parts


def suppressed_sum(
    values: Sequence[float | int | None], markers: Sequence[str | None] | None = None
) -> tuple[float | int | None, str | None]:
    """(total, marker) of plain values: None and [c] when any part is suppressed, None and
    [x] when any part is missing for another reason (or there are no parts); qualifiers [p]
    and [r] are carried."""
    markers = list(markers) if markers is not None else [None] * len(values)
    if len(markers) != len(values):
        raise ValueError("suppressed_sum: one marker (or None) per value")
    if not values:  # a total over nothing is not available, never a zero
        return None, NOT_AVAILABLE
    found = {m for cell in markers for m in markers_in(cell)}
    carried = [m for m in _CARRIED if m in found]
    if SUPPRESSED in found:
        return None, join_markers(SUPPRESSED, *carried)
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values):
        return None, join_markers(NOT_AVAILABLE, *carried)
    return sum(values), join_markers(*carried)


def _has(marker: pl.Expr, symbol: str) -> pl.Expr:
    return marker.fill_null("").str.contains(symbol, literal=True)


def sum_expressions(column: str, marker_column: str | None = None) -> list[pl.Expr]:
    """Aggregations for ``group_by().agg()``: ``column`` (null when the total is withheld)
    and ``<column>_marker``, by the suppressed-sum rule. Without a marker column every null
    part makes the total not available."""
    marker = pl.col(marker_column) if marker_column else pl.lit(None, dtype=pl.String)
    suppressed = _has(marker, SUPPRESSED).any()
    missing = pl.col(column).is_null().any() | (pl.len() == 0)
    replaced = (
        pl.when(suppressed)
        .then(pl.lit(SUPPRESSED))
        .when(missing)
        .then(pl.lit(NOT_AVAILABLE))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    parts = [replaced] + [
        pl.when(_has(marker, q).any()).then(pl.lit(q)).otherwise(pl.lit(None, dtype=pl.String))
        for q in _CARRIED
    ]
    total = pl.when(suppressed | missing).then(None).otherwise(pl.col(column).sum())
    joined = pl.concat_str(parts, separator=" ", ignore_nulls=True)
    return [
        total.alias(column),
        pl.when(joined == "").then(None).otherwise(joined).alias(f"{column}_marker"),
    ]


def replacing_marker_expr(marker: pl.Expr) -> pl.Expr:
    """Polars: the marker that stands in place of the figure ([c], [x], [z]), or null."""
    expr = pl.lit(None, dtype=pl.String)
    for symbol in reversed([m.symbol for m in MARKERS.values() if m.replaces_value]):
        expr = pl.when(_has(marker, symbol)).then(pl.lit(symbol)).otherwise(expr)
    return expr


def sum_with_markers(frame: pl.DataFrame, counts: Iterable[str], by: Sequence[str]) -> pl.DataFrame:
    """Sum each count column of ``frame`` by ``by`` under the suppressed-sum rule, reading
    ``<count>_marker`` where the frame has it. Returns ``by``, then ``count`` and
    ``count_marker`` per count, sorted by ``by``."""
    aggregations = []
    for column in counts:
        marker = f"{column}_marker"
        aggregations += sum_expressions(column, marker if marker in frame.columns else None)
    if not by:
        return frame.select(aggregations)
    return frame.group_by(list(by)).agg(aggregations).sort(list(by))


# --------------------------------------------------------------------- number formats ----

EXCEL_COUNT_FORMAT = "#,##0"
EXCEL_DECIMAL_FORMAT = "#,##0.0##"


def format_count(value: float | int | None, marker: str | None = None) -> str:
    """A count as text: "1,234", or its marker when the count is not shown."""
    shown = replacing_marker(marker)
    if shown or value is None:
        return shown or NOT_AVAILABLE
    text = f"{value:,.0f}"
    qualifiers = qualifying_markers(marker)
    return f"{text} {qualifiers}" if qualifiers else text


def format_rate(
    value: float | None,
    marker: str | None = None,
    digits: int = 1,
    percent: bool = False,
    events: float | None = None,
) -> str:
    """A rate or proportion as text ("12.3", "45.6%" when ``percent``, the value being a
    proportion), with [u] when it rests on fewer than LOW_RELIABILITY_EVENTS ``events``."""
    if is_low_reliability(events):
        marker = join_markers(marker, LOW_RELIABILITY)
    shown = replacing_marker(marker)
    if shown or value is None:
        return shown or NOT_AVAILABLE
    text = f"{value * (100 if percent else 1):,.{digits}f}{'%' if percent else ''}"
    qualifiers = qualifying_markers(marker)
    return f"{text} {qualifiers}" if qualifiers else text


def format_pounds(value: float | None, marker: str | None = None) -> str:
    """An amount of money as text ("£45,000", "£243.81m" from a million up), or its marker
    when the amount is not shown (a cost built from a withheld figure is withheld)."""
    shown = replacing_marker(marker)
    if shown or value is None:
        return shown or NOT_AVAILABLE
    text = f"£{value / 1e6:,.2f}m" if abs(value) >= 1e6 else f"£{value:,.0f}"
    qualifiers = qualifying_markers(marker)
    return f"{text} {qualifiers}" if qualifiers else text
