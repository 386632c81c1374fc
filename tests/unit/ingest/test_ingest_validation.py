"""ingest.records.validation: each rule on its own, vectorised, values only as shapes."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from ingest.errors import FileRejected, value_shape
from ingest.records.readers import profiles_for
from ingest.records.validation import check_required_columns, validate
from ingest.sources import source

ADVOCACY = source("advocacy_caseload").contract
PROFILE = next(p for p in profiles_for("advocacy_caseload") if p.is_standard)
SERVICE = "Beacon Stalking Advocacy - South East (synthetic)"


def rows(**changes) -> pl.DataFrame:
    row = {
        "_row_number": 2,
        "service_name": SERVICE,
        "month": "2025-10",
        "force_code": "Kent",
        "referrals_received": "5",
        "cases_opened": "3",
        "cases_closed": "2",
        "open_cases_end": "10",
        "waiting_list_end": "1",
        "advocate_fte": "1.5",
    }
    row |= changes
    return pl.DataFrame(
        [row], schema={k: pl.Int64 if k == "_row_number" else pl.String for k in row}
    )


def rules_broken(**changes) -> set[tuple[str, str]]:
    checked = validate(rows(**changes), ADVOCACY, PROFILE, "f.csv", dt.date(2026, 1, 1))
    return {(e.column_name, e.rule) for e in checked.errors}


def test_a_good_row_is_typed():
    checked = validate(rows(), ADVOCACY, PROFILE, "f.csv", dt.date(2026, 1, 1))
    assert checked.errors == []
    row = checked.accepted.row(0, named=True)
    assert (row["force_code"], row["referrals_received"], row["advocate_fte"]) == (
        "E23000032",
        5,
        1.5,
    )
    assert row["service_name"] == SERVICE


@pytest.mark.parametrize(
    ("changes", "broken"),
    [
        ({"service_name": "beacon  STALKING advocacy - south east (SYNTHETIC)"}, set()),
        ({"service_name": "Jane Doe 07700 900123"}, {("service_name", "unknown_service")}),
        ({"referrals_received": "1,2,3"}, {("referrals_received", "not_a_whole_number")}),
        ({"cases_opened": "1.000"}, {("cases_opened", "not_a_whole_number")}),
        ({"advocate_fte": "12,34"}, {("advocate_fte", "not_a_number")}),
        ({"month": "2025-13"}, {("month", "invalid_month")}),
        ({"force_code": "Narnia"}, {("force_code", "unknown_force")}),
        ({"cases_closed": "-1"}, {("cases_closed", "below_minimum")}),
        ({"month": None}, {("month", "required_value_missing")}),
        (
            {"force_code": "Ke\x00nt"},
            {("force_code", "control_character"), ("force_code", "unknown_force")},
        ),
    ],
)
def test_each_rule(changes, broken):
    assert rules_broken(**changes) == broken


def test_messages_carry_shapes_not_values():
    checked = validate(
        rows(service_name="Jane Doe 07700 900123"), ADVOCACY, PROFILE, "f.csv", dt.date(2026, 1, 1)
    )
    (error,) = checked.errors
    assert "Jane" not in error.message and error.value_shape == "Aaaa Aaa 99999 999999"
    assert value_shape("8Q") == "8Q" and value_shape("a\x00b") == "a\\x00a"


def test_a_missing_required_column_is_named():
    with pytest.raises(FileRejected, match="required column.s. missing: month") as info:
        check_required_columns(rows().drop("month"), ADVOCACY, PROFILE, "f.csv")
    assert "service_name" not in str(info.value).split("missing:")[1].split("(")[0]
