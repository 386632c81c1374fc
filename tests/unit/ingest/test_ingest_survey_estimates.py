"""The survey-estimates contract (SOURCES.md §9): per cents within 0-100 and the estimate
within its interval; the survey is a code, the period a month."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from ingest.records.readers import profiles_for
from ingest.records.validation import validate
from ingest.sources import source

CONTRACT = source("survey_estimates").contract
PROFILE = next(p for p in profiles_for("survey_estimates") if p.is_standard)


def rows(**changes) -> pl.DataFrame:
    row = {
        "_row_number": 2,
        "survey": "CSEW",
        "period_end": "2024-09",
        "estimate_pct": "2.8",
        "lower_pct": "2.6",
        "upper_pct": "3.0",
        "population_base": "48,600,000",
    }
    row |= changes
    return pl.DataFrame(
        [row], schema={k: pl.Int64 if k == "_row_number" else pl.String for k in row}
    )


def rules_broken(**changes) -> set[tuple[str, str]]:
    checked = validate(rows(**changes), CONTRACT, PROFILE, "f.csv", dt.date(2026, 1, 1))
    return {(e.column_name, e.rule) for e in checked.errors}


def test_a_good_row_is_typed():
    checked = validate(rows(), CONTRACT, PROFILE, "f.csv", dt.date(2026, 1, 1))
    assert checked.errors == []
    row = checked.accepted.row(0, named=True)
    assert (row["survey"], row["period_end"], row["estimate_pct"]) == ("csew", "2024-09", 2.8)
    assert row["population_base"] == 48_600_000


@pytest.mark.parametrize(
    ("changes", "broken"),
    [
        ({"estimate_pct": "3.1"}, {("estimate_pct", "estimate_outside_interval")}),
        ({"lower_pct": "2.9"}, {("estimate_pct", "estimate_outside_interval")}),
        ({"upper_pct": "101"}, {("upper_pct", "above_maximum")}),
        ({"estimate_pct": "2,8"}, {("estimate_pct", "not_a_number")}),
        ({"survey": "bcs"}, {("survey", "code_not_allowed")}),
        ({"period_end": "Sept 2024"}, {("period_end", "invalid_month")}),
        ({"population_base": "0"}, {("population_base", "below_minimum")}),
    ],
)
def test_rules(changes, broken):
    assert rules_broken(**changes) == broken
