"""The MASIP-return contract (SOURCES.md §12): start, places and lead agency go with a
programme in place and only with one; places are a whole number, never negative; the lead
agency is a code from its seed; a programme cannot start after the year returned."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from ingest.records.readers import profiles_for
from ingest.records.validation import validate
from ingest.sources import source
from ingest.submissions import identity

CONTRACT = source("masip_returns").contract
PROFILE = next(p for p in profiles_for("masip_returns") if p.is_standard)
NOT_IN_PLACE = {"start_date": None, "funded_places": None, "lead_agency_code": None}


def rows(**changes) -> pl.DataFrame:
    row = {
        "_row_number": 2,
        "force_code": "Surrey",
        "financial_year": "2025/26",
        "programme_in_place": "y",
        "start_date": "2021-06-01",
        "funded_places": "1,200",
        "lead_agency_code": " Probation ",
    }
    row |= changes
    return pl.DataFrame(
        [row], schema={k: pl.Int64 if k == "_row_number" else pl.String for k in row}
    )


def rules_broken(**changes) -> set[tuple[str, str]]:
    checked = validate(rows(**changes), CONTRACT, PROFILE, "f.csv", dt.date(2026, 6, 1))
    return {(e.column_name, e.rule) for e in checked.errors}


def test_a_good_row_is_typed():
    checked = validate(rows(), CONTRACT, PROFILE, "f.csv", dt.date(2026, 6, 1))
    assert checked.errors == []
    row = checked.accepted.row(0, named=True)
    assert (row["force_code"], row["programme_in_place"], row["lead_agency_code"]) == (
        "E23000031",
        "Y",
        "probation",
    )
    assert (row["start_date"], row["funded_places"]) == (dt.date(2021, 6, 1), 1200)


def test_a_force_without_a_programme_leaves_the_rest_blank():
    assert rules_broken(programme_in_place="N", **NOT_IN_PLACE) == set()


@pytest.mark.parametrize(
    ("changes", "broken"),
    [
        ({"force_code": "Wessex"}, {("force_code", "unknown_force")}),
        ({"funded_places": "-3"}, {("funded_places", "below_minimum")}),
        ({"funded_places": "12.5"}, {("funded_places", "not_a_whole_number")}),
        ({"start_date": "2026-04-01"}, {("start_date", "start_date_after_year")}),
        ({"start_date": "2026-03-31"}, set()),
        (
            {"programme_in_place": "N", "start_date": None, "lead_agency_code": None},
            {("funded_places", "funded_places_without_programme")},
        ),
        (
            {"programme_in_place": "N", "funded_places": None, "lead_agency_code": None},
            {("start_date", "start_date_without_programme")},
        ),
        (
            {"programme_in_place": "N", "start_date": None, "funded_places": None},
            {("lead_agency_code", "lead_agency_without_programme")},
        ),
        ({"start_date": None}, {("start_date", "start_date_required_when_in_place")}),
        ({"funded_places": None}, {("funded_places", "funded_places_required_when_in_place")}),
        (
            {"lead_agency_code": None},
            {("lead_agency_code", "lead_agency_required_when_in_place")},
        ),
        (
            {"lead_agency_code": "Police and Crime Commissioner"},
            {("lead_agency_code", "unknown_lead_agency")},
        ),
        ({"programme_in_place": "maybe"}, {("programme_in_place", "code_not_allowed")}),
        ({"financial_year": "2025/27"}, {("financial_year", "invalid_financial_year")}),
    ],
)
def test_rules(changes, broken):
    assert rules_broken(**changes) == broken


def test_a_file_name_declares_the_force_the_extraction_date_and_maybe_a_year():
    """Without a declared year a return's years are its rows' years; a yearly return may
    declare its financial year (or a quarter of it), which then bounds its rows."""
    masip = source("masip_returns")
    plain = identity(Path("masip_returns_E23000032_2026-05-04.csv"), masip, 0)
    assert (plain.submitter, plain.periods, plain.problems) == ("E23000032", (), ())
    assert plain.extracted_at.date() == dt.date(2026, 5, 4)
    year = identity(Path("masip_returns_E23000032_2025-26_2026-05-04.csv"), masip, 0)
    assert (year.periods, year.problems) == (("2025/26",), ())
    quarter = identity(Path("masip_returns_E23000032_2025-26_Q3_2026-05-04.csv"), masip, 0)
    assert (quarter.periods, quarter.problems) == (("2025/26",), ())
