"""The exports (publish/exports), called directly on the demo pipeline's public file: Parquet
per published table (with key-value metadata), the CSV data package, the accessible
spreadsheet (gptables), and the service-demand report (jinja2); and that the pipeline's own
run materialised them as Dagster assets."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pyarrow.parquet as pq
import pytest
from frictionless import validate

from publish.exports.datapackage import export_datapackage
from publish.exports.parquet import export_parquet
from publish.exports.release import CONTACT_EMAIL_ENV, METHODOLOGY_URL_ENV
from publish.exports.report import export_report
from publish.exports.spreadsheet import export_spreadsheet

pytestmark = pytest.mark.xdist_group("demo_pipeline")

HOSTILE_NAMES = [
    '=HYPERLINK("http://x","click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "[click](http://evil.example)",
    "***",
]


@pytest.fixture(scope="module")
def exports(demo_pipeline, tmp_path_factory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("exports")
    timings, results = {}, {}
    for name, export, target in [
        ("parquet", export_parquet, out / "parquet"),
        ("datapackage", export_datapackage, out / "csv"),
        ("spreadsheet", export_spreadsheet, out),
        ("report", export_report, out),
    ]:
        started = time.perf_counter()
        results[name] = export(demo_pipeline.public_db, target)
        timings[name] = time.perf_counter() - started
    return {"dir": out, "timings": timings, **results}


def _published(serving_db: Path) -> dict[str, pl.DataFrame]:
    with duckdb.connect(str(serving_db), read_only=True) as con:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'published'"
            ).fetchall()
        ]
        return {t: con.sql(f"select * from published.{t}").pl() for t in tables}


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns, nulls_last=True)


def test_parquet_files_equal_the_published_tables(demo_pipeline, exports):
    published = _published(demo_pipeline.public_db)
    directory = exports["dir"] / "parquet"
    assert {p.stem for p in directory.glob("*.parquet")} == set(published)
    assert not [p for p in directory.iterdir() if p.name.startswith(".")], "temp files left"
    for table, frame in published.items():
        exported = pl.read_parquet(directory / f"{table}.parquet")
        assert exported.schema == frame.schema, table
        assert _sorted(exported).equals(_sorted(frame)), table
        assert exports["parquet"][table]["rows"] == frame.height


def test_parquet_files_describe_themselves(exports):
    for path in (exports["dir"] / "parquet").glob("*.parquet"):
        metadata = {k.decode(): v.decode() for k, v in pq.read_schema(path).metadata.items()}
        assert metadata["table"] == path.stem and metadata["description"], path.name
        assert metadata["is_synthetic"] == "true"
        assert metadata["licence"].lower().startswith("synthetic data"), metadata["licence"]
        assert metadata["licence"] and metadata["period_covered"]
        columns = json.loads(metadata["column_descriptions"])
        assert list(columns) == pq.read_schema(path).names, path.name
        assert all(columns.values()), f"{path.name}: a column without a description"
        assert set(json.loads(metadata["markers"])) == {"[c]", "[x]", "[z]", "[u]", "[p]", "[r]"}


def test_the_csv_release_is_a_valid_data_package(demo_pipeline, exports):
    report = validate(exports["datapackage"]["path"])
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "note"])[:10]
    package = json.loads(Path(exports["datapackage"]["path"]).read_text())
    assert package["is_synthetic"] is True
    assert {r["name"] for r in package["resources"]} == set(_published(demo_pipeline.public_db))
    counts = [
        f
        for r in package["resources"]
        for f in r["schema"]["fields"]
        if f["name"] + "_marker" in {g["name"] for g in r["schema"]["fields"]}
        and f["type"] == "integer"
    ]
    assert counts and all(f["unit"] == "count" for f in counts)
    assert all(r["description"] for r in package["resources"])


def test_exports_are_fast(exports):
    # Demo scale 0.05 here, on a loaded 2-core machine: spreadsheet (gptables) about 4 s,
    # Parquet and the data package about 0.3 s each, the report 0.2 s.
    for name, seconds in exports["timings"].items():
        assert seconds < 10, f"{name} took {seconds:.1f}s"


# ---------------------------------------------------------------------- spreadsheet ----


@pytest.fixture(scope="module")
def workbook(exports):
    return openpyxl.load_workbook(exports["spreadsheet"]["path"])


def test_workbook_structure_follows_the_guidance(workbook, exports):
    names = workbook.sheetnames
    assert names[:3] == ["Cover", "Contents", "Notes"]
    tables = names[3:]
    assert tables == [f"Table_{i}" for i in range(1, len(tables) + 1)]
    assert len(tables) >= 8 and len(names) <= 20
    assert exports["spreadsheet"]["synthetic"] is True
    cover = [c.value for c in workbook["Cover"]["A"] if c.value]
    assert "SYNTHETIC" in cover[0] and any("SYNTHETIC DATA:" in v for v in cover)
    assert any("[c] confidential" in v for v in cover) and any("Contact" in v for v in cover)
    for fact in ("Period covered: ", "Release date: ", "Next release: ", "Licence: "):
        assert any(v.startswith(fact) for v in cover), fact
    assert any(v.startswith("Methodology: ") for v in cover)
    assert not any("to be added" in v.lower() for v in cover), "placeholder on the cover"
    links = {c.hyperlink.location for c in workbook["Contents"]["A"] if c.hyperlink}
    assert links == {f"'{t}'!A1" for t in tables}
    notes = [c.value for c in workbook["Notes"]["B"] if c.value]
    assert any(
        "[x] not available" in n
        and "[z] not applicable" in n
        and "[u] low reliability" in n
        and "[r] revised" in n
        for n in notes
    )
    for sheet in workbook.worksheets:
        assert not sheet.merged_cells.ranges, f"{sheet.title} has merged cells"
    for name in tables:
        sheet = workbook[name]
        assert len(sheet.tables) == 1, f"{name} must hold exactly one table"
        assert "SYNTHETIC DATA" in sheet["A1"].value
        (table,) = sheet.tables.values()
        (first_col, first_row), (last_col, last_row) = _bounds(table.ref)
        assert first_col == 1
        header = [c.value for c in sheet[first_row][first_col - 1 : last_col]]
        assert all(isinstance(h, str) and h for h in header), "one header row of text"
        assert len(set(header)) == len(header), f"{name}: headers must be unique"
        # Only the title lines above the table, no blank rows, no blank cells inside it.
        assert all(sheet.cell(r, 1).value for r in range(1, first_row))
        for row in sheet.iter_rows(
            min_row=first_row + 1, max_row=last_row, max_col=last_col, values_only=True
        ):
            assert all(v is not None and v != "" for v in row), f"blank cell in {name}: {row}"
        assert sheet.max_row == last_row, f"{name}: rows below the table"


def _bounds(ref: str) -> tuple[tuple[int, int], tuple[int, int]]:
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    start, end = ref.split(":")
    (c1, r1), (c2, r2) = coordinate_from_string(start), coordinate_from_string(end)
    return (column_index_from_string(c1), r1), (column_index_from_string(c2), r2)


def test_every_measure_column_has_one_unit_in_its_header(workbook):
    for name in workbook.sheetnames[3:]:
        sheet = workbook[name]
        (table,) = sheet.tables.values()
        (_c, first_row), (last_col, last_row) = _bounds(table.ref)
        headers = [c.value for c in sheet[first_row][:last_col]]
        numeric = [
            i
            for i in range(last_col)
            if any(
                isinstance(v, int | float) and not isinstance(v, bool)
                for (v,) in sheet.iter_rows(
                    min_row=first_row + 1,
                    max_row=last_row,
                    min_col=i + 1,
                    max_col=i + 1,
                    values_only=True,
                )
            )
        ]
        # Outcome type numbers are codes, not measures.
        measures = [i for i in numeric if headers[i] != "Outcome type"]
        for i in measures:
            assert re.search(r"\n\([^()]+\)$", headers[i]), f"{name}: {headers[i]!r} has no unit"
        if "Comparisons" in sheet["A1"].value:
            units = {headers[i].split("\n")[1] for i in measures if "Numerator" not in headers[i]}
            assert len(units) == 1, f"{name} mixes units: {units}"


def test_workbook_shows_no_count_from_1_to_4_and_suppressed_cells_as_shorthand(workbook):
    shorthand = 0
    for name in workbook.sheetnames[3:]:
        sheet = workbook[name]
        (table,) = sheet.tables.values()
        (_c, first_row), (last_col, last_row) = _bounds(table.ref)
        headers = [c.value for c in sheet[first_row][:last_col]]
        counts = [i for i, h in enumerate(headers) if "(number)" in h]
        assert counts, name
        for row in sheet.iter_rows(
            min_row=first_row + 1, max_row=last_row, max_col=last_col, values_only=True
        ):
            for i in counts:
                value = row[i]
                if isinstance(value, int | float):
                    assert not 1 <= value <= 4, f"{name} {headers[i]}: {value}"
                else:
                    assert value in ("[c]", "[x]"), f"{name} {headers[i]}: {value!r}"
                    shorthand += value == "[c]"
    assert shorthand > 0


def test_formula_like_text_stays_text(demo_pipeline, tmp_path):
    serving = tmp_path / "serving.duckdb"
    shutil.copy(demo_pipeline.public_db, serving)
    with duckdb.connect(str(serving)) as con:
        services = [
            r[0]
            for r in con.execute(
                "select distinct service_name from published.fct_advocacy_monthly "
                "where service_name != 'All services' order by 1"
            ).fetchall()
        ]
        for old, new in zip(services, HOSTILE_NAMES, strict=False):
            con.execute(
                "update published.fct_advocacy_monthly set service_name = ? where service_name = ?",
                [new, old],
            )
    result = export_spreadsheet(serving, tmp_path / "out")
    book = openpyxl.load_workbook(result["path"])
    found = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula in {sheet.title}!{cell.coordinate}"
                if cell.hyperlink is not None:
                    assert sheet.title == "Contents" and cell.hyperlink.location, cell.coordinate
                if cell.value in HOSTILE_NAMES:
                    assert cell.data_type == "s"
                    found.add(cell.value)
    assert found == set(HOSTILE_NAMES)
    # The raw XML holds them as shared strings, never as <f> formulas.
    with zipfile.ZipFile(result["path"]) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(b"<f>" in archive.read(n) for n in sheets)


def test_libreoffice_opens_the_workbook(exports, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; CI installs libreoffice-calc-nogui")
    completed = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'lo_profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            exports["spreadsheet"]["path"],
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = tmp_path / "stalking_statistics.pdf"
    assert completed.returncode == 0, completed.stderr
    assert pdf.exists() and pdf.stat().st_size > 10_000, completed.stdout + completed.stderr


# --------------------------------------------------------------------------- report ----


def test_report_is_self_contained_accessible_and_controlled(exports):
    text = Path(exports["report"]["path"]).read_text(encoding="utf-8")
    assert exports["report"]["synthetic"] is True
    assert "SYNTHETIC DATA" in text
    assert text.count("<svg") == exports["report"]["charts"] >= 4
    for svg in re.findall(r"<svg.*?</svg>", text, flags=re.S):
        assert "<title id=" in svg and "<desc id=" in svg and 'role="img"' in svg
    assert text.count("<table>") >= text.count("<svg"), "a data table beside each chart"
    assert "<h1>" in text and text.count("<h2") >= 4
    assert "<script" not in text.lower()
    assert not re.search(r"""src\s*=\s*["']?(https?:)?//""", text), "external resource"
    assert not re.search(r"<link|@import|url\(", text), "external resource"
    assert "@page" in text and "A4" in text
    assert "[c]" in text  # the demo has suppressed figures
    for colour in ("#0072B2", "#D55E00"):
        assert colour in text  # Okabe-Ito


def test_report_renders_in_headless_chromium(demo_pipeline, exports, tmp_path):
    browser = next(
        (
            shutil.which(b)
            for b in ("chromium", "chromium-browser", "google-chrome")
            if shutil.which(b)
        ),
        None,
    )
    if browser is None:
        pytest.skip("no headless Chromium installed")
    screenshot = demo_pipeline.root / "exports" / "service_demand_report.png"
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    screenshot.unlink(missing_ok=True)
    completed = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            f"--user-data-dir={tmp_path / 'chromium'}",
            f"--screenshot={screenshot}",
            "--window-size=1280,2000",
            Path(exports["report"]["path"]).as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert screenshot.exists() and screenshot.stat().st_size > 20_000
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ------------------------------------------------------------------------- pipeline ----


def test_a_release_names_itself_and_its_contact(demo_pipeline, tmp_path, monkeypatch):
    public = tmp_path / "public.duckdb"
    shutil.copy(demo_pipeline.public_db, public)
    with duckdb.connect(str(public)) as con:
        con.execute("create schema if not exists release")
        con.execute(
            "create or replace table release.release_info as select '2026-Q1-r2' as release_id, "
            "timestamp '2026-08-01 09:30:00' as published_at, '2024/25 Q3 to 2026/27 Q1' as "
            "period_covered, '1 November 2026' as next_release, 'OGL v3.0 text' as licence, "
            "'Cite as release 2026-Q1-r2.' as citation, true as is_synthetic"
        )
    monkeypatch.setenv(CONTACT_EMAIL_ENV, "stalking.stats@example.org")
    monkeypatch.setenv(METHODOLOGY_URL_ENV, "https://example.org/stalking/methods")
    book = openpyxl.load_workbook(export_spreadsheet(public, tmp_path / "out")["path"])
    cover = {c.value: c.hyperlink.target if c.hyperlink else None for c in book["Cover"]["A"]}
    for line in (
        "Release: 2026-Q1-r2.",
        "Release date: 1 August 2026.",
        "Next release: 1 November 2026.",
        "Period covered: 2024/25 Q3 to 2026/27 Q1.",
        "How to cite: Cite as release 2026-Q1-r2.",
    ):
        assert line in cover, line
    assert "https://example.org/stalking/methods" in cover.values()
    assert "mailto:stalking.stats@example.org" in cover.values()
    text = Path(export_report(public, tmp_path / "out")["path"]).read_text(encoding="utf-8")
    assert "Release 2026-Q1-r2" in text and "stalking.stats@example.org" in text


def test_the_pipeline_materialised_the_exports(demo_pipeline):
    from publish.releases import release_dir

    exports = release_dir(demo_pipeline)  # written into the release they belong to
    assert validate(exports / "csv" / "datapackage.json").valid
    assert (exports / "stalking_statistics.xlsx").stat().st_size > 10_000
    assert (exports / "service_demand_report.html").stat().st_size > 10_000
    assert len(list((exports / "parquet").glob("*.parquet"))) >= 15
