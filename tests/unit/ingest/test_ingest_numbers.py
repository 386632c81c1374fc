"""ingest.numbers: numbers read strictly, one rule for every reader."""

from __future__ import annotations

import polars as pl
import pytest

from ingest.numbers import decimal_expr, integer_expr, parse_decimal


@pytest.mark.parametrize(
    ("text", "whole", "decimal"),
    [
        ("12", 12, 12.0),
        ("1,234", 1234, 1234.0),
        ("1,234,567", 1234567, 1234567.0),
        ("-3", -3, -3.0),
        ("1,2,3", None, None),
        ("12,34", None, None),
        ("1.000", None, 1.0),
        ("1,5", None, None),
        ("3.5", None, 3.5),
        ("1,234.5", None, 1234.5),
        ("lots", None, None),
        ("", None, None),
        ("1 234", None, None),
    ],
)
def test_strict_numbers(text, whole, decimal):
    frame = pl.DataFrame({"v": [text]})
    assert frame.select(integer_expr(pl.col("v")))["v"].to_list() == [whole]
    assert frame.select(decimal_expr(pl.col("v")))["v"].to_list() == [decimal]
    assert parse_decimal(text) == decimal
