"""Write rendered frames to landing files: CSV (UTF-8 with or without BOM, or cp1252), XLSX
(with a SYNTHETIC banner) or JSON Lines. Byte-reproducible: no timestamps but fixed ones."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl

from synthetic.common import SYNTHETIC_PREFIX
from synthetic.profiles import Profile, nest_json, render
from synthetic.xlsx import Sheet, write_xlsx

SYNTHETIC_NOTICE = (
    "All records in this file are invented by the synthetic demo-data generator. They describe "
    "no real person, crime, order or case."
)


def landing_file(landing: Path, source: str, parts: Sequence[str], profile: Profile) -> Path:
    """`landing/<source>/SYNTHETIC_<source>_<part>_<part>.<ext>`."""
    stem = "_".join([SYNTHETIC_PREFIX + source, *parts])
    return landing / source / f"{stem}.{profile.extension}"


def write_export(
    frame: pl.DataFrame,
    profile: Profile,
    path: Path,
    *,
    banner: Sequence[str],
    created: datetime,
    rng: np.random.Generator | None = None,
    bom: bool | None = None,
    extra_columns: dict[str, pl.Series] | None = None,
    cover: Sequence[str] = (),
) -> int:
    """Render a standard frame in `profile`'s shape and write it to `path`; return the rows.

    `banner` lines go above the header in XLSX (the first says SYNTHETIC DATA); CSV and JSON
    Lines carry no banner (the SYNTHETIC_ file name and the landing README say it).
    `extra_columns` are export-only columns the reader drops (their values never matter)."""
    shaped = render(frame, profile, rng)
    if extra_columns:
        shaped = shaped.with_columns(**extra_columns)
    path.parent.mkdir(parents=True, exist_ok=True)
    if profile.format == "csv":
        use_bom = profile.quirks.get("bom", False) if bom is None else bom
        text = shaped.write_csv(
            separator=profile.delimiter,
            line_terminator=profile.quirks.get("line_terminator", "\n"),
        )
        encoding = profile.encoding.lower()
        data = text.encode(encoding)
        if use_bom and encoding in ("utf-8", "utf8"):
            data = b"\xef\xbb\xbf" + data
        path.write_bytes(data)
    elif profile.format == "xlsx":
        sheets = []
        if cover:
            sheets.append(Sheet("Cover", banner=list(cover), column_width=100.0))
        banner_lines = list(banner)
        header_row = profile.header_row
        if isinstance(header_row, int):
            # a fixed header row: pad or check the banner so the header lands there
            if len(banner_lines) + 2 > header_row:
                raise ValueError(f"{profile.name}: banner too long for header_row {header_row}")
            banner_lines += [""] * (header_row - 2 - len(banner_lines))
        sheet_name = profile.sheet or profile.quirks.get("sheet_name", "Data")
        data_sheet = Sheet(sheet_name, banner=banner_lines, table=shaped)
        if isinstance(header_row, int) and data_sheet.header_row != header_row:
            raise ValueError(f"{profile.name}: header would be on row {data_sheet.header_row}")
        sheets.append(data_sheet)
        write_xlsx(
            path,
            sheets,
            title=banner_lines[0] if banner_lines else "SYNTHETIC DATA",
            created=created,
        )
    elif profile.format == "jsonl":
        nest_json(shaped).write_ndjson(path)
    else:  # pragma: no cover - profiles are validated on load
        raise ValueError(f"{profile.name}: unknown format {profile.format!r}")
    return frame.height


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
