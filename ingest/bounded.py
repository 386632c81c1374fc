"""Bounded reading: no input can make a read ask for unbounded memory or end the run.

Before a workbook is opened its parts are checked without decompressing them whole: each
part's uncompressed size, the whole archive's, the compression ratio (a ZIP bomb), and for
each XLSX sheet the range its cells really span (every `<c r="…">` reference, streamed) and
the range it declares (`<dimension ref="…">`), because the reader allocates a grid of that
size. Over a limit the file is quarantined with the reason.

Workbooks are then read in a worker process whose address space is limited
(`STALKING_READ_MEMORY_MB`, default 4096): if a reader still runs out, or aborts (a native
library's abort cannot be caught in-process), only the worker dies; the file is quarantined
and the run goes on with a new worker.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import resource
import sys
import threading
import types
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ingest.errors import FileRejected

MAX_PART_BYTES = 512 * 2**20  # one uncompressed part of a workbook
MAX_TOTAL_BYTES = 1024 * 2**20  # all parts together
MAX_RATIO = 200  # uncompressed : compressed, per part over 1 MiB
MAX_CELLS = 50_000_000  # rows × columns of a sheet's range
MEMORY_ENV = "STALKING_READ_MEMORY_MB"
DEFAULT_MEMORY_MB = 4096
WORKERS = 2  # as many as the runner's reading threads
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})(\d{1,7})"')
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\b[^>]*?\bref="([A-Z]{1,3}\d{1,7}(?::[A-Z]{1,3}\d{1,7})?)"'
)
_REF = re.compile(r"([A-Z]{1,3})(\d{1,7})")


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _too_big(name: str, what: str) -> FileRejected:
    return FileRejected(
        f"{name}: {what}; over the documented limit for reading (docs/SOURCES.md, bounded "
        "reading), the file was quarantined unread. Save only the table as a new workbook, "
        "or send it as CSV.",
        rule="over_size_limit",
    )


def _sheet_extent(archive: zipfile.ZipFile, member: str) -> tuple[int, int]:
    """(rows, columns) of the range a sheet declares or its cells span, the larger."""
    max_row = max_col = 0
    tail = b""
    with archive.open(member) as stream:
        while block := stream.read(1 << 20):
            text = tail + block
            for ref in _DIMENSION.findall(text) if not max_row else ():
                for letters, digits in _REF.findall(ref.decode()):
                    max_col = max(max_col, _column_number(letters))
                    max_row = max(max_row, int(digits))
            for letters, digits in _CELL_REF.findall(text):
                max_col = max(max_col, _column_number(letters.decode()))
                max_row = max(max_row, int(digits))
            tail = text[-200:]  # a reference cut by the block boundary is read next time
    return max_row, max_col


def check_workbook(path: Path) -> None:
    """FileRejected if the workbook's parts or a sheet's range are over the limits."""
    name = path.name
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # not a ZIP workbook (an old .xls): the reader says what it is
    with archive:
        total = 0
        for info in archive.infolist():
            total += info.file_size
            if info.file_size > MAX_PART_BYTES:
                raise _too_big(name, f"a part holds {info.file_size / 2**20:.0f} MiB unpacked")
            if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(1, info.compress_size):
                raise _too_big(name, "a part unpacks to over 200 times its size (a ZIP bomb?)")
        if total > MAX_TOTAL_BYTES:
            raise _too_big(name, f"its parts hold {total / 2**20:.0f} MiB unpacked")
        for member in archive.namelist():
            if member.startswith("xl/worksheets/") and member.endswith(".xml"):
                rows, columns = _sheet_extent(archive, member)
                if rows * columns > MAX_CELLS:
                    raise _too_big(
                        name,
                        f"a sheet spans {rows:,} rows × {columns:,} columns "
                        f"({rows * columns:,} cells; the limit is {MAX_CELLS:,})",
                    )


def _limit_memory() -> None:
    megabytes = int(os.environ.get(MEMORY_ENV, DEFAULT_MEMORY_MB))
    limit = megabytes * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            # spawn, not fork: the parent runs threads (polars, the read-ahead pool).
            context = multiprocessing.get_context("spawn")
            _pool = ProcessPoolExecutor(
                max_workers=WORKERS, mp_context=context, initializer=_limit_memory
            )
        return _pool


def _discard(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _pool_lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


@contextmanager
def _plain_main() -> Iterator[None]:
    """Hide the parent's `__main__` while workers start.

    A spawned worker re-imports the parent's main script unless told otherwise, and the
    parent may be a Streamlit script, a test runner or a Dagster process: the worker needs
    only `ingest`, so it starts from a blank main (faster, and it never runs app code).
    """
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def in_worker(path: Path, read: Callable[..., Any], *args: Any) -> Any:
    """`read(path, *args)` in the memory-limited worker; FileRejected if the worker dies."""
    pool = _executor()
    try:
        with _pool_lock, _plain_main():  # workers start inside submit()
            future = pool.submit(read, path, *args)
        return future.result()
    except BrokenProcessPool:
        _discard(pool)
        raise FileRejected(
            f"{path.name}: reading it needed more memory than the limit "
            f"({os.environ.get(MEMORY_ENV, DEFAULT_MEMORY_MB)} MB) or crashed the reader; "
            "the file was quarantined and the run went on. Save only the table as a new "
            "workbook, or send it as CSV.",
            rule="over_size_limit",
        ) from None
    except MemoryError:
        raise FileRejected(
            f"{path.name}: reading it needed more memory than the limit; the file was quarantined.",
            rule="over_size_limit",
        ) from None
