"""ingest.records.readers: profiles found by their header, rows as a person numbers them."""

from __future__ import annotations

import pytest

from ingest.errors import FileRejected
from ingest.records.readers import read_file

HEADER = (
    "force_code,crime_ref,recorded_date,offence_code,victim_ref,victim_sex,relationship,"
    "domestic_flag,cyber_flag,screening_completed,risk_level,masip_referral,outcome_type"
)
ROW = "E23000032,C{n},2024-05-01,8Q,V{n},F,stranger,N,N,Y,high,N,0"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_the_standard_profile_below_a_banner_with_row_numbers_as_seen(tmp_path):
    text = "Crime extract\n\n" + HEADER + "\n" + ROW.format(n=1) + "\n\n" + ROW.format(n=2) + "\n"
    result = read_file(write(tmp_path, "a.csv", text), "force_crimes")
    assert result.profile.name == "force_crimes_standard"
    assert result.frame["_row_number"].to_list() == [4, 6]
    assert result.rows_read == 2


def test_cr_line_ends_and_a_bom_read_the_same(tmp_path):
    text = "\ufeff" + HEADER + "\r" + ROW.format(n=1) + "\r"
    result = read_file(write(tmp_path, "b.csv", text), "force_crimes")
    assert result.frame["crime_ref"].to_list() == ["C1"]


def test_an_unknown_header_names_the_missing_columns_not_the_cells(tmp_path):
    header = HEADER.replace("victim_ref", "ring 07700 900111")
    path = write(tmp_path, "c.csv", header + "\n" + ROW.format(n=1) + "\n")
    with pytest.raises(FileRejected) as info:
        read_file(path, "force_crimes")
    message = str(info.value)
    assert info.value.rule == "missing_required_columns"
    assert "force_crimes_standard" in message and "victim_ref" in message
    assert "07700" not in message


@pytest.mark.parametrize(
    ("name", "data", "rule", "says"),
    [
        ("d.csv", "a,b\n".encode("utf-16"), "unreadable_file", "UTF-16"),
        ("e.xlsx", HEADER + "\n", "wrong_format", "named as XLSX"),
        ("f.csv", b"   \n", "empty_file", "empty"),
        ("g.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "unsupported_format", ".xls"),
    ],
)
def test_whole_file_problems_say_what_the_file_is(tmp_path, name, data, rule, says):
    with pytest.raises(FileRejected, match=says) as info:
        read_file(write(tmp_path, name, data), "force_crimes")
    assert info.value.rule == rule
