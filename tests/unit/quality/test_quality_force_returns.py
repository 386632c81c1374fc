"""The Great Expectations suites of the forces' accountability returns (each derived from its
contract): a batch of two forces' real returns passes; a value the contract forbids that
reached raw/ anyway (free text in a code column, a code outside its seed, a negative count)
fails that file on its own and quarantines it, leaving the other force's file in."""

from __future__ import annotations

import os
from dataclasses import dataclass

import polars as pl
import pytest

from ingest.ledger import Ledger
from ingest.runner import ingest_source
from ingest.settings import DataPaths
from quality.batch_check import check_batch

OLD = 1_735_689_600 * 10**9  # file times well before the test's own
FORCES = ("E23000032", "E23000031")


@dataclass(frozen=True)
class Returns:
    source: str
    file_name: str  # with {force}
    text: str  # header and rows, with {force}
    forbidden: tuple[tuple[str, object], ...]  # (column, a value the contract forbids)


RETURNS = (
    Returns(
        "action_plan_returns",
        "action_plan_returns_{force}.csv",
        "force_code,financial_year,fy_quarter,recommendation_id,status,status_date,"
        "evidence_ref,plan_published,plan_published_date\n"
        "{force},2024/25,Q3,SYN-R01,implemented,2024-11-20,EV-2024-0001,Y,2024-11-28\n",
        (("evidence_ref", "see email from DCI Smith"), ("recommendation_id", "R-99")),
    ),
    Returns(
        "training_returns",
        "training_returns_{force}_2024-25.csv",
        "force_code,financial_year,course_type,in_scope,trained\n"
        "{force},2024/25,specialist_codelivered,400,120\n{force},2024/25,elearning,1500,1400\n",
        (("course_type", "Stalking awareness day"), ("trained", -1)),
    ),
    Returns(
        "masip_returns",
        "masip_returns_{force}.csv",
        "force_code,financial_year,programme_in_place,start_date,funded_places,"
        "lead_agency_code\n"
        "{force},2024/25,Y,2023-05-02,30,police\n{force},2025/26,N,,,\n",
        (("lead_agency_code", "Police and Crime Commissioner"), ("funded_places", -3)),
    ),
)


def landed(tmp_path, monkeypatch, returns: Returns) -> DataPaths:
    monkeypatch.setenv("STALKING_PSEUDONYMISATION_KEY", "k")
    paths = DataPaths(tmp_path).ensure()
    for i, force in enumerate(FORCES):
        path = paths.landing / returns.source / returns.file_name.format(force=force)
        path.write_text(returns.text.format(force=force))
        os.utime(path, ns=(OLD + i, OLD + i))
    ingest_source(returns.source, paths)
    return paths


@pytest.mark.parametrize("returns", RETURNS, ids=lambda r: r.source)
def test_a_good_batch_passes(tmp_path, monkeypatch, returns):
    paths = landed(tmp_path, monkeypatch, returns)
    check = check_batch(returns.source, paths)
    assert check.passed and check.files == 2 and not check.quarantined


@pytest.mark.parametrize(
    ("returns", "column", "value"),
    [(r, column, value) for r in RETURNS for column, value in r.forbidden],
    ids=lambda v: v.source if isinstance(v, Returns) else str(v),
)
def test_a_value_the_contract_forbids_fails_its_file(tmp_path, monkeypatch, returns, column, value):
    paths = landed(tmp_path, monkeypatch, returns)
    records = Ledger(paths.ledger, paths.quarantine, paths.archive).records(returns.source)
    bad = records.filter(pl.col("file_name").str.contains(FORCES[1]))["record_id"].item()
    part = paths.raw / returns.source / bad / "part.parquet"
    frame = pl.read_parquet(part)
    frame.with_columns(pl.lit(value).cast(frame.schema[column]).alias(column)).write_parquet(part)
    check = check_batch(returns.source, paths)
    assert check.passed and check.quarantined == [bad]
