"""Read-only access to the serving snapshot; the app never touches the building warehouse."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st


def serving_path() -> Path:
    root = Path(os.environ.get("STALKING_DATA_DIR", Path(__file__).parent.parent / "data"))
    return root.resolve() / "serving" / "stalking.duckdb"


def snapshot_version() -> str:
    """Changes when publish swaps in a new file, so caches refresh with the snapshot."""
    path = serving_path()
    if not path.exists():
        return "missing"
    stat = path.stat()
    return f"{stat.st_ino}-{stat.st_mtime_ns}"


@st.cache_data(show_spinner=False, max_entries=256)
def _query(sql: str, params: tuple, version: str) -> pl.DataFrame:
    with duckdb.connect(str(serving_path()), read_only=True) as con:
        return con.sql(sql, params=list(params) or None).pl()


def query(sql: str, *params: object) -> pl.DataFrame:
    return _query(sql, tuple(params), snapshot_version())


def snapshot_info() -> dict[str, str]:
    frame = query("select key, value from meta.snapshot_info")
    return dict(frame.iter_rows())


def is_synthetic() -> bool:
    return snapshot_info().get("contains_synthetic_data", "True") != "False"
