"""Readers of the published statistics files, and the synthetic writers of the same formats."""

from __future__ import annotations

import hashlib
import time
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import polars as pl
import pytest

from ingest.areas import resolve_force_name
from ingest.errors import FileRejected, RowError
from ingest.files import clean_heading
from ingest.official.common import ParsedTable
from ingest.official.home_office import read_home_office_prc
from ingest.official.ons_rolling import read_ons_pfa_rolling
from ingest.official.ons_tables import read_ons_pfa_tables
from ingest.settings import PROJECT_ROOT, SEEDS_DIR
from synthetic.published import write_synthetic_published_tables

REAL_ROLLING = PROJECT_ROOT.parent / "shared" / "realdata" / "rec-crime-pfa.csv"


def _write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def _write_ods(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    with pd.ExcelWriter(path, engine="odf") as writer:
        for name, rows in sheets.items():
            width = max(len(row) for row in rows)
            padded = [list(row) + [None] * (width - len(row)) for row in rows]
            pd.DataFrame(padded).to_excel(writer, sheet_name=name, header=False, index=False)
    return path


def _write_csv(path: Path, rows: list[list[object]]) -> Path:
    lines = [
        ",".join("" if c is None else f'"{c}"' if "," in str(c) else str(c) for c in row)
        for row in rows
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _rules(table: ParsedTable) -> list[str]:
    return [e.rule for e in table.errors]


# --------------------------------------------------------------------------------------------
# The shared force-name resolver


@pytest.mark.parametrize(
    ("name", "code", "is_force"),
    [
        ("London, City of", "E23000034", True),
        ("city of london police", "E23000034", True),
        ("Kent Police", "E23000032", True),
        ("Avon & Somerset Constabulary", "E23000036", True),
        ("Dyfed Powys", "W15000004", True),
        ("DYFED-POWYS", "W15000004", True),
        ("Metropolitan Police Service", "E23000001", True),
        ("Hampshire and Isle of Wight Constabulary", "E23000030", True),
        ("British Transport Police", "BTP", True),
        ("Cumbria [note 3]", "E23000002", True),
        ("England and Wales", "K04000001", False),
        ("Action Fraud", None, False),
        ("CIFAS", None, False),
        ("UK Finance", None, False),
    ],
)
def test_resolver_matches_names_and_aliases(name, code, is_force):
    match = resolve_force_name(name)
    assert match is not None, name
    assert match.code == code
    assert match.is_force is is_force


def test_resolver_types_and_unknowns():
    assert resolve_force_name("Action Fraud").area_type == "other"
    assert resolve_force_name("British Transport Police").area_type == "other"
    assert resolve_force_name("South East").area_type == "region"
    assert resolve_force_name("Narnia Constabulary") is None
    assert resolve_force_name("") is None
    assert clean_heading("Stalking and\nharassment [note 3]") == "Stalking and harassment"


# --------------------------------------------------------------------------------------------
# ONS rolling-year CSV: the real file


@pytest.fixture(scope="module")
def real_rolling() -> tuple[ParsedTable, float]:
    if not REAL_ROLLING.is_file():
        pytest.skip(f"real data not present at {REAL_ROLLING} (shared/realdata is not in a clone)")
    start = time.perf_counter()
    table = read_ons_pfa_rolling(REAL_ROLLING)
    return table, time.perf_counter() - start


def test_real_rolling_csv_parses_completely_and_fast(real_rolling):
    table, seconds = real_rolling
    assert table.errors == []
    assert table.frame.height == 46_469
    assert seconds < 2.0
    assert table.profile == "ons_pfa_rolling_csv"
    assert table.frame.schema["period_end"] == pl.Date
    assert table.frame.schema["offences"] == pl.Int64
    assert table.frame["_row_number"].min() == 2  # the header is line 1
    assert table.frame["_row_number"].max() == 46_470
    assert table.frame["period_end"].min() == date(2003, 3, 31)
    assert table.frame["period_end"].max() == date(2018, 12, 31)


def test_real_rolling_csv_values(real_rolling):
    frame = real_rolling[0].frame
    kent = frame.filter(
        (pl.col("area_name") == "Kent")
        & (pl.col("offence_group") == "Stalking and harassment")
        & (pl.col("period_end") == date(2018, 12, 31))
    )
    assert kent.rows(named=True) == [
        {
            "period_end": date(2018, 12, 31),
            "area_name": "Kent",
            "area_code": "E23000032",
            "area_type": "force",
            "region": "South East",
            "offence_group": "Stalking and harassment",
            "offences": 20958,
            "_row_number": kent["_row_number"][0],
        }
    ]
    first = frame.row(0, named=True)
    assert (first["area_name"], first["offence_group"], first["offences"]) == (
        "Avon and Somerset",
        "All other theft offences",
        25959,
    )
    assert first["area_code"] == "E23000036"
    # Every police force area resolves to one of the 43 codes.
    forces = frame.filter(pl.col("area_type") == "force")
    assert forces["area_code"].n_unique() == 43


def test_real_rolling_csv_non_force_rows_and_odd_date(real_rolling):
    table = real_rolling[0]
    frame = table.frame
    others = frame.filter(pl.col("area_type") == "other")
    assert set(others["area_name"].unique()) == {
        "Action Fraud",
        "CIFAS",
        "UK Finance",
        "British Transport Police",
    }
    fraud = others.filter(pl.col("area_name") != "British Transport Police")
    assert fraud["area_code"].null_count() == fraud.height
    assert set(others.filter(pl.col("area_name") == "British Transport Police")["area_code"]) == {
        "BTP"
    }
    # The real file dates one quarter 30-12-2017: read as the month's end, and said so.
    assert frame.filter(pl.col("period_end") == date(2017, 12, 30)).height == 0
    kent = frame.filter(
        (pl.col("area_name") == "Kent")
        & (pl.col("offence_group") == "Stalking and harassment")
        & (pl.col("period_end") == date(2017, 12, 31))
    )
    assert kent["offences"].to_list() == [11761]
    assert "30-12-2017" in table.period_note


# --------------------------------------------------------------------------------------------
# ONS rolling-year CSV: editions and errors


def test_rolling_csv_mixed_date_formats_and_errors(tmp_path):
    path = _write_csv(
        tmp_path / "rolling.csv",
        [
            [
                "12 months ending",
                "PFA",
                "Region",
                "Offence",
                "Rolling year total number of offences",
            ],
            ["31/03/2024", "Kent", "South East", "Stalking and harassment", "1,234"],
            ["31-03-2024", "Dyfed Powys", "Wales", "Stalking and harassment", "99"],
            ["31/03/2024", "England and Wales", "", "Stalking and harassment", "700000"],
            [],
            ["31/03/2024", "Narnia", "South East", "Robbery", "5"],
            ["31/13/2024", "Kent", "South East", "Robbery", "5"],
            ["31/03/2024", "Kent", "South East", "Robbery", "five"],
            ["31/03/2024", "Kent", "South East", "Robbery", "5.5"],
        ],
    )
    table = read_ons_pfa_rolling(path)
    assert table.frame["area_code"].to_list() == ["E23000032", "W15000004", "K04000001"]
    assert table.frame["area_type"].to_list() == ["force", "force", "national"]
    assert table.frame["offences"].to_list() == [1234, 99, 700000]
    assert table.frame["period_end"].unique().to_list() == [date(2024, 3, 31)]
    assert [(e.row_number, e.rule) for e in table.errors] == [
        (6, "unknown_area"),
        (7, "bad_date"),
        (8, "not_a_number"),
        (9, "not_an_integer"),
    ]
    error = table.errors[0]
    assert error.column_name == "PFA"
    assert "rolling.csv" in error.message and "line 6" in error.message
    assert "'Aaaaaa'" in error.message and "ref_forces.csv" in error.message
    assert "Narnia" not in error.message  # values only by their shape, never echoed


def test_rolling_csv_missing_heading_is_rejected(tmp_path):
    path = _write_csv(
        tmp_path / "rolling.csv",
        [["12 months ending", "PFA", "Offence"], ["31/03/2024", "Kent", "Robbery"]],
    )
    with pytest.raises(FileRejected) as info:
        read_ons_pfa_rolling(path)
    message = str(info.value)
    assert "rolling.csv" in message
    assert "Rolling year total number of offences" in message
    assert "'PFA'" in message  # the headings that were found


# --------------------------------------------------------------------------------------------
# ONS police force area data tables


P1_ROWS: list[list[object]] = [
    [
        "Table P1: Police recorded crime by offence group and police force area, English regions "
        "and Wales, year ending December 2024 [note 1]"
    ],
    ["This worksheet contains one table. Some cells refer to notes in the Notes worksheet."],
    ["Source: Home Office police recorded crime"],
    [None],
    [
        "Area Code",
        "Area Name",
        "Area type",
        "Total recorded crime\n(excluding fraud)\n[note 2]",
        "Homicide [note 3]",
        "Stalking and\nharassment\n[note 3]",
    ],
    ["K04000001", "England and Wales [note 4]", "Country", 5_000_000, 600, 500_000],
    ["E92000001", "England", "Country", 4_700_000, 560, 470_000],
    [None],
    ["E12000008", "South East", "Region", 700_000, 70, 70_000],
    ["E23000032", "Kent", "Police Force Area", 180_000, "[c]", "21,000"],
    ["E23000033", "Sussex [note 5]", "Police Force Area", 150_000, 12, 17_500],
    [None],
    ["W92000004", "Wales", "Country", 250_000, 30, 26_000],
    ["W15000002", "Gwent", "Police Force Area", 60_000, "[x]", ".."],
    [None, "British Transport Police", None, 50_000, 2, 1_200],
    [None],
    ["Source: Home Office. [x] not available, [c] confidential."],
    ["Note: figures are not comparable with earlier years."],
]
P3_ROWS: list[list[object]] = [
    ["Table P3: Police recorded crime rates per 1,000 population, year ending December 2024"],
    ["Rates for small areas are marked [u1]."],
    [
        "Area Code",
        "Area Name",
        "Population\n(mid-2023)\n[note 6]",
        "Total recorded crime (excluding fraud) rate per 1,000 population",
        "Homicide\nrate per 1,000 population",
        "Stalking and harassment\nrate per 1,000 population [note 3]",
    ],
    ["K04000001", "England and Wales", 60_854_900, 82.2, 0.0, 8.2],
    ["E92000001", "England", 57_690_300, 81.5, 0.0, 8.1],
    ["E12000008", "South East", 9_482_600, 73.8, 0.0, 7.4],
    ["E23000032", "Kent", 1_897_100, 94.9, "[u1]", 11.1],
    ["E23000033", "Sussex", 1_736_000, 86.4, 0.0, 10.1],
    ["W92000004", "Wales", 3_164_500, 79.0, 0.0, 8.2],
    ["W15000002", "Gwent", 595_400, 100.8, "[x]", "[x]"],
]


def _ons_workbook(path: Path, p1=P1_ROWS, p3=P3_ROWS, cover_period="year ending December 2024"):
    sheets = {
        "Cover": [[f"Police force area data tables, {cover_period}"], ["Contents follow"]],
        "Contents": [["Worksheet", "Description"], ["Table P1", "Numbers"]],
        "Notes": [["Note number", "Note text"], ["note 1", "Recorded crime"]],
        "Table P1": p1,
    }
    if p3 is not None:
        sheets["Table P3"] = p3
    sheets["Table P2"] = [["Table P2: percentage change"], ["Area Code", "Area Name", "Total"]]
    return _write_xlsx(path, sheets)


def test_ons_tables_reads_counts_rates_markers_and_keeps_totals(tmp_path):
    table = read_ons_pfa_tables(_ons_workbook(tmp_path / "pfa-tables.xlsx"))
    assert table.errors == []
    assert table.profile == "ons_pfa_tables_xlsx"
    assert "year ending December 2024" in table.period_note
    frame = table.frame
    assert frame.schema["offences"] == pl.Int64
    assert frame.schema["rate_per_1000"] == pl.Float64
    assert frame.schema["population"] == pl.Int64
    assert frame["period_end"].unique().to_list() == [date(2024, 12, 31)]
    assert frame["offence_group"].unique(maintain_order=True).to_list() == [
        "Total recorded crime (excluding fraud)",
        "Homicide",
        "Stalking and harassment",
    ]
    areas = frame.unique("area_code", maintain_order=True)
    assert areas.select("area_code", "area_name", "area_type", "_row_number").rows() == [
        ("K04000001", "England and Wales", "national", 6),
        ("E92000001", "England", "country", 7),
        ("E12000008", "South East", "region", 9),
        ("E23000032", "Kent", "force", 10),
        ("E23000033", "Sussex", "force", 11),
        ("W92000004", "Wales", "country", 13),
        ("W15000002", "Gwent", "force", 14),
        ("BTP", "British Transport Police", "other", 15),
    ]

    def cell(code: str, group: str) -> dict:
        rows = frame.filter((pl.col("area_code") == code) & (pl.col("offence_group") == group))
        assert rows.height == 1
        return rows.row(0, named=True)

    kent = cell("E23000032", "Stalking and harassment")
    assert (kent["offences"], kent["rate_per_1000"], kent["population"]) == (
        21_000,
        11.1,
        1_897_100,
    )
    assert kent["_sheet"] == "Table P1"
    kent_homicide = cell("E23000032", "Homicide")
    assert (kent_homicide["offences"], kent_homicide["offences_marker"]) == (None, "[c]")
    assert (kent_homicide["rate_per_1000"], kent_homicide["rate_marker"]) == (None, "[u1]")
    gwent = cell("W15000002", "Stalking and harassment")
    assert (gwent["offences"], gwent["offences_marker"], gwent["rate_marker"]) == (
        None,
        "..",
        "[x]",
    )
    btp = cell("BTP", "Stalking and harassment")
    assert (btp["offences"], btp["population"], btp["rate_per_1000"]) == (1_200, None, None)
    # The national total is kept as published: it is not the sum of the forces.
    national = cell("K04000001", "Stalking and harassment")["offences"]
    forces = frame.filter(
        (pl.col("area_type") == "force") & (pl.col("offence_group") == "Stalking and harassment")
    )["offences"].sum()
    assert national == 500_000 != forces


def test_ons_tables_without_p3_and_period_from_cover(tmp_path):
    p1 = [list(r) for r in P1_ROWS]
    p1[0] = ["Table P1: Police recorded crime by offence group and police force area"]
    path = _ons_workbook(tmp_path / "t.xlsx", p1=p1, p3=None, cover_period="year ending Mar 2024")
    table = read_ons_pfa_tables(path)
    assert table.errors == []
    assert table.frame["period_end"].unique().to_list() == [date(2024, 3, 31)]
    assert table.frame["rate_per_1000"].null_count() == table.frame.height
    assert table.frame["population"].null_count() == table.frame.height


def test_ons_tables_starting_in_column_b(tmp_path):
    p1 = [[None, *row] for row in P1_ROWS]
    table = read_ons_pfa_tables(_ons_workbook(tmp_path / "shifted.xlsx", p1=p1))
    assert table.errors == []
    kent = table.frame.filter(
        (pl.col("area_code") == "E23000032")
        & (pl.col("offence_group") == "Stalking and harassment")
    )
    assert kent.select("offences", "rate_per_1000", "_row_number").row(0) == (21_000, 11.1, 10)


def test_ons_tables_row_errors(tmp_path):
    p1 = [list(r) for r in P1_ROWS]
    p1[10] = ["E23000033", "Sussex", "Police Force Area", 150_000, "twelve", 17_500]
    p1.insert(11, [None, "Atlantis", None, 1, 2, 3])
    table = read_ons_pfa_tables(_ons_workbook(tmp_path / "t.xlsx", p1=p1))
    assert [(e.sheet, e.row_number, e.column_name, e.rule) for e in table.errors] == [
        ("Table P1", 11, "Homicide", "not_a_number"),
        ("Table P1", 12, "Area Name", "unknown_area"),
    ]
    assert "sheet 'Table P1', row 11, column 'Homicide'" in table.errors[0].message
    sussex = table.frame.filter(pl.col("area_code") == "E23000033")
    assert sussex.select("offence_group", "offences", "rate_per_1000").rows() == [
        ("Total recorded crime (excluding fraud)", 150_000, 86.4),
        ("Stalking and harassment", 17_500, 10.1),
        ("Homicide", None, 0.0),  # the count was unreadable; P3's published rate is kept
    ]
    assert "Atlantis" not in table.frame["area_name"].to_list()


def test_ons_tables_file_problems(tmp_path):
    no_p1 = _write_xlsx(tmp_path / "no_p1.xlsx", {"Cover": [["Crime, year ending June 2024"]]})
    with pytest.raises(FileRejected, match=r"no_p1\.xlsx.*Table P1.*1 cell\(s\) shaped 'Aaaaa'"):
        read_ons_pfa_tables(no_p1)
    p1 = [row for row in P1_ROWS if row[:1] != ["Area Code"]]
    no_header = _ons_workbook(tmp_path / "no_header.xlsx", p1=p1)
    with pytest.raises(FileRejected, match=r"no_header\.xlsx.*'Table P1'.*Area Code"):
        read_ons_pfa_tables(no_header)
    p1 = [list(r) for r in P1_ROWS]
    p1[0] = ["Table P1: Police recorded crime"]
    no_period = _ons_workbook(tmp_path / "no_period.xlsx", p1=p1, cover_period="latest figures")
    with pytest.raises(FileRejected, match="year ending"):
        read_ons_pfa_tables(no_period)


# --------------------------------------------------------------------------------------------
# Home Office police recorded crime open data tables

HO_HEADINGS = [
    "Financial Year",
    "Financial Quarter",
    "Force Name",
    "Offence Description",
    "Offence Group",
    "Offence Subgroup",
    "Offence Code",
    "Number of Offences",
]
VAP, SH = "Violence against the person", "Stalking and harassment"
HO_2023 = [
    ["2023/24", 1, "Kent", "Stalking", VAP, SH, "8Q", 812],
    ["2023/24", 1, "London, City of", "Stalking", VAP, SH, "8Q", 9],
    ["2023/24", 2, "Avon & Somerset", "Harassment", VAP, SH, "8L", -2],
    ["2023/24", 2, "Action Fraud", "Fraud", "Fraud offences", "Action Fraud", "53A", 70_000],
    [
        "2023/24",
        3,
        "British Transport Police",
        "Robbery of business property",
        "Robbery",
        "Robbery",
        34,
        17,
    ],
]
HO_2024 = [
    ["2024/25", 4, "CIFAS", "Fraud", "Fraud offences", "CIFAS", "53B", 65_000],
    ["2024/25", 4, "UK Finance", "Fraud", "Fraud offences", "UK Finance", "53C", 20_000],
    ["2024/25", 4, "Dyfed-Powys", "Stalking", VAP, SH, "8Q", 211],
]


def _ho_sheets(headings=HO_HEADINGS) -> dict[str, list[list[object]]]:
    return {
        "Cover_sheet": [
            ["Police recorded crime open data tables"],
            ["Published by the Home Office"],
        ],
        "Notes": [["Note", "Text"], ["1", "Counts may be negative (reclassifications)."]],
        "2023-24": [["Police recorded crime, 2023/24"], [None], headings, *HO_2023],
        "2024_25": [headings, *HO_2024],
    }


def _check_ho_frame(table: ParsedTable, first_sheet: str | None = "2023-24") -> None:
    assert table.errors == []
    frame = table.frame
    assert frame.height == 8
    assert frame.schema["offences"] == pl.Int64
    assert frame["financial_year"].to_list() == ["2023/24"] * 5 + ["2024/25"] * 3
    assert frame["fy_quarter"].to_list() == ["Q1", "Q1", "Q2", "Q2", "Q3", "Q4", "Q4", "Q4"]
    assert frame["force_code"].to_list() == [
        "E23000032",
        "E23000034",
        "E23000036",
        None,
        "BTP",
        None,
        None,
        "W15000004",
    ]
    assert frame["is_force"].to_list() == [True, True, True, False, True, False, False, True]
    assert frame["force_name"][1] == "London, City of"
    assert frame["offences"].to_list() == [812, 9, -2, 70_000, 17, 65_000, 20_000, 211]
    assert frame["offence_code"].to_list() == ["8Q", "8Q", "8L", "53A", "34", "53B", "53C", "8Q"]
    assert frame["offence_subgroup"][0] == SH
    if first_sheet is not None:
        assert frame["_sheet"].to_list() == [first_sheet] * 5 + [frame["_sheet"][-1]] * 3
        assert frame["_row_number"].to_list() == [4, 5, 6, 7, 8, 2, 3, 4]


def test_home_office_xlsx(tmp_path):
    table = read_home_office_prc(_write_xlsx(tmp_path / "prc.xlsx", _ho_sheets()))
    _check_ho_frame(table)
    assert table.profile == "home_office_prc_xlsx"
    assert table.frame["_sheet"][-1] == "2024_25"
    assert table.period_note == "financial years 2023/24 to 2024/25 (4 quarter(s))"


def test_home_office_ods(tmp_path):
    table = read_home_office_prc(_write_ods(tmp_path / "prc.ods", _ho_sheets()))
    _check_ho_frame(table)
    assert table.profile == "home_office_prc_ods"


def test_home_office_ods_falls_back_to_pandas(tmp_path, monkeypatch):
    import fastexcel

    path = _write_ods(tmp_path / "prc.ods", _ho_sheets())

    def unavailable(*args, **kwargs):
        raise RuntimeError("calamine cannot open this file")

    monkeypatch.setattr(fastexcel, "read_excel", unavailable)
    table = read_home_office_prc(path)
    _check_ho_frame(table)


def test_home_office_csv_with_banner_and_odd_headings(tmp_path):
    headings = [h.upper().replace(" ", "  ") for h in HO_HEADINGS]  # case and spacing differ
    path = _write_csv(
        tmp_path / "prc.csv", [["Police recorded crime open data"], headings, *HO_2023, *HO_2024]
    )
    table = read_home_office_prc(path)
    _check_ho_frame(table, first_sheet=None)
    assert table.frame["_row_number"].to_list() == list(range(3, 11))
    assert table.frame["_sheet"].null_count() == 8
    assert table.profile == "home_office_prc_csv"


def test_home_office_older_edition_offence_count(tmp_path):
    headings = [*HO_HEADINGS[:-1], "Offence Count"]
    table = read_home_office_prc(_write_xlsx(tmp_path / "old.xlsx", _ho_sheets(headings)))
    _check_ho_frame(table)
    assert table.profile == "home_office_prc_xlsx_offence_count"


def test_home_office_row_errors(tmp_path):
    rows = [
        ["2023/24", 1, "Kent", "Stalking", VAP, SH, "8Q", 10],
        ["2023/24", 1, "Narnia", "Stalking", VAP, SH, "8Q", 10],
        ["2023/24", 1, "Kent", "Stalking", VAP, SH, "8Q", "lots"],
        ["2023/24", 5, "Kent", "Stalking", VAP, SH, "8Q", 3],
        ["2023/25", 1, "Kent", "Stalking", VAP, SH, "8Q", 3],
        ["2023/24", 1, "Kent", "Stalking", VAP, SH, "8Q", 2.5],
        [None] * 8,
        ["2023/24", 2, "Surrey", "Stalking", VAP, SH, "8Q", 4],
    ]
    path = _write_xlsx(tmp_path / "bad.xlsx", {"2023-24": [HO_HEADINGS, *rows]})
    table = read_home_office_prc(path)
    assert table.frame["force_name"].to_list() == ["Kent", "Surrey"]
    assert [(e.row_number, e.column_name, e.rule, e.sheet) for e in table.errors] == [
        (3, "Force Name", "unknown_force", "2023-24"),
        (4, "Number of Offences", "not_a_number", "2023-24"),
        (5, "Financial Quarter", "bad_quarter", "2023-24"),
        (6, "Financial Year", "bad_financial_year", "2023-24"),
        (7, "Number of Offences", "not_an_integer", "2023-24"),
    ]
    message = table.errors[0].message
    assert "bad.xlsx" in message and "sheet '2023-24'" in message and "row 3" in message
    assert "'Aaaaaa'" in message and "ref_forces.csv" in message and "Narnia" not in message
    assert all(isinstance(e, RowError) for e in table.errors)


def test_home_office_missing_heading(tmp_path):
    headings = [h for h in HO_HEADINGS if h != "Offence Code"]
    rows = [r[:6] + r[7:] for r in HO_2024]
    path = _write_xlsx(tmp_path / "missing.xlsx", {"2024-25": [headings, *rows]})
    with pytest.raises(FileRejected) as info:
        read_home_office_prc(path)
    message = str(info.value)
    assert "missing.xlsx" in message and "'Offence Code'" in message
    assert "7 cell(s) shaped" in message  # what was found, by shape only
    assert "'Force Name'" not in message


def test_home_office_no_year_sheet(tmp_path):
    path = _write_xlsx(tmp_path / "cover.xlsx", {"Cover": [["Police recorded crime"]]})
    with pytest.raises(FileRejected, match=r"cover\.xlsx.*Financial Year.*shaped 'Aaaaa'"):
        read_home_office_prc(path)


@pytest.mark.parametrize(
    ("reader", "name", "content", "expected"),
    [
        (read_home_office_prc, "empty.csv", b"", "empty"),
        (read_home_office_prc, "blank.csv", b"\n\n  \n", "empty"),
        (read_home_office_prc, "empty.xlsx", b"", "empty"),
        (read_ons_pfa_tables, "empty.xlsx", b"", "empty"),
        (read_ons_pfa_rolling, "empty.csv", b"", "empty"),
        (
            read_home_office_prc,
            "renamed.xlsx",
            b"Financial Year,Force Name\n2023/24,Kent\n",
            "CSV text",
        ),
        (read_ons_pfa_tables, "renamed.xlsx", b"Area Code,Area Name\nK04000001,E&W\n", "CSV text"),
        (read_home_office_prc, "renamed.ods", b"a,b\n1,2\n", "CSV text"),
        (read_ons_pfa_rolling, "renamed.csv", b"PK\x03\x04 not really a zip", "damaged"),
        (read_ons_pfa_rolling, "data.txt", b"a,b\n", "'.txt'"),
    ],
)
def test_unreadable_files_are_rejected(tmp_path, reader, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FileRejected) as info:
        reader(path)
    assert name in str(info.value)
    assert expected in str(info.value)


def test_xlsx_renamed_to_csv_is_rejected(tmp_path):
    source = _write_xlsx(tmp_path / "prc.xlsx", _ho_sheets())
    renamed = tmp_path / "prc.csv"
    renamed.write_bytes(source.read_bytes())
    with pytest.raises(FileRejected, match=r"prc\.csv.*Excel workbook"):
        read_home_office_prc(renamed)


# --------------------------------------------------------------------------------------------
# Synthetic writers, read back by the readers


def _synthetic_counts() -> pl.DataFrame:
    forces = pl.read_csv(SEEDS_DIR / "ref_forces.csv").filter(pl.col("is_territorial"))
    rows = []
    for i, (code, population) in enumerate(
        forces.select("force_code", "population_mid2023").iter_rows()
    ):
        for q in range(1, 5):
            stalking = max(3, int(population / 1000 * 1.9 / 4) + 7 * q + i)
            rows.append((code, "2025/26", f"Q{q}", "8Q", stalking))
            rows.append((code, "2025/26", f"Q{q}", "8R", stalking // 2))
    return pl.DataFrame(
        rows,
        schema=["force_code", "financial_year", "fy_quarter", "offence_code", "crimes"],
        orient="row",
    )


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> tuple[pl.DataFrame, list[Path]]:
    counts = _synthetic_counts()
    landing = tmp_path_factory.mktemp("landing")
    return counts, write_synthetic_published_tables(landing, counts, seed=11)


def test_synthetic_files_are_marked_and_deterministic(synthetic, tmp_path):
    counts, paths = synthetic
    assert [p.parent.name for p in paths] == [
        "home_office_prc",
        "ons_pfa_tables",
        "ons_pfa_rolling",
    ]
    assert all(p.name.startswith("SYNTHETIC_") for p in paths)
    again = write_synthetic_published_tables(tmp_path, counts, seed=11)
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]
    assert digest == [hashlib.sha256(p.read_bytes()).hexdigest() for p in again]
    for path in paths[:2]:
        workbook = openpyxl.load_workbook(path, read_only=True)
        cover = workbook[workbook.sheetnames[0]]
        assert "SYNTHETIC DATA" in str(next(cover.iter_rows(values_only=True))[0])
    assert "year ending March 2026" in str(
        next(
            openpyxl.load_workbook(paths[1], read_only=True)["Table P1"].iter_rows(values_only=True)
        )[0]
    )


def test_synthetic_home_office_round_trip(synthetic):
    counts, paths = synthetic
    table = read_home_office_prc(paths[0])
    assert table.errors == []
    frame = table.frame
    assert frame["force_name"].str.contains("London, City of", literal=True).any()
    assert set(frame.filter(~pl.col("is_force"))["force_name"]) == {
        "Action Fraud",
        "CIFAS",
        "UK Finance",
    }
    forces = frame.filter(pl.col("is_force"))
    assert forces["force_code"].n_unique() == 43
    assert set(forces["offence_code"]) == {"8Q", "8L", "8M", "8R"}
    compared = forces.filter(pl.col("offence_code") == "8Q").join(
        counts.filter(pl.col("offence_code") == "8Q"),
        on=["force_code", "financial_year", "fy_quarter", "offence_code"],
        how="inner",
    )
    assert compared.height == counts.filter(pl.col("offence_code") == "8Q").height
    difference = (compared["offences"] - compared["crimes"]).abs()
    assert (difference <= (compared["crimes"] * 0.03).ceil() + 1).all()
    assert 0 < (difference > 0).sum() < compared.height  # close to, but sometimes not equal


def test_synthetic_ons_tables_and_rolling_round_trip(synthetic):
    _, paths = synthetic
    home_office = read_home_office_prc(paths[0]).frame
    tables = read_ons_pfa_tables(paths[1])
    rolling = read_ons_pfa_rolling(paths[2])
    assert tables.errors == [] and rolling.errors == []
    period = date(2026, 3, 31)
    assert tables.frame["period_end"].unique().to_list() == [period]
    assert set(tables.frame["area_type"]) == {"national", "country", "region", "force", "other"}
    assert tables.frame["offences_marker"].drop_nulls().len() >= 1
    assert tables.frame["rate_marker"].drop_nulls().len() >= 1

    sh = "Stalking and harassment"
    # Published figures read back unchanged: P1 = the rolling file = the Home Office sums.
    p1 = tables.frame.filter((pl.col("offence_group") == sh) & (pl.col("area_type") == "force"))
    roll = rolling.frame.filter(
        (pl.col("offence_group") == sh)
        & (pl.col("period_end") == period)
        & (pl.col("area_type") == "force")
    )
    ho = (
        home_office.filter(pl.col("offence_subgroup") == sh)
        .group_by("force_code")
        .agg(pl.col("offences").sum())
    )
    merged = (
        p1.select("area_code", p1=pl.col("offences"))
        .join(roll.select("area_code", roll=pl.col("offences")), on="area_code")
        .join(ho.rename({"force_code": "area_code", "offences": "ho"}), on="area_code")
    )
    assert merged.height == 43
    assert (merged["p1"] == merged["roll"]).all() and (merged["p1"] == merged["ho"]).all()
    # The national total is kept as published: it includes BTP, so it exceeds the forces' sum.
    national = tables.frame.filter(
        (pl.col("offence_group") == sh) & (pl.col("area_type") == "national")
    )["offences"].item()
    btp = tables.frame.filter((pl.col("offence_group") == sh) & (pl.col("area_code") == "BTP"))
    assert national == merged["p1"].sum() + btp["offences"].item()
    assert national > merged["p1"].sum()
    # Rates and populations come through from Table P3.
    kent = tables.frame.filter(
        (pl.col("area_code") == "E23000032") & (pl.col("offence_group") == sh)
    )
    row = kent.row(0, named=True)
    assert row["population"] == 1_897_100
    assert row["rate_per_1000"] == round(row["offences"] / row["population"] * 1000, 1)
    city = tables.frame.filter(pl.col("area_code") == "E23000034")
    assert set(city["rate_marker"]) == {"[x]"}
    # Non-force rows in the rolling file.
    others = rolling.frame.filter(pl.col("area_type") == "other")
    assert set(others["area_name"]) == {
        "Action Fraud",
        "CIFAS",
        "UK Finance",
        "British Transport Police",
    }


def test_synthetic_writer_with_no_counts(tmp_path):
    empty = pl.DataFrame(
        schema={
            "force_code": pl.String,
            "financial_year": pl.String,
            "fy_quarter": pl.String,
            "offence_code": pl.String,
            "crimes": pl.Int64,
        }
    )
    assert write_synthetic_published_tables(tmp_path, empty, seed=1) == []


def test_older_editions_plus_signs_footnote_digits_and_padded_sheet_names(tmp_path):
    """2018-2019 editions: '+' where a figure is not given, footnote numbers glued to the
    headings, and sheet names with trailing spaces. Every row read is accounted for."""
    old_p1 = [list(row) for row in P1_ROWS]
    old_p1[4] = [
        "Area Code1",
        "Area Name2",
        "Area type",
        "Total recorded crime3",
        "Homicide4",
        "Stalking and harassment5",
    ]
    gwent_row = next(i for i, row in enumerate(old_p1) if row[:1] == ["W15000002"])
    old_p1[gwent_row] = ["W15000002", "Gwent", "Police Force Area", 60_000, "+", "+"]
    sheets = {
        "Cover ": [["Police force area data tables, year ending March 2019"]],
        "Table P1  ": old_p1,
    }
    table = read_ons_pfa_tables(_write_xlsx(tmp_path / "pfa-2019.xlsx", sheets))
    assert table.errors == []
    gwent = table.frame.filter(pl.col("area_code") == "W15000002")
    assert gwent.filter(pl.col("offence_group") == "Homicide")["offences"].to_list() == [None]
    assert gwent.filter(pl.col("offence_group") == "Homicide")["offences_marker"].to_list() == ["+"]
    assert set(table.frame["offence_group"]) == {
        "Total recorded crime",
        "Homicide",
        "Stalking and harassment",
    }

    headings = [f"{h}{n}" for n, h in enumerate(HO_HEADINGS, start=1)]  # 'Force Name3'
    rows = [*HO_2024, ["2024/25", 4, "Kent", "Stalking", VAP, SH, "8Q", "+"]]
    path = _write_xlsx(tmp_path / "prc-2019.xlsx", {"2024-25 ": [headings, *rows]})
    ho = read_home_office_prc(path)
    assert ho.errors == []
    assert ho.frame.height == len(rows)
    assert ho.frame.filter(pl.col("force_name") == "Kent")["offences"].to_list() == [None]


def test_real_rolling_csv_through_the_ingest_balances(tmp_path, monkeypatch):
    if not REAL_ROLLING.is_file():
        pytest.skip(f"real data not present at {REAL_ROLLING} (shared/realdata is not in a clone)")
    import shutil

    from ingest.ledger import Ledger
    from ingest.runner import ingest_source
    from ingest.settings import DataPaths

    monkeypatch.setenv("STALKING_PSEUDONYMISATION_KEY", "k")
    paths = DataPaths(tmp_path).ensure()
    shutil.copy2(REAL_ROLLING, paths.landing / "ons_pfa_rolling" / REAL_ROLLING.name)
    run = ingest_source("ons_pfa_rolling", paths)
    assert run.statuses == {"accepted": 1}
    (record,) = Ledger(paths.ledger, paths.quarantine, paths.archive).records().to_dicts()
    assert (record["rows_read"], record["rows_accepted"], record["rows_rejected"]) == (
        46_469,
        46_469,
        0,
    )
    periods = {p["period_key"] for p in record["periods"]}
    # One period key per rolling year published (yearly to 2007, then quarterly to 2018).
    assert len(periods) == 52 and {"2003-03-31", "2018-12-31"} <= periods
