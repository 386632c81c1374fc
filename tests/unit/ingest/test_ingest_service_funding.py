"""The service funding contract (SOURCES.md §11): the service from the register, the funder a
code from seed ref_funding_sources, pounds and capacity never negative, funded FTE within a
sane bound."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from ingest.records.contracts import MAX_FUNDED_FTE
from ingest.records.readers import profiles_for
from ingest.records.validation import validate
from ingest.reference import funding_source_lookup, service_lookup
from ingest.sources import source

CONTRACT = source("service_funding").contract
PROFILE = next(p for p in profiles_for("service_funding") if p.is_standard)
SERVICE = sorted(service_lookup().values())[0]


def rows(**changes) -> pl.DataFrame:
    row = {
        "_row_number": 2,
        "service_name": SERVICE.upper(),
        "force_code": "E23000032",
        "financial_year": "2024/25",
        "funding_source": " Home_Office ",
        "funding_gbp": "125,000.50",
        "advocate_fte": "2.5",
        "caseload_capacity": "62",
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
    assert (row["service_name"], row["funding_source"]) == (SERVICE, "home_office")
    assert (row["funding_gbp"], row["advocate_fte"], row["caseload_capacity"]) == (
        125_000.5,
        2.5,
        62,
    )


def test_the_funding_sources_are_the_seed_codes():
    assert set(funding_source_lookup().values()) == {
        "home_office",
        "pcc",
        "moj",
        "local_authority",
        "charitable",
        "other",
    }


@pytest.mark.parametrize(
    ("changes", "broken"),
    [
        ({"funding_source": "National Lottery"}, {("funding_source", "unknown_funding_source")}),
        ({"service_name": "A new service"}, {("service_name", "unknown_service")}),
        ({"force_code": "E23999999"}, {("force_code", "unknown_force")}),
        ({"funding_gbp": "-5000"}, {("funding_gbp", "below_minimum")}),
        ({"funding_gbp": "£5,000"}, {("funding_gbp", "not_a_number")}),
        ({"advocate_fte": str(MAX_FUNDED_FTE + 1)}, {("advocate_fte", "above_maximum")}),
        ({"caseload_capacity": "-1"}, {("caseload_capacity", "below_minimum")}),
        ({"financial_year": "2024-25"}, {("financial_year", "invalid_financial_year")}),
    ],
)
def test_rules(changes, broken):
    assert rules_broken(**changes) == broken
