"""linkage.people on extracts too small to train on: it must not fail, and nothing links."""

from __future__ import annotations

import datetime as dt

import polars as pl

from ingest.linkage_keys import add_linkage_keys
from linkage.people import link_pairs


def extract(n: int) -> pl.DataFrame:
    """n different people who share a written name (digits are not name letters)."""
    frame = pl.DataFrame(
        {
            "crime_ref": [f"C{i}" for i in range(n)],
            "force_code": ["E23000001"] * n,
            "recorded_date": [dt.date(2025, 4, 1)] * n,
            "offence_code": ["8Q"] * n,
            "relationship": ["ex_partner"] * n,
            "victim_ref": [f"V{i}" for i in range(n)],
            "suspect_ref": [f"S{i}" for i in range(n)],
            "victim_name": [f"Mary Foreign{i}" for i in range(n)],
            "victim_dob": [dt.date(1985, 2, i % 27 + 1) for i in range(n)],
            "victim_sex": ["F"] * n,
            "suspect_name": [f"Peter Suspect{i}" for i in range(n)],
        },
        schema_overrides={"victim_ref": pl.String, "suspect_ref": pl.String},
    )
    return add_linkage_keys(frame, b"unit-test-key")


def test_a_small_extract_of_namesakes_links_nobody():
    result = link_pairs(extract(27))
    assert result.pairs.height == 27 and result.pairs["pair_id"].n_unique() == 27


def test_empty_and_single_record_extracts():
    assert link_pairs(extract(2).head(0)).pairs.is_empty()
    assert link_pairs(extract(2).head(1)).pairs.height == 1


def test_extract_without_linkage_keys_links_on_references():
    frame = (
        extract(4)
        .select(
            "crime_ref",
            "force_code",
            "recorded_date",
            "offence_code",
            "relationship",
            "victim_ref",
            "suspect_ref",
        )
        .with_columns(victim_ref=pl.lit("V"), suspect_ref=pl.lit("S"))
    )
    assert link_pairs(frame).pairs["pair_id"].n_unique() == 1
