"""quality.batch_check: a file failing the suite on its own is quarantined and the batch
passes; a failure no single file explains fails the batch."""

from __future__ import annotations

import os

import polars as pl
import pytest

from ingest.ledger import Ledger
from ingest.runner import ingest_source
from ingest.settings import DataPaths
from quality.batch_check import check_batch, chunks

CSV = (
    "force_code,crime_ref,recorded_date,offence_code,victim_ref,victim_sex,relationship,"
    "domestic_flag,cyber_flag,screening_completed,risk_level,masip_referral,outcome_type\n"
    "{force},{ref},2024-05-01,8Q,V1,F,stranger,N,N,Y,high,N,0\n"
)
OLD = 1_735_689_600 * 10**9


@pytest.fixture
def paths(tmp_path, monkeypatch) -> DataPaths:
    monkeypatch.setenv("STALKING_PSEUDONYMISATION_KEY", "k")
    paths = DataPaths(tmp_path).ensure()
    for i, force in enumerate(("E23000032", "E23000031")):
        path = paths.landing / "force_crimes" / f"crimes_{i}.csv"
        path.write_text(CSV.format(force=force, ref=f"C{i}"))
        os.utime(path, ns=(OLD + i, OLD + i))
    ingest_source("force_crimes", paths)
    return paths


def records(paths: DataPaths) -> pl.DataFrame:
    return Ledger(paths.ledger, paths.quarantine, paths.archive).records("force_crimes")


def test_a_good_batch_passes_and_is_marked(paths):
    check = check_batch("force_crimes", paths)
    assert check.passed and check.files == 2 and not check.quarantined
    assert set(records(paths)["validation"]) == {"passed"}
    assert check_batch("force_crimes", paths).result is None  # nothing pending any more


def test_a_file_that_fails_alone_is_quarantined_and_the_rest_goes_on(paths):
    bad = records(paths).filter(pl.col("file_name") == "crimes_1.csv")["record_id"].item()
    part = paths.raw / "force_crimes" / bad / "part.parquet"
    frame = pl.read_parquet(part).with_columns(pl.lit("RAW-REF").alias("crime_ref"))
    frame.write_parquet(part)  # a raw reference that slipped past pseudonymisation
    check = check_batch("force_crimes", paths)
    assert check.passed and check.quarantined == [bad]
    after = {
        r["file_name"]: (r["status"], r["validation"]) for r in records(paths).iter_rows(named=True)
    }
    assert after == {
        "crimes_0.csv": ("accepted", "passed"),
        "crimes_1.csv": ("quarantined", "failed"),
    }


def test_chunks_keep_whole_submissions_in_arrival_order():
    pending = pl.DataFrame({"record_id": list("abcd"), "rows_accepted": [5, 5, 12, 1]})
    assert chunks(pending, 10) == [["a", "b"], ["c"], ["d"]]
