"""All of pseudonymisation: references become keyed hashes (linkage keeps working, no raw
reference is ever stored), dates of birth become age bands, direct identifiers are dropped.

HMAC-SHA256 with the secret key of ingest.keys (STALKING_PSEUDONYMISATION_KEY, or a key file
under the data directory that only the demo creates; never in the repo). A reference is
hashed together with its namespace (the force code), so the same number in two forces never
links.
"""

from __future__ import annotations

import hashlib
import hmac

import duckdb
import polars as pl

from ingest.keys import KEY_ENV, load_key  # noqa: F401 - the key's home is ingest.keys
from ingest.records.contracts import AGE_BANDS, Contract

HASH_HEX_CHARS = 32  # 128 bits: collisions are negligible at national volumes


def _pads(key: bytes) -> tuple[bytes, bytes]:
    """HMAC's inner and outer key pads (RFC 2104, SHA-256 block of 64 bytes)."""
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def keyed_hash(key: bytes, namespace: str, value: str) -> str:
    """The hash of one reference, as hash_columns computes it (for tests and look-ups)."""
    message = f"{namespace}|{value.strip().upper()}".encode()
    return hmac.digest(key, message, "sha256").hex()[:HASH_HEX_CHARS]


def hash_columns(
    frame: pl.DataFrame, columns: list[str], namespace: str | None, key: bytes
) -> pl.DataFrame:
    """Replace each reference column by HMAC-SHA256(key, namespace|UPPER(TRIM(value))), hex,
    truncated to 128 bits; nulls stay null. Computed in DuckDB (vectorised SHA-256 on both
    cores) from the key's pads: the same digest as hmac.digest, millions of values a second.
    `namespace` names the column whose value prefixes each reference (None: no column)."""
    if not columns or frame.is_empty():
        return frame
    inner, outer = _pads(key)
    prefix = f"coalesce(\"{namespace}\", '')" if namespace else "''"
    hashed = ", ".join(
        f"left(sha256($outer || unhex(sha256($inner || encode({prefix} || '|' || "
        f'upper(trim("{c}")))))), {HASH_HEX_CHARS}) as "{c}"'
        for c in columns
    )
    with duckdb.connect() as con:
        con.register("rows_to_hash", frame.select(([namespace] if namespace else []) + columns))
        result = con.sql(
            f"select {hashed} from rows_to_hash", params={"inner": inner, "outer": outer}
        ).pl()
    return frame.with_columns(result)


def pseudonymise(rows: pl.DataFrame, contract: Contract, key: bytes) -> pl.DataFrame:
    """Replace references by keyed hashes, dates of birth by age bands; drop identifiers."""
    refs = [c.name for c in contract.columns if c.kind == "ref"]
    if contract.ref_namespace:
        rows = hash_columns(rows, refs, contract.ref_namespace, key)
    else:  # references unique within the source itself (e.g. helpline contact ids)
        rows = hash_columns(
            rows.with_columns(pl.lit(contract.source).alias("__namespace")),
            refs,
            "__namespace",
            key,
        ).drop("__namespace")
    dob = next((c.name for c in contract.columns if c.kind == "dob"), None)
    if dob:
        rows = rows.with_columns(
            age_band(pl.col(dob), pl.col(contract.event_date)).alias(
                f"{dob.split('_')[0]}_age_band"
            )
        )
    # Names and dates of birth are used here, and only here, for keyed linkage hashes.
    from ingest.linkage_keys import add_linkage_keys  # it builds on hash_columns above

    rows = add_linkage_keys(rows, key, drop=False)
    dropped = [c.name for c in contract.columns if c.kind in ("identifier", "dob")]
    return rows.drop(dropped)


def age_band(dob: pl.Expr, on: pl.Expr) -> pl.Expr:
    """Age in whole years at the event date, banded as SOURCES.md §1; null if unknown.

    Whole years by integer arithmetic on YYYYMMDD numbers: (20250301 - 19800302) // 10000 = 44,
    the birthday not yet reached. Cheap on millions of rows, exact on leap days."""

    def yyyymmdd(day: pl.Expr) -> pl.Expr:
        # polars gives month and day as 8-bit integers: widen before multiplying, or month
        # 10 * 100 wraps round and ages come out a year or more wrong.
        return (
            day.dt.year().cast(pl.Int32) * 10000
            + day.dt.month().cast(pl.Int32) * 100
            + day.dt.day().cast(pl.Int32)
        )

    age = (yyyymmdd(on) - yyyymmdd(dob)) // 10000
    bands = [
        (15, "0-15"),
        (19, "16-19"),
        (24, "20-24"),
        (34, "25-34"),
        (44, "35-44"),
        (54, "45-54"),
        (64, "55-64"),
        (74, "65-74"),
    ]
    expr = pl.when(age.is_null() | (age < 0) | (age > 120)).then(pl.lit(None, pl.String))
    for upper, label in bands:
        expr = expr.when(age <= upper).then(pl.lit(label))
    assert AGE_BANDS[-1] == "75+"
    return expr.otherwise(pl.lit("75+"))
