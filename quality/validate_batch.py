"""Run a source's Great Expectations suite over one batch (a polars frame) and summarise it."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache

import polars as pl

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx  # noqa: E402 - the environment switch must come first

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
def _batch_definition():
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    source = context.data_sources.add_pandas("batches")
    asset = source.add_dataframe_asset(name="batch")
    return asset.add_batch_definition_whole_dataframe("whole_batch")


def validate_frame(source: str, frame: pl.DataFrame) -> BatchResult:
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame.to_pandas()})
    result = batch.validate(suite_for(source), result_format="SUMMARY")
    outcomes = [
        ExpectationOutcome(
            expectation=r.expectation_config.type,
            column=r.expectation_config.kwargs.get("column"),
            success=bool(r.success),
            unexpected_count=r.result.get("unexpected_count"),
        )
        for r in result.results
    ]
    return BatchResult(source, frame.height, bool(result.success), outcomes)


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
