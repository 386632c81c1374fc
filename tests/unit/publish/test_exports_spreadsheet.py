"""The spreadsheet's cells: counts or the marker that replaces them, the row's qualifying
markers in their own column, and text from returns written as text whatever it holds."""

from __future__ import annotations

import polars as pl
from gptables.core.gptable import FormatList

from publish.exports.spreadsheet import NEITHER, _safe_cell, count_cells, qualifier_cells


def test_a_count_is_a_number_or_the_marker_that_replaces_it():
    frame = pl.DataFrame(
        {"n": [7, None, None, 0, 12], "n_marker": [None, "[c]", None, "[r]", "[p] [r]"]}
    )
    assert count_cells(frame, "n") == [7, "[c]", "[x]", 0, 12]
    assert count_cells(frame.drop("n_marker"), "n") == [7, "[x]", "[x]", 0, 12]


def test_qualifying_markers_go_in_the_rows_own_column():
    frame = pl.DataFrame(
        {
            "a": [1, None, 3, 4],
            "a_marker": [None, "[c]", "[p]", None],
            "b": [1, 2, 3, 4],
            "b_marker": [None, "[r]", None, None],
            "is_revised": [False, False, False, True],
        }
    )
    assert qualifier_cells(frame, ["a", "b"]) == [
        NEITHER,
        "[r] revised",
        "[p] provisional",
        "[r] revised",
    ]
    assert qualifier_cells(pl.DataFrame({"a": [1, 2]}), ["a"]) == [NEITHER, NEITHER]


def test_a_rows_period_status_is_one_of_its_qualifiers():
    # Published count tables mark a part year or a maturing quarter in period_status_marker.
    frame = pl.DataFrame(
        {
            "a": [1, 2, 3],
            "a_marker": [None, None, "[r]"],
            "period_status_marker": [None, "[p]", "[p]"],
        }
    )
    assert qualifier_cells(frame, ["a"]) == [
        NEITHER,
        "[p] provisional",
        "[p] provisional; [r] revised",
    ]


def test_text_from_returns_is_kept_as_text():
    assert _safe_cell("Bedfordshire") == "Bedfordshire"
    assert _safe_cell(12) == 12
    assert _safe_cell("   ") == "[x]"
    symbols = _safe_cell("***")
    assert isinstance(symbols, FormatList) and symbols.string == "***"


def test_a_sheet_without_count_or_rate_columns_is_written(tmp_path):
    # A release holding one source only (advocacy) once had a sheet with no units, and
    # gptables refuses an empty units dict: the whole export failed.
    from openpyxl import load_workbook

    from publish.exports.release import Publisher, ReleaseInfo
    from publish.exports.spreadsheet import Sheet, write_workbook

    release = ReleaseInfo(
        release_id="2026-27-Q2-r1",
        published_at="2026-12-01",
        period_covered="April 2025 to September 2026",
        next_release="To be announced",
        licence="Synthetic demonstration data",
        citation="cite me",
        is_synthetic=True,
    )
    sheet = Sheet(name="services", title="Services", columns={"Service": ["A", "B"]})
    path = tmp_path / "book.xlsx"
    write_workbook(path, [sheet], release, Publisher("Team", None, None))
    names = load_workbook(path).sheetnames
    assert "Table_1" in names
