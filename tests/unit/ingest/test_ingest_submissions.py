"""ingest.submissions: identity from names and manifests, scope, and what a file changes."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl

from ingest import submissions
from ingest.sources import source

CRIMES = source("force_crimes")
HELPLINE = source("helpline_contacts")
EPOCH = 1_735_689_600 * 10**9  # 2025-01-01


def test_identity_from_the_file_name_convention(tmp_path):
    path = tmp_path / "force_crimes_E23000032_2025-26_Q3_2026-01-05.csv"
    ident = submissions.identity(path, CRIMES, EPOCH)
    assert ident.submitter == "E23000032"
    assert ident.periods == ("2025/26|Q3",)
    assert ident.extracted_at == dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    assert ident.extraction_source == "file name"


def test_synthetic_names_declare_submitter_and_quarter(tmp_path):
    path = tmp_path / "SYNTHETIC_force_crimes_E23000001_2024-25_Q1.xlsx"
    ident = submissions.identity(path, CRIMES, EPOCH)
    assert (ident.submitter, ident.periods) == ("E23000001", ("2024/25|Q1",))
    assert ident.extraction_source == "modification time"


def test_a_manifest_wins_and_a_quarter_is_three_months_for_monthly_sources(tmp_path):
    path = tmp_path / "contacts.csv"
    manifest = {"periods": ["2025/26-Q3"], "extracted": "2026-01-09"}
    (tmp_path / "contacts.csv.manifest.json").write_text(json.dumps(manifest))
    ident = submissions.identity(path, HELPLINE, EPOCH)
    assert ident.periods == ("2025-10", "2025-11", "2025-12")
    assert ident.extraction_source == "manifest"


def test_an_undeclared_file_falls_back_to_its_modification_time(tmp_path):
    ident = submissions.identity(tmp_path / "export.csv", CRIMES, EPOCH)
    assert not ident.declared and ident.submitter is None
    assert ident.extracted_at == dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def rows(*pairs: tuple[str, str]) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "_row_number": list(range(2, 2 + len(pairs))),
            "force_code": [f for f, _ in pairs],
            "recorded_date": [dt.date.fromisoformat(d) for _, d in pairs],
        },
        schema={"_row_number": pl.Int64, "force_code": pl.String, "recorded_date": pl.Date},
    )
    return submissions.keyed(frame, CRIMES)


def test_period_keys_are_the_warehouse_keys():
    keyed = rows(("E23000032", "2025-03-31"), ("E23000032", "2025-04-01"))
    assert keyed["_period_key"].to_list() == ["E23000032|2024/25|Q4", "E23000032|2025/26|Q1"]


def ident(submitter=None, periods=(), day=5) -> submissions.Identity:
    when = dt.datetime(2026, 1, day, tzinfo=dt.UTC)
    return submissions.Identity(submitter, tuple(periods), when, "file name")


def state_with(key: str, n: int, day: int = 5) -> submissions.State:
    state = submissions.State()
    submitter, fy, quarter = key.split("|")
    when = dt.datetime(2026, 1, day, tzinfo=dt.UTC)
    state.offer(key, submissions.InForce("old", n, when, 1, submitter, f"{fy}|{quarter}"))
    return state


def test_a_stray_row_outside_the_declared_scope_is_a_row_error():
    keyed = rows(("E23000032", "2025-10-02"), ("E23000036", "2025-10-03"))
    kept, errors = submissions.out_of_scope(
        keyed, CRIMES, ident("E23000032", ["2025/26|Q3"]), "f.csv"
    )
    assert kept["force_code"].to_list() == ["E23000032"]
    assert [(e.row_number, e.rule) for e in errors] == [(3, "outside_declared_scope")]


def test_an_undeclared_file_that_would_cut_a_quarter_is_held():
    state = state_with("E23000036|2025/26|Q3", 30)
    keyed = rows(("E23000036", "2025-10-03"))
    decision = submissions.decide(CRIMES, keyed, ident(), state, 1, "new", 2)
    assert decision.status == "held"
    assert "E23000036|2025/26|Q3: 30 rows → 1" in decision.notes[0]
    assert "python -m ingest.submissions confirm new" in decision.notes[0]


def test_an_older_extraction_is_stale_and_a_later_one_wins():
    state = state_with("E23000032|2025/26|Q3", 56, day=20)
    keyed = rows(("E23000032", "2025-10-03"), ("E23000032", "2025-10-04"))
    older = submissions.decide(CRIMES, keyed, ident(day=10), state, 2, "older", 2)
    assert older.status == "stale"
    same_day = submissions.decide(
        CRIMES, rows(*[("E23000032", "2025-10-03")] * 40), ident(day=20), state, 40, "same", 3
    )
    assert same_day.status is None  # the same extraction date: the later arrival wins


def test_a_declared_nil_return_zeroes_its_period_without_being_held():
    state = state_with("E23000032|2025/26|Q3", 30)
    empty = rows()
    decision = submissions.decide(
        CRIMES, empty, ident("E23000032", ["2025/26|Q3"]), state, 0, "nil", 2
    )
    assert decision.status is None
    assert decision.periods == [
        {
            "period_key": "E23000032|2025/26|Q3",
            "submitter": "E23000032",
            "period": "2025/26|Q3",
            "rows": 0,
        }
    ]


def test_a_nil_return_that_declares_nothing_replaces_nothing():
    decision = submissions.decide(
        CRIMES, rows(), ident(), state_with("E23000032|2025/26|Q3", 3), 0, "nil", 2
    )
    assert decision.periods == [] and "replaces nothing" in decision.notes[0]
