"""DataPaths: every zone of the pipeline under one data directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.settings import SOURCES, DataPaths, data_paths


def test_each_zone_is_under_the_root(tmp_path):
    paths = DataPaths(tmp_path)
    assert paths.landing == tmp_path / "landing"
    assert paths.warehouse_db == tmp_path / "warehouse" / "stalking.duckdb"
    assert paths.public_db == tmp_path / "serving" / "public.duckdb"
    assert paths.restricted_db == tmp_path / "serving" / "restricted.duckdb"
    assert paths.key_file == tmp_path / "secrets" / "pseudonymisation.key"


def test_zones_are_read_only(tmp_path):
    paths = DataPaths(tmp_path)
    with pytest.raises(AttributeError):
        paths.root = Path("/elsewhere")
    assert DataPaths(tmp_path) == paths


def test_ensure_makes_every_zone_and_a_landing_folder_per_source(tmp_path):
    paths = DataPaths(tmp_path / "data").ensure()
    for zone in (paths.archive, paths.quarantine, paths.raw, paths.ledger, paths.releases):
        assert zone.is_dir()
    assert paths.warehouse_db.parent.is_dir() and not paths.warehouse_db.exists()
    assert {p.name for p in paths.landing.iterdir()} == set(SOURCES)


def test_data_dir_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("STALKING_DATA_DIR", str(tmp_path))
    assert data_paths().root == tmp_path.resolve()
