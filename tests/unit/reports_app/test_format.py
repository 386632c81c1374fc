"""Periods, numbers and tidy downloads (reports_app.format): no snapshot needed."""

from __future__ import annotations

import io
from datetime import date

import polars as pl
import pytest

from publish.shorthand import NOT_AVAILABLE
from reports_app.data import SUPPRESSED
from reports_app.format import (
    TIDY_COLUMNS,
    all_periods,
    figure_text,
    next_period,
    period_kind,
    period_start,
    stacked,
    table_csv,
)


@pytest.mark.parametrize(
    ("period", "start", "kind"),
    [
        ("2025-04", date(2025, 4, 1), "month"),
        ("2026-01", date(2026, 1, 1), "month"),
        ("2025/26 Q1", date(2025, 4, 1), "quarter"),
        ("2025/26 Q3", date(2025, 10, 1), "quarter"),
        ("2025/26 Q4", date(2026, 1, 1), "quarter"),
        ("2025/26", date(2025, 4, 1), "financial_year"),
    ],
)
def test_period_start_and_kind(period, start, kind):
    assert period_start(period) == start
    assert period_kind(period) == kind


def test_a_bad_period_is_named():
    with pytest.raises(ValueError, match="not-a-period"):
        period_start("not-a-period")


def test_next_period_crosses_years():
    assert next_period("2025-12") == "2026-01"
    assert next_period("2025/26 Q4") == "2026/27 Q1"
    assert next_period("2025/26 Q2") == "2025/26 Q3"
    assert next_period("2099/00") == "2100/01"


def test_all_periods_fills_the_gaps_in_time_order():
    # A suppressed month dropped from a series, and the rest out of order, as a nominal axis
    # once drew them: the time series has every month, in order.
    assert all_periods(["2025-06", "2025-03", "2025-05"]) == [
        "2025-03",
        "2025-04",
        "2025-05",
        "2025-06",
    ]
    assert all_periods(["2025/26 Q4", "2025/26 Q2"]) == ["2025/26 Q2", "2025/26 Q3", "2025/26 Q4"]
    assert all_periods([]) == []


def test_stacked_puts_one_labelled_row_per_measure_and_keeps_withheld_values():
    wide = pl.DataFrame(
        {"month": ["2025-04", "2025-05"], "answered": [10, None], "unanswered": [3, 4], "x": [1, 2]}
    )
    long = stacked(
        wide,
        "month",
        {"answered": "Answered", "unanswered": "Unanswered"},
        name="status",
        value="contacts",
    )
    assert long.columns == ["month", "status", "contacts"]
    assert long.rows() == [
        ("2025-04", "Answered", 10),
        ("2025-05", "Answered", None),
        ("2025-04", "Unanswered", 3),
        ("2025-05", "Unanswered", 4),
    ]
    by_two = stacked(wide, ["month", "x"], {"answered": "A"}, name="m", value="v")
    assert by_two.columns == ["month", "x", "m", "v"]


def test_figure_text_keeps_sensible_decimals():
    assert figure_text(12.3456, "%") == "12.3%"
    assert figure_text(0.123456, "per 1,000 residents") == "0.12"
    assert figure_text(None, "%", SUPPRESSED) == SUPPRESSED
    assert figure_text(5.0, "%", "[u]") == "5.0% [u]"


def test_table_csv_is_tidy_with_integer_counts_and_rounded_values():
    frame = pl.DataFrame(
        {
            "force_code": ["E23000032", "E23000034"],
            "force_name": ["Kent", "City of London"],
            "crimes": [840.0, None],
            "crimes_marker": [None, SUPPRESSED],
            "rate_pct": [12.345678901234567, None],
            "value_marker": [None, SUPPRESSED],
        }
    )
    text = table_csv(
        frame,
        counts=["crimes"],
        pct=["rate_pct"],
        decimals={},
        release_id="2026-12-01",
        period="2025/26",
        measure_names={"crimes": "Crimes", "rate_pct": "Rate (%)"},
    )
    rows = pl.read_csv(io.StringIO(text), infer_schema=False)
    assert rows.columns[: len(TIDY_COLUMNS)] == TIDY_COLUMNS
    assert "840.0" not in text and "12.345678" not in text
    kent = rows.filter(pl.col("area_code") == "E23000032")
    assert kent.filter(pl.col("measure") == "Crimes")["value"].item() == "840"
    assert kent.filter(pl.col("measure") == "Rate (%)")["value"].item() == "12.3"
    city = rows.filter(pl.col("area_code") == "E23000034")
    assert city["value"].is_null().all() and (city["marker"] == SUPPRESSED).all()
    assert (rows["period"] == "2025/26").all() and (rows["release_id"] == "2026-12-01").all()


def test_table_csv_writes_ledger_numbers_as_measures_and_marks_every_empty_value():
    frame = pl.DataFrame(
        {
            "source": ["force_crimes", "cps_returns"],
            "files": [12, None],
            "advocate_fte": [3.14159, None],
        }
    )
    text = table_csv(
        frame,
        counts=[],
        pct=[],
        decimals={"advocate_fte": 1},
        numbers=["files"],
        release_id="r1",
        area=("K04000001", "England and Wales"),
        period="2025/26",
    )
    rows = pl.read_csv(io.StringIO(text), infer_schema=False)
    assert rows.columns[: len(TIDY_COLUMNS)] == TIDY_COLUMNS
    assert rows["source"].to_list() == ["force_crimes", "cps_returns"] * 2  # labels kept
    files = rows.filter(pl.col("measure") == "files")
    assert files["value"].to_list() == ["12", None] and files["unit"].to_list() == ["count"] * 2
    assert rows.filter(pl.col("measure") == "advocate_fte")["value"][0] == "3.1"
    # No blank cell without its reason: an empty value is marked [x] (not available).
    assert (rows.filter(pl.col("value").is_null())["marker"] == NOT_AVAILABLE).all()
