"""The revisions log, release ids and the restricted file, on small hand-made DuckDB files
whose answer is known."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path

import duckdb
import polars as pl
import pytest

from ingest.settings import DataPaths
from publish import releases, revisions, snapshot

KEYS = ["force_code", "financial_year", "fy_quarter"]


def manifest(path: Path) -> Path:
    """The parts of a dbt manifest the revisions use: one published model and its grain."""
    model = "model.p.published_crimes"
    path.write_text(
        json.dumps(
            {
                "metadata": {"project_name": "p"},
                "macros": {},
                "nodes": {
                    model: {
                        "resource_type": "model",
                        "schema": "published",
                        "alias": "crimes",
                        "package_name": "p",
                        "checksum": {"checksum": "abc"},
                    },
                    "test.p.unique_combination_crimes": {
                        "resource_type": "test",
                        "attached_node": model,
                        "package_name": "p",
                        "test_metadata": {
                            "name": "unique_combination",
                            "kwargs": {"columns": KEYS},
                        },
                    },
                },
            }
        )
    )
    return path


def release_file(path: Path, rows: list[tuple]) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema published")
        con.execute(
            "create table published.crimes (force_code varchar, financial_year varchar, "
            "fy_quarter varchar, crimes bigint, crimes_marker varchar, note varchar)"
        )
        con.executemany("insert into published.crimes values (?, ?, ?, ?, ?, 'x')", rows)
    return path


@pytest.fixture
def pair(tmp_path):
    previous = release_file(
        tmp_path / "prev.duckdb",
        [
            ("E23000032", "2025/26", "Q1", 12, None),  # value changes
            ("E23000032", "2025/26", "Q2", None, "[c]"),  # becomes published
            ("E23000001", "2025/26", "Q1", 7, "[r]"),  # revised last time, same now
            ("E23000001", "2025/26", "Q2", 9, None),  # disappears
            ("K04000001", "2025/26", "Q1", 19, None),  # an aggregate: changes
        ],
    )
    new = release_file(
        tmp_path / "new.duckdb",
        [
            ("E23000032", "2025/26", "Q1", 11, None),
            ("E23000032", "2025/26", "Q2", 6, None),
            ("E23000001", "2025/26", "Q1", 7, None),
            ("K04000001", "2025/26", "Q1", 18, None),
            ("E23000032", "2025/26", "Q3", 5, None),  # new quarter: an addition
        ],
    )
    con = duckdb.connect()
    con.execute(f"attach '{new}' as pub")
    con.execute(f"attach '{previous}' as prev (read_only)")
    yield con
    con.close()


def test_grains_come_from_the_unique_combination_tests(tmp_path):
    assert revisions.table_grains(manifest(tmp_path / "m.json")) == {"crimes": KEYS}
    assert revisions.measure_pairs(["crimes", "crimes_marker", "note"]) == [
        ("crimes", "crimes_marker")
    ]


def test_a_rows_period_status_is_not_a_measure():
    columns = ["crimes", "crimes_marker", "period_status", "period_status_marker"]
    columns += ["outcome_period_status", "outcome_period_status_marker"]
    assert revisions.measure_pairs(columns) == [("crimes", "crimes_marker")]


def test_changed_cells_are_exactly_the_changed_values_and_markers(pair):
    cells = revisions.changed_cells(pair, {"crimes": KEYS}, "pub", "prev")
    got = {
        (r["cell_key"], r["previous_value"], r["previous_marker"], r["value"], r["marker"])
        for r in cells.iter_rows(named=True)
    }
    assert got == {
        ("force_code=E23000032|financial_year=2025/26|fy_quarter=Q1", 12.0, None, 11.0, None),
        ("force_code=E23000032|financial_year=2025/26|fy_quarter=Q2", None, "[c]", 6.0, None),
        ("force_code=E23000001|financial_year=2025/26|fy_quarter=Q2", 9.0, None, None, None),
        ("force_code=K04000001|financial_year=2025/26|fy_quarter=Q1", 19.0, None, 18.0, None),
    }


def test_reasons_follow_the_documented_order(pair):
    cells = revisions.changed_cells(pair, {"crimes": KEYS}, "pub", "prev").sort("cell_key")
    forces = {"E23000032", "E23000001"}
    kent_q1 = {("E23000032", "2025/26 Q1")}
    reasons = dict(
        zip(
            cells["cell_key"],
            revisions.classify(cells, False, kent_q1, set(), forces),
            strict=True,
        )
    )
    assert reasons == {
        "force_code=E23000001|financial_year=2025/26|fy_quarter=Q2": "disclosure control",
        "force_code=E23000032|financial_year=2025/26|fy_quarter=Q1": "resubmission",
        "force_code=E23000032|financial_year=2025/26|fy_quarter=Q2": "disclosure control",
        # England and Wales holds Kent's resubmitted quarter.
        "force_code=K04000001|financial_year=2025/26|fy_quarter=Q1": "resubmission",
    }
    assert set(revisions.classify(cells, True, kent_q1, set(), forces)) == {"method change"}
    outcomes = cells.with_columns(table_name=pl.lit("fct_outcomes_quarterly"))
    late = revisions.classify(outcomes, False, set(), {"2025/26 Q2"}, forces)
    assert late.count("late outcomes") == 2  # the two Q2 cells, provisional last time


def test_revised_cells_get_r_and_no_other_cell_does(pair):
    cells = revisions.changed_cells(pair, {"crimes": KEYS}, "pub", "prev")
    pair.register("cells", cells)
    pair.execute("create schema pub.release")
    pair.execute(
        "create table pub.release.revisions as select table_name, cell_key, column_name, "
        "value, marker from cells"
    )
    assert revisions.mark_revised(pair, "pub", {"crimes": KEYS}) == 3
    marked = dict(
        pair.execute(
            "select force_code || ' ' || fy_quarter, crimes_marker from pub.published.crimes"
        ).fetchall()
    )
    assert marked == {
        "E23000032 Q1": "[r]",
        "E23000032 Q2": "[r]",
        "E23000001 Q1": None,
        "K04000001 Q1": "[r]",
        "E23000032 Q3": None,
    }


def test_release_ids_count_revisions_per_quarter(tmp_path):
    paths = DataPaths(tmp_path)
    assert releases.release_id("2026/27", "Q2", 1) == "2026-27-Q2-r1"
    assert releases.next_release_id(paths, "2026/27", "Q2") == "2026-27-Q2-r1"
    for name in ("2026-27-Q1-r1", "2026-27-Q2-r1", "2026-27-Q2-r2"):
        (paths.releases / name).mkdir(parents=True)
        (paths.releases / name / releases.PUBLIC_FILE).touch()
    assert releases.next_release_id(paths, "2026/27", "Q2") == "2026-27-Q2-r3"
    assert releases.release_ids(paths) == ["2026-27-Q1-r1", "2026-27-Q2-r1", "2026-27-Q2-r2"]
    releases.point_serving_at(paths, "2026-27-Q2-r2")
    assert releases.latest_release_id(paths) == "2026-27-Q2-r2"
    assert releases.release_dir(paths) == paths.releases / "2026-27-Q2-r2"
    assert releases.next_publication_date(dt.date(2026, 12, 1)) == dt.date(2027, 1, 15)
    assert releases.next_publication_date(dt.date(2027, 1, 15)) == dt.date(2027, 4, 15)
    with pytest.raises(ValueError):
        releases.parse_release_id("2026-Q2-r1")


def test_restricted_file_is_never_readable_by_others(tmp_path, monkeypatch):
    warehouse = tmp_path / "wh.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts; create schema meta; create schema published")
        con.execute("create table marts.cells as select 3 as exact_count")
        con.execute("create table meta.ingest_ledger as select 'f.csv' as file_name")
        con.execute("create table published.cells as select null as exact_count")
    target = tmp_path / "serving" / "restricted.duckdb"
    seen = []
    copy = snapshot._copy_schemas

    def copy_and_look(con, db, schemas, docs):
        counts = copy(con, db, schemas, docs)
        # Mid-write: everything restricted sits in an owner-only folder.
        for entry in target.parent.iterdir():
            seen.append((entry.name, stat.S_IMODE(entry.stat().st_mode)))
        return counts

    monkeypatch.setattr(snapshot, "_copy_schemas", copy_and_look)
    counts = snapshot.write_restricted(warehouse, target, {}, {"published_at": "now"})
    assert counts == {"marts.cells": 1, "meta.ingest_ledger": 1}
    assert seen and all(mode == 0o700 for _, mode in seen), seen
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["restricted.duckdb"]


def test_outcomes_of_resubmitted_crimes_are_a_resubmission_not_late_outcomes(pair):
    cells = revisions.changed_cells(pair, {"crimes": KEYS}, "pub", "prev")
    kent_q1 = pl.col("cell_key").str.contains("E23000032") & pl.col("cell_key").str.contains("Q1")
    crimes = cells.filter(kent_q1).with_columns(table_name=pl.lit("fct_recorded_crime_quarterly"))
    outcomes = cells.filter(kent_q1).with_columns(table_name=pl.lit("fct_outcomes_quarterly"))
    both = pl.concat([crimes, outcomes])
    reasons = revisions.classify(
        both, False, {("E23000032", "2025/26 Q1")}, {"2025/26 Q1"}, {"E23000032"}
    )
    assert reasons == ["resubmission", "resubmission"]
    alone = revisions.classify(
        outcomes, False, {("E23000032", "2025/26 Q1")}, {"2025/26 Q1"}, {"E23000032"}
    )
    assert alone == ["late outcomes"]
