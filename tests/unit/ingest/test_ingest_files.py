"""ingest.files: what bytes really are, text decoding, headings, atomic writes."""

from __future__ import annotations

import io
import threading
import zipfile
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from ingest.errors import FileRejected
from ingest.files import (
    TEMPORARY_MARK,
    atomic_write_parquet,
    check_table_file,
    clean_heading,
    decode,
    remove_stale_temporaries,
    sniff,
    temporary_beside,
)


def xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["a", "b"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"", "empty"),
        (b"\xef\xbb\xbf \r\n", "empty"),
        (b"a,b\n1,2\n", "csv"),
        (b"a,b\n1,hi\x00gh\n", "csv"),  # one stray NUL: a text file with a bad value
        (b'{"a": 1}\n', "jsonl"),
        ("a,b\n1,2\n".encode("utf-16"), "utf16"),
        ("a,b\n1,2\n".encode("utf-16-le"), "utf16"),
        (bytes(range(256)) * 4, "binary"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "xls"),
        (b"PK\x03\x04 cut short", "damaged_zip"),
    ],
)
def test_sniff_names_what_the_bytes_are(tmp_path, data, kind):
    path = tmp_path / "f"
    path.write_bytes(data)
    assert sniff(path, data[:8192]) == kind


def test_sniff_tells_a_workbook_from_another_zip(tmp_path):
    book = tmp_path / "book.xlsx"
    book.write_bytes(xlsx())
    assert sniff(book, book.read_bytes()[:8192]) == "xlsx"
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert sniff(other, other.read_bytes()[:8192]) == "zip"


def test_check_table_file_names_the_real_content(tmp_path):
    path = tmp_path / "table.xlsx"
    path.write_bytes(b"Financial Year,Force\n2023/24,Kent\n")
    with pytest.raises(FileRejected, match=r"table\.xlsx.*CSV text") as info:
        check_table_file(path, {".xlsx": "xlsx"}, "table")
    assert info.value.rule == "wrong_format"


def test_decode_makes_line_ends_uniform_and_names_a_bad_byte(tmp_path):
    path = tmp_path / "f.csv"
    assert decode(path, b"\xef\xbb\xbfa\r\nb\rc\n", "utf-8") == "a\nb\nc\n"
    assert decode(path, "a\u2028b".encode(), "utf-8") == "a\u2028b"  # not a line end
    with pytest.raises(FileRejected, match=r"byte 4 \(line 2\)"):
        decode(path, b"ab\nc\xff", "utf-8")


def test_clean_heading_drops_notes_and_spacing():
    assert clean_heading("  Offences [note 3]\u00a0 total ") == "Offences total"
    assert clean_heading(None) == ""


def test_atomic_write_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "deep" / "part.parquet"
    atomic_write_parquet(pl.DataFrame({"a": [1]}), target)
    assert pl.read_parquet(target)["a"].to_list() == [1]
    assert [p.name for p in target.parent.iterdir()] == ["part.parquet"]


def test_each_thread_writes_its_own_temporary_and_a_killed_runs_are_swept(tmp_path):
    # Two threads archiving identical files write the same target: each its own temporary.
    target = tmp_path / "same.csv"
    names: list[Path] = []
    both_running = threading.Barrier(2)  # alive together, so their thread ids differ

    def name_one() -> None:
        both_running.wait()
        names.append(temporary_beside(target))

    threads = [threading.Thread(target=name_one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(names)) == 2 and all(n.parent == tmp_path for n in names)
    killed = tmp_path / f".ledger.parquet{TEMPORARY_MARK}999999999-1"  # another process's
    killed.write_bytes(b"half")
    own = temporary_beside(tmp_path / "ledger.parquet")
    own.write_bytes(b"in flight")
    kept = tmp_path / "ledger.parquet"
    kept.write_bytes(b"whole")
    assert remove_stale_temporaries(tmp_path) == [killed]
    assert own.exists() and kept.exists() and not killed.exists()
    assert remove_stale_temporaries(tmp_path / "absent") == []
