"""ingest.bounded: workbooks checked before reading, reading where a crash ends a worker only."""

from __future__ import annotations

import io
import os
import zipfile

import openpyxl
import pytest

from ingest.bounded import check_workbook, in_worker
from ingest.errors import FileRejected


def sparse_workbook(path, far_cell: str) -> None:
    book = openpyxl.Workbook()
    book.active["A1"] = "x"
    book.active[far_cell] = "y"
    book.save(path)


def test_two_cells_far_apart_are_refused_before_reading(tmp_path):
    path = tmp_path / "sparse.xlsx"
    sparse_workbook(path, "BXX100000")
    assert path.stat().st_size < 10_000
    with pytest.raises(FileRejected, match=r"100,000 rows × 2,000 columns") as info:
        check_workbook(path)
    assert info.value.rule == "over_size_limit"


def test_a_normal_workbook_passes(tmp_path):
    path = tmp_path / "fine.xlsx"
    sparse_workbook(path, "T2000")
    check_workbook(path)


def test_a_zip_bomb_part_is_refused(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (4 * 2**20))
    with pytest.raises(FileRejected, match="200 times its size"):
        check_workbook(path)


def abort_reader(path):
    os.abort()  # what a native reader does on a failed allocation: no except can catch it


def greedy_reader(path):
    return bytearray(64 * 2**30)  # far over the worker's address-space limit


def echo_reader(path, suffix):
    return io.BytesIO(path.read_bytes() + suffix).getvalue()


def test_a_reader_that_aborts_or_runs_out_ends_only_its_worker(tmp_path):
    path = tmp_path / "f.xlsx"
    path.write_bytes(b"abc")
    with pytest.raises(FileRejected, match="more memory than the limit") as info:
        in_worker(path, abort_reader)
    assert info.value.rule == "over_size_limit"
    with pytest.raises(FileRejected, match="more memory"):
        in_worker(path, greedy_reader)
    assert in_worker(path, echo_reader, b"!") == b"abc!"  # a fresh worker carries on


def test_a_worker_never_runs_the_parents_main_script(tmp_path, monkeypatch):
    # Streamlit (and AppTest) leave the app script as __main__; a spawned worker used to
    # re-run it and die, so every workbook after an app test was quarantined.
    import sys
    import types

    import ingest.bounded as bounded

    script = tmp_path / "app.py"
    script.write_text("raise SystemExit('the parent script ran in the worker')\n")
    main = types.ModuleType("__main__")
    main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", main)
    monkeypatch.setattr(bounded, "_pool", None)  # a new pool, so workers start under this main
    path = tmp_path / "f.xlsx"
    path.write_bytes(b"abc")
    assert in_worker(path, echo_reader, b"?") == b"abc?"
    assert sys.modules["__main__"] is main
