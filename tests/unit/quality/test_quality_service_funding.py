"""The service funding return's Great Expectations suite (from its contract): a batch of real
returns passes; a funder outside the seed, or a negative amount, that reached raw/ fails its
file on its own and quarantines it."""

from __future__ import annotations

import os

import polars as pl
import pytest

from ingest.ledger import Ledger
from ingest.reference import service_lookup
from ingest.runner import ingest_source
from ingest.settings import DataPaths
from quality.batch_check import check_batch

HEADER = (
    "service_name,force_code,financial_year,funding_source,funding_gbp,advocate_fte,"
    "caseload_capacity\n"
)
ROW = "{service},{force},2024/25,pcc,90000,2.0,50\n"
OLD = 1_735_689_600 * 10**9
FORCES = ("E23000032", "E23000031")
SERVICE = sorted(service_lookup().values())[0]


@pytest.fixture
def paths(tmp_path, monkeypatch) -> DataPaths:
    monkeypatch.setenv("STALKING_PSEUDONYMISATION_KEY", "k")
    paths = DataPaths(tmp_path).ensure()
    for i, force in enumerate(FORCES):
        path = paths.landing / "service_funding" / f"service_funding_{force}.csv"
        path.write_text(HEADER + ROW.format(service=SERVICE, force=force))
        os.utime(path, ns=(OLD + i, OLD + i))
    ingest_source("service_funding", paths)
    return paths


def raw_part(paths: DataPaths, force: str):
    records = Ledger(paths.ledger, paths.quarantine, paths.archive).records("service_funding")
    record_id = records.filter(pl.col("file_name").str.contains(force))["record_id"].item()
    return record_id, paths.raw / "service_funding" / record_id / "part.parquet"


def test_a_good_batch_passes(paths):
    check = check_batch("service_funding", paths)
    assert check.passed and check.files == 2 and not check.quarantined


@pytest.mark.parametrize(
    ("column", "value"),
    [("funding_source", pl.lit("lottery")), ("funding_gbp", pl.lit(-1.0))],
)
def test_a_value_the_contract_forbids_fails_its_file(paths, column, value):
    bad, part = raw_part(paths, FORCES[1])
    pl.read_parquet(part).with_columns(value.alias(column)).write_parquet(part)
    check = check_batch("service_funding", paths)
    assert check.passed and check.quarantined == [bad]
