"""The action-plan return's Great Expectations suite (from its contract): a batch of real
returns passes; free text that reached raw/ in the evidence column, or a recommendation id the
seed does not hold, fails the file on its own and quarantines it."""

from __future__ import annotations

import os

import polars as pl
import pytest

from ingest.ledger import Ledger
from ingest.runner import ingest_source
from ingest.settings import DataPaths
from quality.batch_check import check_batch

HEADER = (
    "force_code,financial_year,fy_quarter,recommendation_id,status,status_date,evidence_ref,"
    "plan_published,plan_published_date\n"
)
ROW = "{force},2024/25,Q3,SYN-R01,implemented,2024-11-20,EV-2024-0001,Y,2024-11-28\n"
OLD = 1_735_689_600 * 10**9
FORCES = ("E23000032", "E23000031")


@pytest.fixture
def paths(tmp_path, monkeypatch) -> DataPaths:
    monkeypatch.setenv("STALKING_PSEUDONYMISATION_KEY", "k")
    paths = DataPaths(tmp_path).ensure()
    for i, force in enumerate(FORCES):
        path = paths.landing / "action_plan_returns" / f"action_plan_returns_{force}.csv"
        path.write_text(HEADER + ROW.format(force=force))
        os.utime(path, ns=(OLD + i, OLD + i))
    ingest_source("action_plan_returns", paths)
    return paths


def raw_part(paths: DataPaths, force: str):
    records = Ledger(paths.ledger, paths.quarantine, paths.archive).records("action_plan_returns")
    record_id = records.filter(pl.col("file_name").str.contains(force))["record_id"].item()
    return record_id, paths.raw / "action_plan_returns" / record_id / "part.parquet"


def test_a_good_batch_passes(paths):
    check = check_batch("action_plan_returns", paths)
    assert check.passed and check.files == 2 and not check.quarantined


@pytest.mark.parametrize(
    ("column", "value"),
    [("evidence_ref", "see email from DCI Smith"), ("recommendation_id", "R-99")],
)
def test_a_value_the_contract_forbids_fails_its_file(paths, column, value):
    bad, part = raw_part(paths, FORCES[1])
    pl.read_parquet(part).with_columns(pl.lit(value).alias(column)).write_parquet(part)
    check = check_batch("action_plan_returns", paths)
    assert check.passed and check.quarantined == [bad]
