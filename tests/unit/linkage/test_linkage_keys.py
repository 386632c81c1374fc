"""ingest.linkage_keys: written variants of one person meet, different people do not, and
no name or date of birth survives."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from ingest.linkage_keys import add_linkage_keys, linkage_key_columns
from ingest.pseudonymise import hash_columns

KEY = b"unit-test-key"


def keyed(rows: list[dict]) -> pl.DataFrame:
    frame = pl.DataFrame(
        rows,
        schema={
            "force_code": pl.String,
            "victim_name": pl.String,
            "victim_dob": pl.Date,
            "victim_sex": pl.String,
            "suspect_name": pl.String,
        },
    )
    return add_linkage_keys(frame, KEY)


def row(name="Jane Smith", dob=dt.date(1980, 3, 5), sex="F", suspect="Mark O'Brien", force="A"):
    return {
        "force_code": force,
        "victim_name": name,
        "victim_dob": dob,
        "victim_sex": sex,
        "suspect_name": suspect,
    }


def test_identifiers_are_dropped_and_only_hex_keys_remain():
    out = keyed([row()])
    assert not {"victim_name", "suspect_name", "victim_dob"} & set(out.columns)
    keys = linkage_key_columns(["victim_name", "victim_dob", "suspect_name"])
    assert set(keys) <= set(out.columns)
    values = out.select(keys).row(0)
    assert all(v is None or (len(v) == 32 and int(v, 16) >= 0) for v in values)
    text = " ".join(v for v in values if v)
    for fragment in ("smith", "jane", "1980", "obrien"):
        assert fragment not in text.lower()


@pytest.mark.parametrize(
    "written", ["Smith, Jane", "JANE SMITH", "jane smith", "  Jane   Smith ", "SMITH, Jane"]
)
def test_name_formats_share_every_name_key(written):
    out = keyed([row(), row(name=written)])
    for column in ("victim_name_key", "victim_forename_key", "victim_surname_key"):
        assert out[column][0] == out[column][1], column


def test_accents_and_apostrophes_normalise():
    out = keyed([row(suspect="Siân O’Brien"), row(suspect="SIAN OBRIEN")])
    assert out["suspect_name_key"][0] == out["suspect_name_key"][1]


def test_a_typo_changes_the_name_key_but_keeps_the_forename_code():
    out = keyed([row(), row(name="Jane Smiht")])
    assert out["victim_name_key"][0] != out["victim_name_key"][1]
    assert out["victim_forename_key"][0] == out["victim_forename_key"][1]


def test_metaphone_meets_spelling_variants():
    out = keyed([row(name="Jane Smith"), row(name="Jane Smyth")])
    assert out["victim_surname_key"][0] == out["victim_surname_key"][1]


def test_day_month_swap_meets_its_swap_key_and_nothing_else():
    out = keyed([row(), row(dob=dt.date(1980, 5, 3)), row(dob=dt.date(1980, 5, 4))])
    dob, swap = out["victim_dob_key"], out["victim_dob_swap_key"]
    assert dob[0] != dob[1] and dob[0] == swap[1] and swap[0] == dob[1]
    assert dob[2] not in (dob[0], swap[0])
    assert out["victim_yob_sex_key"].n_unique() == 1


def test_no_swap_key_when_the_swap_is_not_a_date_or_the_same_date():
    out = keyed([row(dob=dt.date(1980, 3, 25)), row(dob=dt.date(1980, 4, 4))])
    assert out["victim_dob_swap_key"].to_list() == [None, None]


def test_keys_are_national_not_namespaced_by_force():
    out = keyed([row(force="E23000001"), row(force="E23000002")])
    for column in linkage_key_columns(["victim_name", "victim_dob", "suspect_name"]):
        assert out[column][0] == out[column][1], column


def test_keys_never_equal_a_reference_hash_of_the_same_text():
    out = keyed([row(name="Jane Smith")])
    as_reference = hash_columns(
        pl.DataFrame(
            {"ns": [None], "ref": ["jane smith"]}, schema={"ns": pl.String, "ref": pl.String}
        ),
        ["ref"],
        "ns",
        KEY,
    )["ref"][0]
    assert as_reference not in out.row(0)


def test_missing_values_give_null_keys_and_another_key_gives_other_hashes():
    out = keyed([row(name=None, dob=None, suspect="")])
    assert (
        out.select(linkage_key_columns(["victim_name", "victim_dob", "suspect_name"])).row(0)
        == (None,) * 9
    )
    frame = pl.DataFrame([row()])
    assert (
        add_linkage_keys(frame, b"one")["victim_name_key"][0]
        != add_linkage_keys(frame, b"two")["victim_name_key"][0]
    )


def test_frames_without_identifiers_pass_through_and_drop_can_be_deferred():
    plain = pl.DataFrame({"force_code": ["A"], "crime_ref": ["x"]})
    assert add_linkage_keys(plain, KEY).equals(plain)
    kept = add_linkage_keys(pl.DataFrame([row()]), KEY, drop=False)
    assert "victim_name" in kept.columns and "victim_name_key" in kept.columns
