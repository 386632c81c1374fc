"""publish.revisions.touched_since: a service funding return (period key service|force|year)
touches its force area in each quarter of its financial year, never the ONS branch (which would
try to read the service's name as a month)."""

from __future__ import annotations

import datetime as dt

import duckdb

from publish.revisions import touched_since


def test_a_funding_return_touches_its_force_area_and_year():
    con = duckdb.connect()
    con.execute("attach ':memory:' as wh")
    con.execute("create schema wh.intermediate")
    con.execute("create schema wh.meta")
    con.execute(
        "create table wh.intermediate.int_ingest__submission_periods as select * from (values "
        "('service_funding', 'Beacon Stalking Advocacy - East (synthetic)|E23000026|2025/26', "
        "'new')) t(source, period_key, submission_id)"
    )
    con.execute(
        "create table wh.meta.ingest_ledger as select * from (values "
        "('new', timestamp '2026-01-10 09:00')) t(file_sha256, received_at)"
    )
    touched = touched_since(con, "wh", dt.datetime(2026, 1, 1))
    assert touched == {("E23000026", f"2025/26 Q{n}") for n in range(1, 5)}
