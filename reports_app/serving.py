"""Connections to the serving snapshot, for the pages and queries.

The connection functions and the view decision live at the top of ``reports_app.data`` (kept
there while the restricted file is introduced): this module imports them, so the pages and
``queries`` have one place to ask for a result, and runs the SQL of ``queries`` with its
schema filled in from the one decision of which schema the active view may read.
"""

from __future__ import annotations

import polars as pl

from reports_app import data
from reports_app.data import (
    NATIONAL_CODE,
    NATIONAL_LABEL,
    VIEWS,
    app_view,
    is_public,
    query,
    serving_path,
    snapshot_info,
    stats_schema,
)

__all__ = [
    "NATIONAL_CODE",
    "NATIONAL_LABEL",
    "app_view",
    "is_public",
    "query",
    "release_id",
    "run",
    "serving_path",
    "stats_schema",
]

# The only schemas a template may name: the statistics schema of the active view (never
# chosen by a user) and the reference definitions.
_SCHEMAS = {"published", "marts"}


def run(template: str, *params: object) -> pl.DataFrame:
    """Run a query of ``reports_app.queries``: ``{stats}`` is the active view's statistics
    schema; every value is a bound parameter."""
    schema = stats_schema()
    if schema not in _SCHEMAS or app_view() not in VIEWS:
        raise RuntimeError(f"unexpected statistics schema {schema!r}")
    # Through the module, so that a wrapper on data.query (bench/run_bench.py) sees it too.
    return data.query(template.replace("{stats}", schema), *params)


def release_id() -> str:
    """The release the figures come from, written into every download."""
    info = snapshot_info()
    return info.get("release_id") or info.get("published_at", "unknown")
