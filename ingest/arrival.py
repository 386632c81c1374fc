"""Which files in landing/ are ready to read: regular, finished files only.

- Symbolic links and special files (FIFOs, sockets, devices) are never read or followed;
  each is refused and recorded in the ledger (by its path, never its target's bytes).
- A file still being written waits for the next run: a name ending `.part` (write as
  `name.csv.part`, rename to `name.csv` when complete), or one modified in the last
  `STABLE_SECONDS` whose size or modification time changes while the run watches it for
  `SETTLE_SECONDS` (a writer still appending).
- Hidden files, Office lock files (`~$…`) and sidecar manifests (`*.manifest.json`, read
  with the file they describe) are not submissions.
"""

from __future__ import annotations

import os
import stat as stat_mode
import time
from dataclasses import dataclass
from pathlib import Path

PART_SUFFIX = ".part"
MANIFEST_SUFFIX = ".manifest.json"
STABLE_SECONDS = 5.0  # older than this: finished
SETTLE_SECONDS = 1.0  # a recent file must stay unchanged this long to be read now


@dataclass(frozen=True)
class Landed:
    path: Path
    relative: str  # path under landing/, the file's name in the ledger
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class Refused:
    relative: str
    size: int
    mtime_ns: int
    reason: str  # for the ledger message


def _is_submission_name(name: str) -> bool:
    return not name.startswith((".", "~$")) and not name.endswith(MANIFEST_SUFFIX)


def scan(
    folder: Path, landing: Path, now_ns: int | None = None, settle_seconds: float = SETTLE_SECONDS
) -> tuple[list[Landed], list[Refused], list[str]]:
    """(ready files in arrival order, refused entries, files still being written)."""
    now_ns = time.time_ns() if now_ns is None else now_ns
    ready: list[Landed] = []
    settling: list[Landed] = []  # modified a moment ago: watched for a second
    refused: list[Refused] = []
    waiting: list[str] = []
    if not folder.exists():
        return ready, refused, waiting
    for directory, subdirs, names in os.walk(folder, followlinks=False):
        base = Path(directory)
        for name in sorted([*subdirs, *names]):
            path = base / name
            relative = str(path.relative_to(landing))
            try:
                info = path.lstat()
            except OSError:
                continue  # vanished while we looked: nothing to do this run
            if stat_mode.S_ISDIR(info.st_mode):
                continue  # walked into below
            if not _is_submission_name(name):
                continue
            if stat_mode.S_ISLNK(info.st_mode):
                refused.append(
                    Refused(
                        relative,
                        0,
                        info.st_mtime_ns,
                        "a symbolic link; links are never followed or read. Put the file "
                        "itself in landing/.",
                    )
                )
                continue
            if not stat_mode.S_ISREG(info.st_mode):
                refused.append(
                    Refused(
                        relative,
                        0,
                        info.st_mtime_ns,
                        "not a regular file (a pipe, socket or device); it was not read.",
                    )
                )
                continue
            if name.endswith(PART_SUFFIX):
                waiting.append(relative)
                continue
            landed = Landed(path, relative, info.st_size, info.st_mtime_ns)
            recent = now_ns - info.st_mtime_ns < STABLE_SECONDS * 1e9
            (settling if recent else ready).append(landed)
    if settling:
        time.sleep(settle_seconds)
        for landed in settling:
            try:
                info = landed.path.lstat()
            except OSError:
                continue
            unchanged = (info.st_size, info.st_mtime_ns) == (landed.size, landed.mtime_ns)
            if unchanged and stat_mode.S_ISREG(info.st_mode):
                ready.append(landed)
            else:
                waiting.append(landed.relative)
    # Arrival order decides only the order of reading; which submission is in force is
    # decided by extraction date (ingest.submissions). The path breaks ties.
    ready.sort(key=lambda f: (f.mtime_ns, f.relative))
    return ready, refused, waiting
