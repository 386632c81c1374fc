"""Releases: each publication is written once to releases/<release_id>/ and never changed.

A release id names the latest complete quarter the release covers and a revision counter:
`2026-27-Q2-r1` is the first release covering up to financial year 2026/27 Q2, `2026-27-Q2-r2`
a second one over the same quarters (after resubmissions, late outcomes or a method change).
The financial year is written in full so the id cannot be read as a calendar quarter.

`serving/public.duckdb` is a symbolic link to the latest release's public.duckdb, swapped in
atomically; earlier releases stay where they are, readable, for as long as the folder is kept.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from ingest.settings import DataPaths

PUBLIC_FILE = "public.duckdb"
# The quarterly publication: mid-month after each quarter closes, when returns are due. The
# Dagster schedule is built from this, so the "next release" a release announces is true.
PUBLICATION_MONTHS = (1, 4, 7, 10)
PUBLICATION_DAY = 15
PUBLICATION_CRON = f"0 6 {PUBLICATION_DAY} {','.join(str(m) for m in PUBLICATION_MONTHS)} *"

OGL_V3 = (
    "Open Government Licence v3.0: you may copy, publish, distribute, transmit and adapt this "
    "information, and exploit it commercially and non-commercially, provided you acknowledge "
    "the source by including the attribution statement: 'Contains public sector information "
    "licensed under the Open Government Licence v3.0.' "
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
)
SYNTHETIC_NOTICE = (
    "SYNTHETIC DATA, NOT OFFICIAL STATISTICS: every figure in this release was computed from "
    "generated demonstration data, not from any police force, the CPS or a charity. It may be "
    "reused freely for testing and teaching; it must not be cited as a statistic about "
    "stalking in England and Wales."
)
PUBLISHER = "National stalking statistics warehouse for England and Wales"

_RELEASE_ID = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])-r(\d+)$")


def release_id(financial_year: str, fy_quarter: str, revision: int) -> str:
    """'2026/27', 'Q2', 1 -> '2026-27-Q2-r1'."""
    return f"{financial_year.replace('/', '-')}-{fy_quarter}-r{revision}"


def parse_release_id(text: str) -> tuple[int, int, int]:
    """(first year of the financial year, quarter, revision): the order releases come in."""
    match = _RELEASE_ID.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a release id like 2026-27-Q2-r1")
    start, _, quarter, revision = match.groups()
    return int(start), int(quarter), int(revision)


def release_ids(paths: DataPaths) -> list[str]:
    """Every release written under releases/, oldest first."""
    if not paths.releases.exists():
        return []
    ids = [
        p.name
        for p in paths.releases.iterdir()
        if _RELEASE_ID.match(p.name) and (p / PUBLIC_FILE).exists()
    ]
    return sorted(ids, key=parse_release_id)


def next_release_id(paths: DataPaths, financial_year: str, fy_quarter: str) -> str:
    """The id for a new release covering up to this quarter: the next free revision."""
    prefix = release_id(financial_year, fy_quarter, 0)[: -len("r0")]
    taken = [parse_release_id(i)[2] for i in release_ids(paths) if i.startswith(prefix)]
    revision = max(taken, default=0) + 1
    while (paths.releases / release_id(financial_year, fy_quarter, revision)).exists():
        revision += 1  # a folder left by something else: never write into it
    return release_id(financial_year, fy_quarter, revision)


def latest_release_id(paths: DataPaths) -> str | None:
    """The release serving/public.duckdb points to, or None before the first publication."""
    link = paths.public_db
    if not link.is_symlink():
        return None
    target = Path(os.readlink(link))
    return target.parent.name if _RELEASE_ID.match(target.parent.name) else None


def release_dir(paths: DataPaths, release: str | None = None) -> Path:
    """The folder of a release (the latest when none is named): where its exports go."""
    chosen = release or latest_release_id(paths)
    if chosen is None:
        raise FileNotFoundError(
            f"{paths.public_db}: nothing has been published yet, so there is no release "
            "folder. Run the pipeline (make pipeline) first."
        )
    return paths.releases / chosen


def next_publication_date(after: dt.date) -> dt.date:
    """The first scheduled publication day strictly after `after`."""
    for year in (after.year, after.year + 1):
        for month in PUBLICATION_MONTHS:
            day = dt.date(year, month, PUBLICATION_DAY)
            if day > after:
                return day
    raise AssertionError("unreachable: a publication month exists every year")


def citation(release: str, published_at: dt.datetime, is_synthetic: bool) -> str:
    kind = "synthetic demonstration data" if is_synthetic else "official statistics"
    return (
        f"{PUBLISHER}. Stalking statistics, England and Wales, release {release} "
        f"({kind}), published {published_at:%d %B %Y}. "
        f"File releases/{release}/{PUBLIC_FILE}."
    )


def _fsync_dir(directory: Path) -> None:
    handle = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def point_serving_at(paths: DataPaths, release: str) -> None:
    """Swap serving/public.duckdb to the release, atomically: readers see old or new."""
    link = paths.public_db
    link.parent.mkdir(parents=True, exist_ok=True)
    target = os.path.relpath(paths.releases / release / PUBLIC_FILE, link.parent)
    for stale in link.parent.glob(f".{link.name}.tmp-*"):  # a link left by a killed run
        stale.unlink(missing_ok=True)
    tmp = link.with_name(f".{link.name}.tmp-{os.getpid()}")
    os.symlink(target, tmp)
    os.replace(tmp, link)
    _fsync_dir(link.parent)
