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
    ACTION_PLAN_RETURNS,
    ADVOCACY_CASELOAD,
    CPS_RETURNS,
    FORCE_CRIMES,
    FORCE_SPOS,
    HELPLINE_CONTACTS,
    MASIP_RETURNS,
    SERVICE_FUNDING,  # issue 18 item 5
    SURVEY_ESTIMATES,
    TRAINING_RETURNS,
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
    """One source. The submission period key (what a resubmission replaces) is the values of
    `scope` then of `period`, joined by '|', exactly as int_ingest__submission_periods keys
    it: `scope` are columns naming who or where (the submitter first, if it is a column);
    `period` are columns, or `financial_year:<date column>`, `fy_quarter:<date column>`,
    `month:<datetime column>` derived from one."""

    name: str
    family: str  # "records" or "official"
    grain: str  # what one raw row is
    contract: Contract | None = None  # records: the national standard
    reader: str | None = None  # official: "module:function", imported when first used
    suite: OfficialSuite | None = None  # official: batch expectations
    scope: tuple[str, ...] = ()
    period: tuple[str, ...] = ()
    submitter: str | None = None  # the scope column that names the submitter, if any
    period_grain: str = "quarter"  # what a declared period is: quarter, month, year or edition

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
    Source(
        "force_crimes",
        "records",
        "one crime recorded by a force",
        FORCE_CRIMES,
        scope=("force_code",),
        period=("financial_year:recorded_date", "fy_quarter:recorded_date"),
        submitter="force_code",
    ),
    Source(
        "force_spos",
        "records",
        "one Stalking Protection Order application",
        FORCE_SPOS,
        scope=("force_code",),
        period=("financial_year:application_date", "fy_quarter:application_date"),
        submitter="force_code",
    ),
    Source(
        "cps_returns",
        "records",
        "one force, quarter and offence act of CPS charging",
        CPS_RETURNS,
        scope=("force_code",),
        period=("financial_year", "fy_quarter"),
    ),
    Source(
        "helpline_contacts",
        "records",
        "one contact with the helpline",
        HELPLINE_CONTACTS,
        MASIP_RETURNS,
        period=("month:contact_datetime",),
        period_grain="month",
    ),
    Source(
        "advocacy_caseload",
        "records",
        "one advocacy service, force and month",
        ADVOCACY_CASELOAD,
        scope=("service_name", "force_code"),
        period=("month",),
        submitter="service_name",
        period_grain="month",
    ),
    Source(
        "action_plan_returns",
        "records",
        "one force, quarter and recommendation of an action-plan progress return",
        ACTION_PLAN_RETURNS,
        scope=("force_code",),
        period=("financial_year", "fy_quarter"),
        submitter="force_code",
    ),
    Source(
        "survey_estimates",
        "records",
        "one survey and 12 months of a published national survey estimate",
        SURVEY_ESTIMATES,
        period=("period_end",),
        period_grain="month",
    ),
    # issue 18 item 5: a service's funding and capacity for a year, by funder.
    Source(
        "service_funding",
        "records",
        "one service, force area served, financial year and funding source",
        SERVICE_FUNDING,
        scope=("service_name", "force_code"),
        period=("financial_year",),
        submitter="service_name",
    ),
    # issue 18 item 2: training returns
    Source(
        "training_returns",
        "records",
        "one force, financial year and course type of a stalking training return",
        TRAINING_RETURNS,
        scope=("force_code",),
        period=("financial_year",),
        submitter="force_code",
        period_grain="year",
    ),
    # --- issue 18 item 3: MASIP returns (SOURCES.md §12) ---
    Source(
        "masip_returns",
        "records",
        "one force and financial year of a MASIP return",
        MASIP_RETURNS,
        scope=("force_code",),
        period=("financial_year",),
        submitter="force_code",
        # A file declares its force (and extraction date); its years are the rows' years.
        period_grain="year",
    ),
    Source(
        "home_office_prc",
        "official",
        "one force, quarter and offence of Home Office recorded crime",
        reader="ingest.official.home_office:read_home_office_prc",
        period=("financial_year", "fy_quarter"),
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
        period=("period_end",),
        period_grain="edition",
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
        period=("period_end",),
        period_grain="edition",
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
