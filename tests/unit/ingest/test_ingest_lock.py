"""ingest.lock: one run per data directory, a bounded wait, a message naming the holder."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from ingest.lock import DataDirBusy, data_dir_lock, holder

HOLD = """
import sys, time
from pathlib import Path
from ingest.lock import data_dir_lock
with data_dir_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(30)
"""


def test_a_second_run_waits_then_names_the_holder(tmp_path):
    other = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert other.stdout.readline().strip() == "held"
        started = time.monotonic()
        with pytest.raises(DataDirBusy) as info, data_dir_lock(tmp_path, wait_seconds=1):
            pass
        waited = time.monotonic() - started
        assert 1 <= waited < 5
        assert f"pid {other.pid}" in str(info.value) and "Nothing was changed" in str(info.value)
        assert holder(tmp_path)["pid"] == other.pid
    finally:
        other.kill()
        other.wait()
    with data_dir_lock(tmp_path, wait_seconds=1):  # released when the holder died
        pass


def test_the_lock_is_reentrant_within_a_run(tmp_path):
    with data_dir_lock(tmp_path, wait_seconds=0), data_dir_lock(tmp_path, wait_seconds=0):
        pass
