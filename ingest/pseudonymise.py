"""Keyed hashing of references: linkage keeps working, no raw reference is ever stored.

HMAC-SHA256 with a secret key from STALKING_PSEUDONYMISATION_KEY, or a key file that the demo
creates under the data directory (never in the repo). A reference is hashed together with its
namespace (the force code), so the same number in two forces never links.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

import polars as pl

KEY_ENV = "STALKING_PSEUDONYMISATION_KEY"
HASH_HEX_CHARS = 32  # 128 bits: collisions are negligible at national volumes


def load_key(key_file: Path, create: bool = True) -> bytes:
    from_env = os.environ.get(KEY_ENV)
    if from_env:
        return from_env.encode()
    if key_file.exists():
        return key_file.read_text().strip().encode()
    if not create:
        raise RuntimeError(
            f"No pseudonymisation key: set {KEY_ENV} or create {key_file} (make demo does)."
        )
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text(secrets.token_hex(32))
    key_file.chmod(0o600)
    return key_file.read_text().strip().encode()


def keyed_hash(key: bytes, namespace: str, value: str) -> str:
    """The hash of one reference, as hash_column computes it (for tests and look-ups)."""
    message = f"{namespace}|{value.strip().upper()}".encode()
    return hmac.digest(key, message, "sha256").hex()[:HASH_HEX_CHARS]


def hash_column(frame: pl.DataFrame, column: str, namespace: pl.Expr, key: bytes) -> pl.Series:
    """Hash `column` with its namespace; hash each distinct pair once (references repeat)."""
    combined = frame.select(
        pl.concat_str(
            namespace.fill_null(""),
            pl.col(column).str.strip_chars().str.to_uppercase(),
            separator="|",
        ).alias("combined")
    )["combined"]
    distinct = combined.drop_nulls().unique().to_list()
    lookup = {m: hmac.digest(key, m.encode(), "sha256").hex()[:HASH_HEX_CHARS] for m in distinct}
    return combined.replace_strict(lookup, default=None, return_dtype=pl.String)
