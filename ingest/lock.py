"""One pipeline run per data directory: an exclusive lock naming its holder.

The lock is an OS file lock (`flock`) on `<data dir>/.run.lock`, so it is released when the
holding process ends, however it ends; the file also says who holds it (pid, start time,
command) for the message a second run gets. A second run waits up to `STALKING_LOCK_WAIT`
seconds (default 30), then stops saying which run holds the directory. The lock is re-entrant
within a process: the pipeline takes it for the whole run and each ingest step inside it
takes it again at no cost. With the lock held no run can remove another's in-flight data.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

WAIT_ENV = "STALKING_LOCK_WAIT"
DEFAULT_WAIT_SECONDS = 30.0
POLL_SECONDS = 0.2

_held: dict[Path, tuple[int, int]] = {}  # lock file -> (fd, depth), this process
_guard = threading.Lock()


class DataDirBusy(RuntimeError):
    """Another run holds the data directory."""


def lock_path(root: Path) -> Path:
    return root / ".run.lock"


def holder(root: Path) -> dict | None:
    """Who holds (or last held) the lock, as the holder wrote it."""
    try:
        return json.loads(lock_path(root).read_text() or "null")
    except (OSError, ValueError):
        return None


def _describe(info: dict | None) -> str:
    if not info:
        return "another run (its details are not readable)"
    return (
        f"pid {info.get('pid')} started {info.get('started_at')} "
        f"({info.get('command', 'unknown command')})"
    )


@contextmanager
def data_dir_lock(root: Path, wait_seconds: float | None = None) -> Iterator[None]:
    """Hold the data directory for one run; DataDirBusy after a bounded wait."""
    path = lock_path(root)
    with _guard:
        if path in _held:
            fd, depth = _held[path]
            _held[path] = (fd, depth + 1)
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _guard:
                fd, depth = _held[path]
                _held[path] = (fd, depth - 1)
        return
    if wait_seconds is None:
        wait_seconds = float(os.environ.get(WAIT_ENV, DEFAULT_WAIT_SECONDS))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                raise DataDirBusy(
                    f"The data directory {root} is in use by {_describe(holder(root))}; waited "
                    f"{wait_seconds:.0f} s. Run again when it has finished (set {WAIT_ENV} to "
                    "wait longer). Nothing was changed."
                ) from None
            time.sleep(POLL_SECONDS)
    info = {
        "pid": os.getpid(),
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": " ".join(sys.argv)[:200],
    }
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(info).encode(), 0)
    with _guard:
        _held[path] = (fd, 1)
    try:
        yield
    finally:
        with _guard:
            del _held[path]
        os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
