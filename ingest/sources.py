"""The one registry of sources: every other list of sources derives from this one.

A source is one folder under landing/. Its family says how it is read: `records` sources
(force extracts, CPS returns, charity returns) go through an export profile, the source's
contract (ingest.records.contracts) and row validation; `official` sources (published
statistics) go through a reader of their own (ingest.official). Adding a source is an entry
here, a contract or reader, a staging model; the quality suite follows from the entry.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ingest.records.contracts import (
    ADVOCACY_CASELOAD,
    CPS_RETURNS,
    FORCE_CRIMES,
    FORCE_SPOS,
    HELPLINE_CONTACTS,
    Contract,
)

AREA_TYPES = ["national", "country", "region", "force", "other"]


@dataclass(frozen=True)
class OfficialSuite:
    """The batch expectations of a published table (record sources derive theirs from the
    contract): columns never null, columns within a set, columns matching a pattern."""

    not_null: tuple[str, ...]
    in_set: dict[str, list[str]] = field(default_factory=dict)
    regex: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    name: str
    family: str  # "records" or "official"
    grain: str  # what one raw row is
    contract: Contract | None = None  # records: the national standard
    reader: str | None = None  # official: "module:function", imported when first used
    suite: OfficialSuite | None = None  # official: batch expectations

    @property
    def is_records(self) -> bool:
        return self.family == "records"

    def read_official(self) -> Callable[[Path], object]:
        module, function = self.reader.split(":")
        return getattr(importlib.import_module(module), function)

    @property
    def raw_schema(self) -> dict[str, pl.DataType]:
        """Official sources: the columns their reader returns, which raw/ stores as they are."""
        module = self.reader.split(":")[0]
        return importlib.import_module(module).RAW_SCHEMA


REGISTRY: tuple[Source, ...] = (
    Source("force_crimes", "records", "one crime recorded by a force", contract=FORCE_CRIMES),
    Source("force_spos", "records", "one Stalking Protection Order application", FORCE_SPOS),
    Source(
        "cps_returns",
        "records",
        "one force, quarter and offence act of CPS charging",
        CPS_RETURNS,
    ),
    Source("helpline_contacts", "records", "one contact with the helpline", HELPLINE_CONTACTS),
    Source(
        "advocacy_caseload",
        "records",
        "one advocacy service, force and month",
        ADVOCACY_CASELOAD,
    ),
    Source(
        "home_office_prc",
        "official",
        "one force, quarter and offence of Home Office recorded crime",
        reader="ingest.official.home_office:read_home_office_prc",
        suite=OfficialSuite(
            not_null=("financial_year", "fy_quarter", "force_name", "offence_code"),
            in_set={"fy_quarter": ["Q1", "Q2", "Q3", "Q4"]},
            regex={"financial_year": r"^\d{4}/\d{2}$"},
        ),
    ),
    Source(
        "ons_pfa_tables",
        "official",
        "one area, period and offence group of the ONS PFA tables",
        reader="ingest.official.ons_tables:read_ons_pfa_tables",
        suite=OfficialSuite(
            not_null=("area_code", "area_name", "area_type", "period_end", "offence_group"),
            in_set={"area_type": AREA_TYPES},
        ),
    ),
    Source(
        "ons_pfa_rolling",
        "official",
        "one area, rolling year and offence of the ONS rolling CSV",
        reader="ingest.official.ons_rolling:read_ons_pfa_rolling",
        suite=OfficialSuite(
            not_null=("period_end", "area_name", "area_type", "offence_group"),
            in_set={"area_type": AREA_TYPES},
        ),
    ),
)

BY_NAME: dict[str, Source] = {s.name: s for s in REGISTRY}
NAMES: tuple[str, ...] = tuple(BY_NAME)
CONTRACTS: dict[str, Contract] = {s.name: s.contract for s in REGISTRY if s.is_records}


def source(name: str) -> Source:
    return BY_NAME[name]
