"""The action-plan return's contract (SOURCES.md §8): recommendation ids from the seed, an
evidence reference validated by its shape (never free text), and the cross-column rules that
tie dates to the return's quarter and the plan's date to whether a plan is published."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from ingest.records.readers import profiles_for
from ingest.records.validation import validate
from ingest.reference import recommendation_lookup
from ingest.sources import source

CONTRACT = source("action_plan_returns").contract
PROFILE = next(p for p in profiles_for("action_plan_returns") if p.is_standard)
RECOMMENDATION = sorted(recommendation_lookup().values())[0]


def rows(**changes) -> pl.DataFrame:
    row = {
        "_row_number": 2,
        "force_code": "Kent",
        "financial_year": "2025/26",
        "fy_quarter": "Q3",
        "recommendation_id": RECOMMENDATION,
        "status": "implemented",
        "status_date": "2025-11-14",
        "evidence_ref": "EV-2025-0042",
        "plan_published": "Y",
        "plan_published_date": "2024-11-28",
    }
    row |= changes
    return pl.DataFrame(
        [row], schema={k: pl.Int64 if k == "_row_number" else pl.String for k in row}
    )


def rules_broken(**changes) -> set[tuple[str, str]]:
    checked = validate(rows(**changes), CONTRACT, PROFILE, "f.csv", dt.date(2026, 2, 1))
    return {(e.column_name, e.rule) for e in checked.errors}


def test_a_good_row_is_typed():
    checked = validate(rows(), CONTRACT, PROFILE, "f.csv", dt.date(2026, 2, 1))
    assert checked.errors == []
    row = checked.accepted.row(0, named=True)
    assert row["force_code"] == "E23000032"
    assert row["recommendation_id"] == RECOMMENDATION
    assert row["status_date"] == dt.date(2025, 11, 14)
    assert row["plan_published_date"] == dt.date(2024, 11, 28)


@pytest.mark.parametrize(
    ("changes", "broken"),
    [
        # Ids and reference codes are matched case- and space-insensitively.
        ({"recommendation_id": f" {RECOMMENDATION.lower()} "}, set()),
        ({"evidence_ref": " ev-2025-0042 "}, set()),
        ({"recommendation_id": "R99"}, {("recommendation_id", "unknown_recommendation")}),
        # Free text in the evidence column never passes: only the shape of a code does.
        (
            {"evidence_ref": "see email from DCI Smith 07700 900123"},
            {("evidence_ref", "invalid_reference_code")},
        ),
        ({"evidence_ref": "EV2025"}, {("evidence_ref", "invalid_reference_code")}),
        ({"status": "done"}, {("status", "code_not_allowed")}),
        (
            {"evidence_ref": None},
            {("evidence_ref", "evidence_required_when_implemented")},
        ),
        ({"status": "in_progress", "evidence_ref": None}, set()),
        # The status is as at the end of the return's quarter (2025/26 Q3 ends 31 December).
        ({"status_date": "2025-12-31"}, set()),
        (
            {"status_date": "2026-01-01"},
            {("status_date", "status_date_after_return_quarter")},
        ),
        (
            {"fy_quarter": "Q2", "status_date": "2025-09-30", "plan_published_date": "2025-10-01"},
            {("plan_published_date", "plan_date_after_return_quarter")},
        ),
        (
            {"plan_published_date": None},
            {("plan_published_date", "plan_date_required")},
        ),
        (
            {"plan_published": "N"},
            {("plan_published_date", "plan_date_without_published_plan")},
        ),
        ({"plan_published": "N", "plan_published_date": None}, set()),
        ({"status_date": "2026-03-01", "fy_quarter": "Q4"}, {("status_date", "future_date")}),
    ],
)
def test_rules(changes, broken):
    assert rules_broken(**changes) == broken


def test_a_second_row_for_the_same_recommendation_and_quarter_is_a_duplicate():
    frame = pl.concat([rows(), rows(_row_number=3, status="in_progress")])
    checked = validate(frame, CONTRACT, PROFILE, "f.csv", dt.date(2026, 2, 1))
    assert [(e.row_number, e.rule) for e in checked.errors] == [(3, "duplicate_row")]
