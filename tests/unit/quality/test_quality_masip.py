"""The MASIP return's Great Expectations suite (from its contract): a batch of real returns
passes; a lead agency the seed does not hold, or a negative place count, that reached raw/
fails the file on its own and quarantines it."""

from __future__ import annotations

import os

import polars as pl
import pytest

from ingest.ledger import Ledger
from ingest.runner import ingest_source
from ingest.settings import DataPaths
from quality.batch_check import check_batch

HEADER = "force_code,financial_year,programme_in_place,start_date,funded_places,lead_agency_code\n"
ROWS = "{force},2024/25,Y,2023-05-02,30,police\n{force},2025/26,N,,,\n"
OLD = 1_735_689_600 * 10**9
FORCES = ("E23000032", "E23000031")


@pytest.fixture
def paths(tmp_path, monkeypatch) -> DataPaths:
    monkeypatch.setenv("STALKING_PSEUDONYMISATION_KEY", "k")
    paths = DataPaths(tmp_path).ensure()
    for i, force in enumerate(FORCES):
        path = paths.landing / "masip_returns" / f"masip_returns_{force}.csv"
        path.write_text(HEADER + ROWS.format(force=force))
        os.utime(path, ns=(OLD + i, OLD + i))
    ingest_source("masip_returns", paths)
    return paths


def raw_part(paths: DataPaths, force: str):
    records = Ledger(paths.ledger, paths.quarantine, paths.archive).records("masip_returns")
    record_id = records.filter(pl.col("file_name").str.contains(force))["record_id"].item()
    return record_id, paths.raw / "masip_returns" / record_id / "part.parquet"


def test_a_good_batch_passes(paths):
    check = check_batch("masip_returns", paths)
    assert check.passed and check.files == 2 and not check.quarantined


@pytest.mark.parametrize(
    ("column", "value"),
    [("lead_agency_code", pl.lit("Police and Crime Commissioner")), ("funded_places", pl.lit(-3))],
)
def test_a_value_the_contract_forbids_fails_its_file(paths, column, value):
    bad, part = raw_part(paths, FORCES[1])
    frame = pl.read_parquet(part)
    frame.with_columns(value.cast(frame.schema[column]).alias(column)).write_parquet(part)
    check = check_batch("masip_returns", paths)
    assert check.passed and check.quarantined == [bad]
