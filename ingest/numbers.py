"""Numbers read strictly, the one rule for every reader (SOURCES.md, common rules).

`1,234` is one thousand two hundred and thirty-four: commas only between groups of three
digits. `1,2,3`, `12,34` and `1.000` are not numbers in a count column (they are row errors,
never silently 123, 1234 or 1); `1.000` is a number in a decimal column.
"""

from __future__ import annotations

import re

import polars as pl

_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)"
INTEGER_PATTERN = rf"^[-+]?{_DIGITS}$"
DECIMAL_PATTERN = rf"^[-+]?(?:{_DIGITS}(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?$"
_DECIMAL_RE = re.compile(DECIMAL_PATTERN)


def integer_expr(text: pl.Expr) -> pl.Expr:
    """The whole number a text column holds (Int64), null where it is not one."""
    return pl.when(text.str.contains(INTEGER_PATTERN)).then(
        text.str.replace_all(",", "", literal=True).cast(pl.Int64, strict=False)
    )


def decimal_expr(text: pl.Expr) -> pl.Expr:
    """The number a text column holds (Float64), null where it is not one."""
    return pl.when(text.str.contains(DECIMAL_PATTERN)).then(
        text.str.replace_all(",", "", literal=True).cast(pl.Float64, strict=False)
    )


def parse_decimal(text: str) -> float | None:
    """One value by the same rule as `decimal_expr`."""
    return float(text.replace(",", "")) if _DECIMAL_RE.match(text) else None
