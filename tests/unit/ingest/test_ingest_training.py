"""The training-return contract (SOURCES.md §10): a known force, a course type from the seed
ref_training_courses (never free text), counts that are whole and not negative, trained
within in scope; and a yearly return declares its financial year in its file name."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from ingest.records.readers import profiles_for
from ingest.records.validation import validate
from ingest.sources import source
from ingest.submissions import identity, key_parts, keyed

SOURCE = source("training_returns")
CONTRACT = SOURCE.contract
PROFILE = next(p for p in profiles_for("training_returns") if p.is_standard)


def rows(**changes) -> pl.DataFrame:
    row = {
        "_row_number": 2,
        "force_code": "Surrey",
        "financial_year": "2024/25",
        "course_type": "Specialist_CoDelivered",
        "in_scope": "1,250",
        "trained": "300",
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
    assert row["force_code"] == "E23000031"
    assert (row["course_type"], row["in_scope"], row["trained"]) == (
        "specialist_codelivered",
        1250,
        300,
    )


@pytest.mark.parametrize(
    ("changes", "broken"),
    [
        ({"force_code": "Atlantis Police"}, {("force_code", "unknown_force")}),
        ({"course_type": "Stalking awareness day"}, {("course_type", "unknown_course_type")}),
        ({"trained": "1251"}, {("trained", "trained_exceeds_in_scope")}),
        (
            {"in_scope": "-5", "trained": "0"},
            {("in_scope", "below_minimum"), ("trained", "trained_exceeds_in_scope")},
        ),
        ({"trained": "-1"}, {("trained", "below_minimum")}),
        ({"trained": "12.5"}, {("trained", "not_a_whole_number")}),
        ({"financial_year": "2024/26"}, {("financial_year", "invalid_financial_year")}),
        ({"trained": None}, {("trained", "required_value_missing")}),
    ],
)
def test_rules(changes, broken):
    assert rules_broken(**changes) == broken


def test_a_course_type_twice_in_a_year_is_a_duplicate():
    frame = pl.concat([rows(), rows(_row_number=3, trained="310")])
    checked = validate(frame, CONTRACT, PROFILE, "f.csv", dt.date(2026, 1, 1))
    assert [(e.row_number, e.rule) for e in checked.errors] == [(3, "duplicate_row")]


def test_the_file_name_declares_the_force_and_its_financial_year():
    path = Path("SYNTHETIC_training_returns_E23000031_2024-25.csv")
    ident = identity(path, SOURCE, 0)
    assert (ident.submitter, ident.periods, ident.problems) == ("E23000031", ("2024/25",), ())
    assert identity(Path("training_returns_E23000031_2024-26.csv"), SOURCE, 0).periods == ()


def test_the_period_key_is_the_force_and_year_and_inverts():
    typed = validate(rows(), CONTRACT, PROFILE, "f.csv", dt.date(2026, 1, 1)).accepted
    key = keyed(typed, SOURCE)["_period_key"].item()
    assert key == "E23000031|2024/25"
    assert key_parts(SOURCE, key) == {"force_code": "E23000031", "financial_year": "2024/25"}
