"""A small, vectorised XLSX writer for the synthetic exports.

Row-by-row writers (xlsxwriter, openpyxl) need a Python call per cell, which is too slow for
national volumes. Here each data row's XML is built by polars string expressions and the
workbook is zipped with fixed timestamps, so the same frame always gives the same bytes.
Strings are inline strings, numbers numeric cells; the first banner line and the header row are
bold. Enough of SpreadsheetML for Excel, LibreOffice, openpyxl and calamine (fastexcel) to read.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

import polars as pl

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)

_STYLES = (
    _XML_HEAD + f'<styleSheet xmlns="{_MAIN_NS}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


@dataclass(frozen=True)
class Sheet:
    """One worksheet: banner lines (one per row, column A), a blank row, then the table."""

    name: str
    banner: Sequence[str] = ()
    table: pl.DataFrame | None = None
    blank_row_after_banner: bool = True
    column_width: float = 20.0
    notes: Sequence[str] = field(default_factory=tuple)  # lines below the table

    @property
    def header_row(self) -> int:
        """1-based spreadsheet row of the table header."""
        return len(self.banner) + (1 if self.banner and self.blank_row_after_banner else 0) + 1


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _text_cell(ref: str, text: str, bold: bool = False) -> str:
    style = ' s="1"' if bold else ""
    return (
        f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'
    )


def _xml_text(expr: pl.Expr) -> pl.Expr:
    return (
        expr.str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
    )


def _data_rows_xml(table: pl.DataFrame, first_row: int) -> str:
    if table.height == 0:
        return ""
    row_number = pl.int_range(first_row, first_row + pl.len()).cast(pl.String)
    cells = []
    for i, (name, dtype) in enumerate(table.schema.items()):
        letter = column_letter(i)
        if dtype.is_numeric():
            cells.append(
                pl.concat_str(
                    pl.lit(f'<c r="{letter}'),
                    row_number,
                    pl.lit('"><v>'),
                    pl.col(name).cast(pl.String),
                    pl.lit("</v></c>"),
                )
            )
        else:
            cells.append(
                pl.concat_str(
                    pl.lit(f'<c r="{letter}'),
                    row_number,
                    pl.lit('" t="inlineStr"><is><t xml:space="preserve">'),
                    _xml_text(pl.col(name).cast(pl.String)),
                    pl.lit("</t></is></c>"),
                )
            )  # a null value makes the whole cell null, and the row skips it
    row = pl.concat_str(
        pl.lit('<row r="'),
        row_number,
        pl.lit('">'),
        *cells,
        pl.lit("</row>"),
        ignore_nulls=True,
    )
    return table.select(row.str.join("")).item()


def _sheet_xml(sheet: Sheet) -> str:
    parts = []
    for i, line in enumerate(sheet.banner):
        if not line:
            continue  # an empty banner line is an empty row
        parts.append(f'<row r="{i + 1}">{_text_cell(f"A{i + 1}", line, bold=i == 0)}</row>')
    n_columns = 1
    next_row = sheet.header_row
    if sheet.table is not None:
        n_columns = max(1, sheet.table.width)
        header = "".join(
            _text_cell(f"{column_letter(i)}{next_row}", name, bold=True)
            for i, name in enumerate(sheet.table.columns)
        )
        parts.append(f'<row r="{next_row}">{header}</row>')
        parts.append(_data_rows_xml(sheet.table, next_row + 1))
        next_row += sheet.table.height + 2
    for j, line in enumerate(sheet.notes):
        parts.append(f'<row r="{next_row + j}">{_text_cell(f"A{next_row + j}", line)}</row>')
    cols = (
        f'<cols><col min="1" max="{n_columns}" width="{sheet.column_width}" customWidth="1"/>'
        "</cols>"
    )
    return (
        f'{_XML_HEAD}<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">{cols}'
        f"<sheetData>{''.join(parts)}</sheetData></worksheet>"
    )


def write_xlsx(
    path: Path, sheets: Sequence[Sheet], *, title: str, created: datetime, level: int = 6
) -> None:
    """Write `sheets` to `path`. `created` is written as the document's created and modified
    time, and every zip entry carries the same fixed date, so output is byte-reproducible."""
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    n = len(sheets)
    content_types = (
        _XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(n)
        )
        + '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        "</Types>"
    )
    root_rels = (
        _XML_HEAD + f'<Relationships xmlns="{_PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{_REL_NS}/extended-properties" '
        'Target="docProps/app.xml"/></Relationships>'
    )
    workbook = (
        _XML_HEAD
        + f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><sheets>'
        + "".join(
            f'<sheet name="{escape(s.name, {chr(34): "&quot;"})}" sheetId="{i + 1}" '
            f'r:id="rId{i + 1}"/>'
            for i, s in enumerate(sheets)
        )
        + "</sheets></workbook>"
    )
    workbook_rels = (
        _XML_HEAD
        + f'<Relationships xmlns="{_PKG_REL_NS}">'
        + "".join(
            f'<Relationship Id="rId{i + 1}" Type="{_REL_NS}/worksheet" '
            f'Target="worksheets/sheet{i + 1}.xml"/>'
            for i in range(n)
        )
        + f'<Relationship Id="rId{n + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )
    core = (
        _XML_HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/'
        '2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title>"
        "<dc:creator>synthetic demo-data generator (SYNTHETIC DATA)</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )
    app = (
        _XML_HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties"><Application>synthetic demo-data generator</Application>'
        "</Properties>"
    )
    parts: list[tuple[str, str]] = [
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", root_rels),
        ("docProps/core.xml", core),
        ("docProps/app.xml", app),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", workbook_rels),
        ("xl/styles.xml", _STYLES),
    ]
    parts += [(f"xl/worksheets/sheet{i + 1}.xml", _sheet_xml(s)) for i, s in enumerate(sheets)]
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"), compresslevel=level)
