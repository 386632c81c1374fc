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


@dataclass(frozen=True)
class DataPaths:
    root: Path

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine"

    @property
    def raw(self) -> Path:
        return self.root / "raw"

    @property
    def ledger(self) -> Path:
        return self.root / "ledger"

    @property
    def warehouse_db(self) -> Path:
        return self.root / "warehouse" / "stalking.duckdb"

    @property
    def public_db(self) -> Path:
        """The latest public release: published, reference and release schemas only."""
        return self.root / "serving" / "public.duckdb"

    @property
    def restricted_db(self) -> Path:
        """Exact counts (marts) and meta (ledger, quarantine): owner-only, never public."""
        return self.root / "serving" / "restricted.duckdb"

    @property
    def releases(self) -> Path:
        """One folder per immutable release: releases/<release_id>/."""
        return self.root / "releases"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    @property
    def truth(self) -> Path:
        """Synthetic generator's planted truth: outside landing/, never ingested."""
        return self.root / "synthetic_truth"

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster_home"

    @property
    def key_file(self) -> Path:
        return self.root / "secrets" / "pseudonymisation.key"

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
