"""publish.revisions.touched_since: what each source's submissions touch, read through the
source registry. An action-plan return (period key force|year|quarter) touches its force and
quarter, like the other force-quarter sources (a list of sources kept apart from the registry
once sent it to the ONS branch, which failed to read 'E230' as a year)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from ingest.sources import REGISTRY, Source
from publish.revisions import submission_quarters, touched_since


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


# A value for each part a registry entry may key a submission by (ingest.submissions.keyed).
SAMPLE_PARTS = {
    "force_code": "E23000032",
    "financial_year": "2025/26",
    "fy_quarter": "Q3",
    "month": "2025-11",
    "period_end": "2025-11-30",
}


def sample_key(source: Source) -> str:
    """The key `keyed` gives a row of this source (every scope or period part sampled)."""
    names = [*source.scope, *(spec.partition(":")[0] for spec in source.period)]
    return "|".join(SAMPLE_PARTS.get(name, f"sample {name}") for name in names)


@pytest.mark.parametrize("source", REGISTRY, ids=lambda s: s.name)
def test_every_sources_submissions_touch_a_quarter(source):
    """Each source's key reads back through the registry: a force's return touches its own
    force, any other submitter every area; the period is the key's quarter (or year)."""
    area, quarters = submission_quarters(source, sample_key(source))
    assert area == ("E23000032" if "force_code" in source.scope else None)
    periods = {spec.partition(":")[0] for spec in source.period}
    if "fy_quarter" in periods:
        assert quarters == {"2025/26 Q3"}
    elif "financial_year" in periods:
        assert quarters == {f"2025/26 Q{n}" for n in range(1, 5)}
    else:  # a month or a date in November 2025
        assert quarters == {"2025/26 Q3"}


def test_a_yearly_return_touches_its_four_quarters():
    yearly = Source(
        "yearly", "records", "one force and year", scope=("force_code",), period=("financial_year",)
    )
    assert submission_quarters(yearly, "E23000001|2024/25") == (
        "E23000001",
        {"2024/25 Q1", "2024/25 Q2", "2024/25 Q3", "2024/25 Q4"},
    )
