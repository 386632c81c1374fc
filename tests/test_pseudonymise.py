"""Keyed hashing: the DuckDB implementation equals the standard library's HMAC-SHA256."""

from __future__ import annotations

import hmac

import polars as pl
import pytest

from ingest.keys import KeyProblem, load_key
from ingest.pseudonymise import HASH_HEX_CHARS, hash_columns, keyed_hash


@pytest.mark.parametrize("key", [b"k", b"a-longer-secret-key-of-32-bytes!", b"x" * 100])
def test_hash_columns_equals_hmac_sha256(key):
    frame = pl.DataFrame(
        {
            "force_code": ["E23000001", "E23000001", None, "W15000003"],
            "crime_ref": ["ab123 ", "AB123", "ab123", None],
            "victim_ref": ["Émile-9", "x", "", "v 1"],
        }
    )
    hashed = hash_columns(frame, ["crime_ref", "victim_ref"], "force_code", key)
    for row, original in zip(
        hashed.iter_rows(named=True), frame.iter_rows(named=True), strict=True
    ):
        for column in ("crime_ref", "victim_ref"):
            value = original[column]
            if value is None:
                assert row[column] is None
                continue
            message = f"{original['force_code'] or ''}|{value.strip().upper()}".encode()
            assert row[column] == hmac.digest(key, message, "sha256").hex()[:HASH_HEX_CHARS]
            assert row[column] == keyed_hash(key, original["force_code"] or "", value)
    # Case and padding do not split a reference; the namespace does.
    assert hashed["crime_ref"][0] == hashed["crime_ref"][1] != hashed["crime_ref"][2]


def test_no_key_is_ever_created_silently_and_env_wins(tmp_path, monkeypatch):
    monkeypatch.delenv("STALKING_PSEUDONYMISATION_KEY", raising=False)
    key_file = tmp_path / "secrets" / "key"
    with pytest.raises(KeyProblem, match="No pseudonymisation key"):
        load_key(key_file)
    assert not key_file.exists()
    key_file.parent.mkdir()
    key_file.write_text("from-file\n")
    assert load_key(key_file) == b"from-file"
    monkeypatch.setenv("STALKING_PSEUDONYMISATION_KEY", "from-env")
    assert load_key(key_file) == b"from-env"
