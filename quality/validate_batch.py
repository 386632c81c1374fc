"""Run a source's Great Expectations suite over one batch of raw/ Parquet files and summarise it.

The batch is read where it lies: a SQL datasource on DuckDB (quality.duckdb_dialect) whose
query asset is `read_parquet` over the batch's files, so every expectation is a DuckDB query
over the Parquet and no pandas copy of the batch is ever made (memory stays flat however
large the batch).
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field
from functools import lru_cache

import duckdb

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx  # noqa: E402 - the environment switch must come first

from quality.duckdb_dialect import CONNECTION_STRING  # noqa: E402
from quality.suites import suite_for  # noqa: E402


@dataclass
class ExpectationOutcome:
    expectation: str
    column: str | None
    success: bool
    unexpected_count: int | None


@dataclass
class BatchResult:
    source: str
    rows: int
    success: bool
    outcomes: list[ExpectationOutcome] = field(default_factory=list)

    @property
    def failures(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success]

    def summary(self) -> str:
        passed = sum(o.success for o in self.outcomes)
        text = f"{self.source}: {passed}/{len(self.outcomes)} expectations met on {self.rows} rows"
        if self.failures:
            text += "; failed: " + "; ".join(
                f"{o.expectation}({o.column or 'table'}, unexpected={o.unexpected_count})"
                for o in self.failures
            )
        return text


@lru_cache(maxsize=1)
def _context():
    # Held for the process: a validation needs its context alive, not just the datasource.
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    # No temporary table: each expectation queries the Parquet directly.
    context.data_sources.add_sql(
        "raw_parquet", connection_string=CONNECTION_STRING, create_temp_table=False
    )
    return context


_asset_names = (f"batch_{i}" for i in itertools.count())


def _check_regexes_are_anchored(suite: gx.ExpectationSuite) -> None:
    # DuckDB's `~` (what GX emits for this dialect) is a full match, pandas' a search: the
    # two agree only on patterns anchored at both ends, which every suite's are.
    for expectation in suite.expectations:
        regex = getattr(expectation, "regex", None)
        if regex is not None and not (regex.startswith("^") and regex.endswith("$")):
            raise ValueError(f"{suite.name}: regex {regex!r} must be anchored with ^ and $")


def validate_files(source: str, files: list[str]) -> BatchResult:
    """The source's suite over the rows of these Parquet files, read as one table."""
    datasource = _context().data_sources.get("raw_parquet")  # first: a suite needs the context
    suite = suite_for(source)
    _check_regexes_are_anchored(suite)
    query = f"select * from read_parquet({[str(f) for f in files]!r})"
    asset = datasource.add_query_asset(name=next(_asset_names), query=query)
    try:
        batch = asset.add_batch_definition_whole_table("whole_batch").get_batch()
        result = batch.validate(suite, result_format="BASIC")
    finally:
        datasource.delete_asset(asset.name)
    outcomes = [
        ExpectationOutcome(
            expectation=r.expectation_config.type,
            column=r.expectation_config.kwargs.get("column"),
            success=bool(r.success),
            unexpected_count=r.result.get("unexpected_count"),
        )
        for r in result.results
    ]
    rows = duckdb.sql(f"select count(*) from ({query})").fetchall()[0][0]  # footers only
    return BatchResult(source, rows, bool(result.success), outcomes)


def merge_results(source: str, results: list[BatchResult]) -> BatchResult:
    """One result for a batch validated in chunks: an expectation is met if met in every
    chunk; unexpected counts add up."""
    merged: dict[tuple[str, str | None], ExpectationOutcome] = {}
    for result in results:
        for o in result.outcomes:
            seen = merged.setdefault(
                (o.expectation, o.column),
                ExpectationOutcome(o.expectation, o.column, True, None),
            )
            seen.success = seen.success and o.success
            if o.unexpected_count is not None:
                seen.unexpected_count = (seen.unexpected_count or 0) + o.unexpected_count
    return BatchResult(
        source,
        sum(r.rows for r in results),
        all(r.success for r in results),
        list(merged.values()),
    )
