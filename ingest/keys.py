"""The pseudonymisation key: where it comes from, its fingerprint, and the commands around it.

    python -m ingest.keys create [--if-missing]  # demo only: a random key file in the data dir
    python -m ingest.keys fingerprint   # the current key's fingerprint and the ledger's
    python -m ingest.keys rekey --yes   # rebuild every submission under a new key

The key comes from STALKING_PSEUDONYMISATION_KEY, else the data directory's key file; nothing
ever creates a key silently. The ledger records the fingerprint of the key each file was
hashed with (an HMAC of a fixed label, which reveals nothing about the key). A run whose key
is missing, or differs from the ledger's, stops before reading anything: hashes made with two
keys never link, so mixing them would silently break linkage.

Re-keying: references are stored only as keyed hashes, so they cannot be re-hashed in place.
`rekey` rebuilds instead: it moves ledger/, raw/ and quarantine/ aside into
`rekeyed-<time>/`, puts every archived file back into landing/ under its original path (the
archive keeps the bytes), and records the new key's fingerprint; the next pipeline run
ingests everything again under the new key. Set the new key first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hmac
import os
import secrets
import shutil
import sys
from pathlib import Path

import polars as pl

from ingest.settings import DataPaths, data_paths

KEY_ENV = "STALKING_PSEUDONYMISATION_KEY"
FINGERPRINT_LABEL = b"stalking-pipeline pseudonymisation key fingerprint v1"
FINGERPRINT_HEX_CHARS = 16


class KeyProblem(RuntimeError):
    """No key, or not the key the data was hashed with: the run must not go on."""


def fingerprint(key: bytes) -> str:
    return hmac.digest(key, FINGERPRINT_LABEL, "sha256").hex()[:FINGERPRINT_HEX_CHARS]


def load_key(key_file: Path) -> bytes:
    """The key from the environment, else the key file; KeyProblem if there is neither."""
    from_env = os.environ.get(KEY_ENV)
    if from_env:
        return from_env.encode()
    if key_file.exists():
        return key_file.read_text().strip().encode()
    raise KeyProblem(
        f"No pseudonymisation key: set {KEY_ENV}, or put the key in {key_file}. For the "
        "synthetic demo only, `python -m ingest.keys create` makes one. The run stopped "
        "before reading any file."
    )


def ledger_fingerprints(paths: DataPaths) -> set[str]:
    files = [p for p in paths.ledger.glob("*.parquet") if not p.name.startswith(".")]
    if not files:
        return set()
    frame = pl.read_parquet(files, columns=None, missing_columns="insert")
    if "key_fingerprint" not in frame.columns:
        return set()
    return set(frame["key_fingerprint"].drop_nulls().unique().to_list())


def checked_key(paths: DataPaths) -> tuple[bytes, str]:
    """The key and its fingerprint, once it is certain the ledger was made with the same key."""
    key = load_key(paths.key_file)
    current = fingerprint(key)
    others = ledger_fingerprints(paths) - {current}
    if others:
        raise KeyProblem(
            f"The pseudonymisation key (fingerprint {current}) is not the key this data "
            f"directory was hashed with (fingerprint {', '.join(sorted(others))}). Hashes made "
            "with two keys never link. Set the original key, or re-key everything with "
            "`python -m ingest.keys rekey --yes` (docs/SOURCES.md, keys). The run stopped "
            "before reading any file."
        )
    return key, current


def create(paths: DataPaths) -> str:
    if os.environ.get(KEY_ENV):
        raise KeyProblem(f"{KEY_ENV} is set; that key is used and no key file is created.")
    if paths.key_file.exists():
        raise KeyProblem(f"{paths.key_file} exists already; it was left as it is.")
    paths.key_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(paths.key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return fingerprint(load_key(paths.key_file))


def rekey(paths: DataPaths) -> Path:
    """Move the hashed data aside and put the archive back in landing/ (see module doc)."""
    from ingest.lock import data_dir_lock

    load_key(paths.key_file)  # the new key must be in place first
    with data_dir_lock(paths.root):
        ledger = pl.read_parquet(
            [p for p in paths.ledger.glob("*.parquet")], missing_columns="insert"
        )
        aside = paths.root / f"rekeyed-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}"
        aside.mkdir()
        restored = 0
        for record in ledger.filter(pl.col("file_sha256").is_not_null()).iter_rows(named=True):
            suffix = Path(record["landing_path"]).suffix.lower()
            archived = paths.archive / record["source"] / f"{record['file_sha256']}{suffix}"
            target = paths.landing / record["landing_path"]
            if archived.exists() and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(archived, target)
                # Its old modification time: the extraction date of an undeclared file.
                os.utime(target, ns=(record["file_mtime_ns"], record["file_mtime_ns"]))
                restored += 1
        for folder in (paths.ledger, paths.raw, paths.quarantine):
            if folder.exists():
                shutil.move(str(folder), aside / folder.name)
        print(f"{restored} archived file(s) back in landing/; old data moved to {aside}")
        return aside


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ingest.keys", description=__doc__.split("\n\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    create_parser = commands.add_parser("create", help="demo only: a random key file")
    create_parser.add_argument(
        "--if-missing", action="store_true", help="do nothing if a key is already set"
    )
    commands.add_parser("fingerprint", help="show the key's fingerprint and the ledger's")
    rekey_parser = commands.add_parser("rekey", help="rebuild every submission under a new key")
    rekey_parser.add_argument("--yes", action="store_true", help="really do it")
    args = parser.parse_args(argv)
    paths = data_paths()
    try:
        if args.command == "create":
            if args.if_missing and (os.environ.get(KEY_ENV) or paths.key_file.exists()):
                print(f"a key is set already (fingerprint {fingerprint(load_key(paths.key_file))})")
                return 0
            print(f"created {paths.key_file} (fingerprint {create(paths)})")
        elif args.command == "fingerprint":
            print(f"key: {fingerprint(load_key(paths.key_file))}")
            print(f"ledger: {', '.join(sorted(ledger_fingerprints(paths))) or 'none yet'}")
        elif args.command == "rekey":
            if not args.yes:
                print("rekey moves ledger/, raw/ and quarantine/ aside; add --yes to do it.")
                return 2
            rekey(paths)
    except KeyProblem as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
