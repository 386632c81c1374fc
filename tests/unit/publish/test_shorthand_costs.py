"""Issue 18 item 5: a total or cost built from a withheld figure is withheld. The rule is
publish/shorthand.py's (the suppressed sum, and format_pounds for money); the warehouse's SQL
twin (macros/shorthand.sql) is checked against it on the demo pipeline in
tests/test_service_funding.py."""

from __future__ import annotations

import polars as pl

from publish.shorthand import (
    NOT_AVAILABLE,
    PROVISIONAL,
    SUPPRESSED,
    format_pounds,
    sum_with_markers,
)


def test_a_years_referrals_with_a_withheld_month_are_withheld():
    months = pl.DataFrame(
        {
            "service_name": ["S1"] * 3 + ["S2"] * 2,
            "referrals_received": [10, None, 7, 12, None],
            "referrals_received_marker": [None, SUPPRESSED, None, None, None],
        }
    )
    year = sum_with_markers(months, ["referrals_received"], ["service_name"])
    assert year.rows() == [("S1", None, SUPPRESSED), ("S2", None, NOT_AVAILABLE)]
    shown = sum_with_markers(months.head(1), ["referrals_received"], ["service_name"])
    assert shown.rows() == [("S1", 10, None)]


def test_money_is_shown_in_pounds_or_as_the_marker_that_replaces_it():
    assert format_pounds(243_810_000) == "£243.81m"
    assert format_pounds(42_000) == "£42,000"
    assert format_pounds(6_750.4, PROVISIONAL) == f"£6,750 {PROVISIONAL}"
    assert format_pounds(None, SUPPRESSED) == SUPPRESSED
    assert format_pounds(6_750, SUPPRESSED) == SUPPRESSED  # a withheld cost is never shown
    assert format_pounds(None) == NOT_AVAILABLE
