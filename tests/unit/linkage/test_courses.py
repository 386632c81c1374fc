"""linkage.courses.chain_courses: the 12-month chaining rule over linked pairs."""

from __future__ import annotations

import datetime as dt

import polars as pl

from linkage.courses import chain_courses


def crimes(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema=["pair_id", "crime_ref", "recorded_date", "force_code", "offence_code"],
        orient="row",
    )


def test_chains_split_at_gaps_over_the_window_and_singletons_drop():
    d = dt.date
    frame = crimes(
        [
            ("p", "1", d(2024, 1, 1), "A", "8L"),
            ("p", "2", d(2024, 12, 31), "A", "8L"),  # 365 days: still the same course
            ("p", "3", d(2026, 1, 1), "A", "8Q"),  # 366 days later: alone, no course
            ("q", "4", d(2024, 1, 1), "A", "8R"),
            (None, "5", d(2024, 1, 1), "A", "8L"),  # not linked: never a course
            (None, "6", d(2024, 1, 2), "A", "8L"),
        ]
    )
    out = chain_courses(frame, "pair_id", 365)
    assert out["crime_refs"].to_list() == [["1", "2"]]
    assert out["recognised_as_stalking"].to_list() == [False]


def test_a_course_crossing_forces_is_one_course_with_the_force_of_its_second_crime():
    d = dt.date
    frame = crimes(
        [
            ("p", "1", d(2024, 1, 1), "A", "8L"),
            ("p", "2", d(2024, 3, 1), "B", "8Q"),
            ("p", "3", d(2024, 5, 1), "B", "8L"),
        ]
    )
    out = chain_courses(frame, "pair_id", 365).row(0, named=True)
    assert out["crimes"] == 3 and out["forces"] == ["A", "B"] and out["force_code"] == "B"
    assert out["recognised_as_stalking"]
