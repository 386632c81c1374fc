"""Paths and settings shared by every package, read from the environment with defaults.

Everything the pipeline writes lives under one data directory (STALKING_DATA_DIR, default
./data). Functions, not module constants, so tests can point the environment elsewhere.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ingest.sources import NAMES

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"

SOURCES = NAMES  # the registry in ingest.sources is the one list


class _Under:
    """A read-only path under the data directory: one line per place, not one property each."""

    def __init__(self, *parts: str) -> None:
        self.parts = parts

    def __get__(self, paths: DataPaths | None, owner: type | None = None) -> Path:
        if paths is None:
            return self  # the class attribute itself (introspection, docs)
        return paths.root.joinpath(*self.parts)


@dataclass(frozen=True)
class DataPaths:
    root: Path

    landing = _Under("landing")
    archive = _Under("archive")
    quarantine = _Under("quarantine")
    raw = _Under("raw")
    ledger = _Under("ledger")
    warehouse_db = _Under("warehouse", "stalking.duckdb")
    # The latest public release: published, reference and release schemas only.
    public_db = _Under("serving", "public.duckdb")
    # Exact counts (marts) and meta (ledger, quarantine): owner-only, never public.
    restricted_db = _Under("serving", "restricted.duckdb")
    # One folder per immutable release: releases/<release_id>/.
    releases = _Under("releases")
    exports = _Under("exports")
    # The synthetic generator's planted truth: outside landing/, never ingested.
    truth = _Under("synthetic_truth")
    dagster_home = _Under("dagster_home")
    key_file = _Under("secrets", "pseudonymisation.key")

    def ensure(self) -> DataPaths:
        for path in (
            self.landing,
            self.archive,
            self.quarantine,
            self.raw,
            self.ledger,
            self.warehouse_db.parent,
            self.public_db.parent,
            self.releases,
            self.exports,
        ):
            path.mkdir(parents=True, exist_ok=True)
        for source in SOURCES:
            (self.landing / source).mkdir(parents=True, exist_ok=True)
        return self


def data_dir() -> Path:
    return Path(os.environ.get("STALKING_DATA_DIR", PROJECT_ROOT / "data")).resolve()


def data_paths() -> DataPaths:
    return DataPaths(data_dir())
