"""quality.validate_batch: the suites run as DuckDB queries over raw/ Parquet find each kind of
violation and count its rows, as the pandas run did."""

from __future__ import annotations

import polars as pl
import pytest

from ingest.runner import ingest_source
from ingest.settings import DataPaths
from quality.validate_batch import validate_files

HEADER = (
    "force_code,crime_ref,recorded_date,offence_code,victim_ref,victim_sex,relationship,"
    "domestic_flag,cyber_flag,screening_completed,risk_level,masip_referral,outcome_type\n"
)
ROW = "E23000032,C{i},2024-05-01,8Q,V{i},F,stranger,N,N,Y,high,N,0\n"


@pytest.fixture
def part(tmp_path, monkeypatch):
    monkeypatch.setenv("STALKING_PSEUDONYMISATION_KEY", "k")
    paths = DataPaths(tmp_path).ensure()
    (paths.landing / "force_crimes" / "crimes.csv").write_text(
        HEADER + "".join(ROW.format(i=i) for i in range(10))
    )
    ingest_source("force_crimes", paths)
    return next((paths.raw / "force_crimes").glob("[0-9a-f]*/part.parquet"))


def failures(part) -> dict[tuple[str, str | None], int | None]:
    result = validate_files("force_crimes", [str(part)])
    return {(o.expectation, o.column): o.unexpected_count for o in result.failures}


def test_a_clean_file_meets_every_expectation(part):
    result = validate_files("force_crimes", [str(part)])
    assert result.success and result.rows == 10 and len(result.outcomes) > 20


def test_each_violation_is_found_and_its_rows_counted(part):
    frame = pl.read_parquet(part)
    row = pl.int_range(pl.len())
    frame.with_columns(
        # two raw references, not keyed hashes
        pl.when(row < 2).then(pl.lit("RAW-REF")).otherwise(pl.col("crime_ref")).alias("crime_ref"),
        # three values outside the code list
        pl.when(row < 3).then(pl.lit("Q")).otherwise(pl.col("victim_sex")).alias("victim_sex"),
        # one missing required value
        pl.when(row < 1).then(None).otherwise(pl.col("risk_level")).alias("risk_level"),
    ).write_parquet(part)
    assert failures(part) == {
        ("expect_column_values_to_match_regex", "crime_ref"): 2,
        ("expect_column_values_to_be_in_set", "victim_sex"): 3,
        ("expect_column_values_to_not_be_null", "risk_level"): 1,
        # the two raw references are also one crime twice in a submission (counted per row)
        ("expect_compound_columns_to_be_unique", None): 2,
    }


def test_a_column_too_many_fails_the_column_set(part):
    pl.read_parquet(part).with_columns(pl.lit("Jane").alias("victim_name")).write_parquet(part)
    assert ("expect_table_columns_to_match_set", None) in failures(part)
