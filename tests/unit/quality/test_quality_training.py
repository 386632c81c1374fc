"""The training return's Great Expectations suite (from its contract): a batch of real
returns passes; a course type outside the seed, or a negative count, that reached raw/ fails
the file on its own and quarantines it."""

from __future__ import annotations

import os

import polars as pl
import pytest

from ingest.ledger import Ledger
from ingest.runner import ingest_source
from ingest.settings import DataPaths
from quality.batch_check import check_batch

HEADER = "force_code,financial_year,course_type,in_scope,trained\n"
ROWS = "{force},2024/25,specialist_codelivered,400,120\n{force},2024/25,elearning,1500,1400\n"
OLD = 1_735_689_600 * 10**9
FORCES = ("E23000032", "E23000031")


@pytest.fixture
def paths(tmp_path, monkeypatch) -> DataPaths:
    monkeypatch.setenv("STALKING_PSEUDONYMISATION_KEY", "k")
    paths = DataPaths(tmp_path).ensure()
    for i, force in enumerate(FORCES):
        path = paths.landing / "training_returns" / f"training_returns_{force}_2024-25.csv"
        path.write_text(HEADER + ROWS.format(force=force))
        os.utime(path, ns=(OLD + i, OLD + i))
    ingest_source("training_returns", paths)
    return paths


def raw_part(paths: DataPaths, force: str):
    records = Ledger(paths.ledger, paths.quarantine, paths.archive).records("training_returns")
    record_id = records.filter(pl.col("file_name").str.contains(force))["record_id"].item()
    return record_id, paths.raw / "training_returns" / record_id / "part.parquet"


def test_a_good_batch_passes(paths):
    check = check_batch("training_returns", paths)
    assert check.passed and check.files == 2 and not check.quarantined


@pytest.mark.parametrize(
    ("column", "value"),
    [("course_type", "Stalking awareness day"), ("trained", -1)],
)
def test_a_value_the_contract_forbids_fails_its_file(paths, column, value):
    bad, part = raw_part(paths, FORCES[1])
    frame = pl.read_parquet(part)
    frame = frame.with_columns(pl.lit(value, dtype=frame.schema[column]).alias(column))
    frame.write_parquet(part)
    check = check_batch("training_returns", paths)
    assert check.passed and check.quarantined == [bad]
