"""publish.revisions.touched_since: an action-plan return (period key force|year|quarter)
touches its force and quarter, like the other force-quarter sources (it once fell through to
the ONS branch and failed to read 'E230' as a year)."""

from __future__ import annotations

import datetime as dt

import duckdb

from publish.revisions import touched_since


def test_an_action_plan_return_touches_its_force_and_quarter():
    con = duckdb.connect()
    con.execute("attach ':memory:' as wh")
    con.execute("create schema wh.intermediate")
    con.execute("create schema wh.meta")
    con.execute(
        "create table wh.intermediate.int_ingest__submission_periods as select * from (values "
        "('action_plan_returns', 'E23000032|2025/26|Q3', 'new'), "
        "('force_crimes', 'E23000031|2025/26|Q2', 'old')) t(source, period_key, submission_id)"
    )
    con.execute(
        "create table wh.meta.ingest_ledger as select * from (values "
        "('new', timestamp '2026-01-10 09:00'), ('old', timestamp '2025-10-01 09:00')) "
        "t(file_sha256, received_at)"
    )
    since = dt.datetime(2026, 1, 1)
    assert touched_since(con, "wh", since) == {("E23000032", "2025/26 Q3")}
