"""publish.revisions.touched_since: a MASIP return (period key force|financial year) touches
its force and every quarter of its year (the ONS branch would read 'E230' as a year)."""

from __future__ import annotations

import datetime as dt

import duckdb

from publish.revisions import touched_since


def test_a_masip_return_touches_its_force_and_year():
    con = duckdb.connect()
    con.execute("attach ':memory:' as wh")
    con.execute("create schema wh.intermediate")
    con.execute("create schema wh.meta")
    con.execute(
        "create table wh.intermediate.int_ingest__submission_periods as select * from (values "
        "('masip_returns', 'E23000032|2025/26', 'new'), "
        "('masip_returns', 'E23000031|2025/26', 'old')) t(source, period_key, submission_id)"
    )
    con.execute(
        "create table wh.meta.ingest_ledger as select * from (values "
        "('new', timestamp '2026-05-10 09:00'), ('old', timestamp '2025-10-01 09:00')) "
        "t(file_sha256, received_at)"
    )
    since = dt.datetime(2026, 1, 1)
    assert touched_since(con, "wh", since) == {("E23000032", f"2025/26 Q{n}") for n in range(1, 5)}
