"""ingest.areas: one matching key and one resolver for every reader."""

from __future__ import annotations

import polars as pl
import pytest

from ingest.areas import (
    force_code_expr,
    normalise_name,
    normalise_name_expr,
    region_lookup,
    resolve_force,
    resolve_force_name,
)

SPELLINGS = [
    "  Kent   POLICE ",
    "Devon & Cornwall",
    "King's Lynn [note 4]",
    "London, City of",
    "Avon\u00a0and Somerset",
    "Dyfed-Powys",
    "met police",
    "E23000032",
    "",
]


def test_the_vectorised_key_is_the_same_rule():
    column = pl.Series("name", SPELLINGS)
    vectorised = pl.DataFrame([column]).select(normalise_name_expr(pl.col("name")))["name"]
    assert vectorised.to_list() == [normalise_name(s) for s in SPELLINGS]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("  kent   POLICE ", "E23000032"),
        ("Kent Constabulary", "E23000032"),
        ("devon & CORNWALL", "E23000035"),
        ("met police", "E23000001"),
        ("w15000001", "W15000001"),
        ("British Transport Police", "BTP"),
        ("South East", None),  # a region, not a force
        ("Action Fraud", None),
        ("Narnia Constabulary", None),
        ("Jane Doe", None),
    ],
)
def test_record_and_published_readers_resolve_forces_alike(name, code):
    assert resolve_force(name) == code
    frame = pl.DataFrame({"force": [name]})
    assert frame.select(force_code_expr(pl.col("force")))["force"].to_list() == [code]


def test_published_areas_have_their_types():
    assert resolve_force_name("South East").area_type == "region"
    assert resolve_force_name("England and Wales").area_type == "national"
    assert resolve_force_name("Wales").code == "W92000004"
    assert resolve_force_name("Action Fraud").code is None
    assert region_lookup()[normalise_name("East of England")] == "E12000006"


@pytest.mark.parametrize(
    "name, code",
    [
        ("West Midlands", "E12000005"),  # a force has the same name; here it is the region
        ("east midlands", "E12000004"),
        ("Yorkshire and Humber", "E12000003"),
        ("East of England", "E12000006"),
        ("E12000007", "E12000007"),
    ],
)
def test_every_region_name_resolves_in_a_region_column(name, code):
    assert region_lookup()[normalise_name(name)] == code
