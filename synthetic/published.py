"""Synthetic copies of the published statistics files, for the demo (SOURCES.md section 6).

``write_synthetic_published_tables`` writes, from the synthetic force extracts' counts, the
three published files a user would download, in the layouts the readers in
``ingest.official`` readers read:

- ``home_office_prc/SYNTHETIC_prc-pfa-<years>-tables.xlsx``: Home Office open data tables (cover
  and notes sheets, one sheet per financial year). Each count is the extract's count nudged by
  0-3 % now and then, so the reconciliation of published against extract figures has something
  to find; 8L and 8M rows are added where the extracts have none; Action Fraud, CIFAS and UK
  Finance rows carry fraud; City of London is written ``London, City of``.
- ``ons_pfa_tables/SYNTHETIC_police-force-area-tables-year-ending-<month>-<year>.xlsx``: the ONS
  workbook (cover, contents, notes, Table P1 numbers, Table P3 rates), for the 12 months ending
  with the latest complete quarter. The England and Wales total includes British Transport
  Police, so it is not the sum of the forces; a few cells hold ``[c]``, ``[x]`` or ``[z]``.
- ``ons_pfa_rolling/SYNTHETIC_rec-crime-pfa-<date>.csv``: rolling 12-month totals by force and
  offence group at each quarter end, dates DD/MM/YYYY.

Stalking and harassment figures come from the counts (annualised when fewer than four quarters
of the 12 months are in the counts); the other offence groups and the fraud bodies' figures are
invented from populations, scaled to the counts' volume (the generator can run scaled down).
The same inputs always give the same bytes.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
import zlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import polars as pl
import xlsxwriter

from ingest.settings import SEEDS_DIR

PREFIX = "SYNTHETIC_"
BANNER = "SYNTHETIC DATA: invented for the demonstration, not real statistics."
FIXED_CREATED = datetime(2025, 1, 1, 0, 0, 0)

STALKING_SUBGROUP = "Stalking and harassment"
HARASSMENT_RATIOS = {"8L": 1.10, "8M": 0.06}  # added per 8Q crime where the extracts have none
NON_FORCE_BODIES = (
    # (name, offence code, description, subgroup, crimes per quarter)
    ("Action Fraud", "NFIB1", "Fraud reported to Action Fraud", "Action Fraud", 78_000),
    ("CIFAS", "NFIB2", "Fraud reported to Cifas", "CIFAS", 71_000),
    ("UK Finance", "NFIB3", "Fraud reported to UK Finance", "UK Finance", 19_000),
)
# Invented offence groups: (name, crimes per 1,000 population a year). Stalking and harassment
# comes from the counts instead.
OTHER_GROUPS = (
    ("Homicide", 0.011),
    ("Death or serious injury caused by unlawful driving", 0.013),
    ("Violence with injury", 9.1),
    ("Violence without injury", 12.4),
    ("Sexual offences", 3.3),
    ("Robbery", 1.3),
    ("Theft offences", 29.0),
    ("Criminal damage and arson", 8.6),
    ("Drug offences", 3.2),
    ("Possession of weapons offences", 0.9),
    ("Public order offences", 6.1),
    ("Miscellaneous crimes against society", 1.6),
)
VIOLENCE_GROUPS = (
    "Homicide",
    "Death or serious injury caused by unlawful driving",
    "Violence with injury",
    "Violence without injury",
    STALKING_SUBGROUP,
)
TOTAL_GROUP = "Total recorded crime (excluding fraud)"
VIOLENCE_TOTAL = "Violence against the person"
P1_GROUPS = (
    TOTAL_GROUP,
    VIOLENCE_TOTAL,
    *VIOLENCE_GROUPS,
    *(g for g, _ in OTHER_GROUPS if g not in VIOLENCE_GROUPS),
)
ROLLING_GROUPS = tuple(sorted({*VIOLENCE_GROUPS, *(g for g, _ in OTHER_GROUPS)}))
HEADING_NOTES = {  # P1/P3 column headings as published: line breaks and [note N] markers
    TOTAL_GROUP: "Total recorded crime\n(excluding fraud)\n[note 2]",
    VIOLENCE_TOTAL: "Violence against\nthe person",
    "Homicide": "Homicide\n[note 3]",
    STALKING_SUBGROUP: "Stalking and\nharassment\n[note 4]",
    "Death or serious injury caused by unlawful driving": (
        "Death or serious injury\ncaused by unlawful driving"
    ),
}
SH_RATE = 10.5  # stalking and harassment per 1,000 population a year, national volume
BTP_NAME = "British Transport Police"
BTP_SHARE = 0.011  # BTP's crimes as a share of the forces' total, for each group


@dataclass(frozen=True, order=True)
class _Quarter:
    fy_start: int
    quarter: int

    @property
    def financial_year(self) -> str:
        return f"{self.fy_start}/{(self.fy_start + 1) % 100:02d}"

    @property
    def end(self) -> date:
        month = 3 * self.quarter + 3
        year = self.fy_start + (1 if month > 12 else 0)
        month = month - 12 if month > 12 else month
        return date(year, month, calendar.monthrange(year, month)[1])

    def previous(self) -> _Quarter:
        if self.quarter == 1:
            return _Quarter(self.fy_start - 1, 4)
        return _Quarter(self.fy_start, self.quarter - 1)

    def window(self) -> list[_Quarter]:
        """The four quarters of the 12 months ending with this one, oldest first."""
        out = [self]
        while len(out) < 4:
            out.append(out[-1].previous())
        return out[::-1]


def _parse_quarter(financial_year: str, fy_quarter: str) -> _Quarter:
    match = re.fullmatch(r"(\d{4})/(\d{2})", financial_year.strip())
    quarter = re.fullmatch(r"Q([1-4])", fy_quarter.strip().upper())
    if not match or not quarter or (int(match[1]) + 1) % 100 != int(match[2]):
        raise ValueError(f"not a financial year and quarter: {financial_year!r} {fy_quarter!r}")
    return _Quarter(int(match[1]), int(quarter[1]))


def _rng(seed: int, *labels: object) -> np.random.Generator:
    """An independent, stable random stream for (seed, labels...)."""
    entropy = [int(seed) & 0xFFFFFFFF] + [zlib.crc32(str(x).encode("utf-8")) for x in labels]
    return np.random.default_rng(entropy)


def write_synthetic_published_tables(
    landing_dir: Path, counts: pl.DataFrame, seed: int
) -> list[Path]:
    """Write the three synthetic published files under ``landing_dir``; return their paths.

    ``counts`` has columns force_code, financial_year ('2025/26'), fy_quarter ('Q1'..'Q4'),
    offence_code and crimes: the synthetic force extracts' counts. Nothing is written (and an
    empty list returned) when counts has no rows.
    """
    required = {"force_code", "financial_year", "fy_quarter", "offence_code", "crimes"}
    missing = required - set(counts.columns)
    if missing:
        raise ValueError(f"counts lacks column(s) {sorted(missing)}")
    if counts.height == 0:
        return []
    landing_dir = Path(landing_dir)
    model = _Model(counts, seed)
    return [
        _write_home_office(landing_dir / "home_office_prc", model),
        _write_ons_tables(landing_dir / "ons_pfa_tables", model),
        _write_rolling(landing_dir / "ons_pfa_rolling", model),
    ]


# --------------------------------------------------------------------------------------------
# The figures


class _Model:
    """Published figures derived from the counts, shared by the three files."""

    def __init__(self, counts: pl.DataFrame, seed: int) -> None:
        self.seed = seed
        forces = pl.read_csv(SEEDS_DIR / "ref_forces.csv", infer_schema=False)
        self.forces = {row["force_code"]: row for row in forces.iter_rows(named=True)}
        offences = pl.read_csv(SEEDS_DIR / "ref_offences.csv", infer_schema=False)
        self.offences = {row["offence_code"]: row for row in offences.iter_rows(named=True)}

        totals: dict[tuple[str, _Quarter, str], int] = defaultdict(int)
        for force, fy, fq, code, crimes in counts.select(
            pl.col("force_code").cast(pl.String).str.strip_chars(),
            pl.col("financial_year").cast(pl.String),
            pl.col("fy_quarter").cast(pl.String),
            pl.col("offence_code").cast(pl.String).str.strip_chars().str.to_uppercase(),
            pl.col("crimes").cast(pl.Int64).fill_null(0),
        ).iter_rows():
            if force not in self.forces:
                raise ValueError(f"force_code {force!r} is not in ref_forces.csv")
            totals[(force, _parse_quarter(fy, fq), code)] += crimes
        self.quarters = sorted({q for _, q, _ in totals})
        self.force_codes = sorted({f for f, _, _ in totals})
        self.territorial = [
            f for f in self.force_codes if self.forces[f]["is_territorial"].lower() == "true"
        ]
        self.ho_rows = self._home_office_counts(totals)
        self.latest = self._latest_complete_quarter()
        self.scale = self._volume_scale()

    # Home Office published counts: the extracts' counts, sometimes nudged by up to 3 %.
    def _home_office_counts(
        self, totals: dict[tuple[str, _Quarter, str], int]
    ) -> dict[tuple[str, _Quarter, str], int]:
        published: dict[tuple[str, _Quarter, str], int] = {}
        for (force, quarter, code), crimes in sorted(totals.items()):
            published[(force, quarter, code)] = self._nudge(crimes, force, quarter, code)
        for force in self.force_codes:
            for quarter in self.quarters:
                stalking = totals.get((force, quarter, "8Q"))
                if stalking is None:
                    continue
                for code, ratio in HARASSMENT_RATIOS.items():
                    if (force, quarter, code) not in totals:
                        rng = _rng(self.seed, "prc_added", force, quarter, code)
                        published[(force, quarter, code)] = int(
                            rng.poisson(max(stalking * ratio, 0.0))
                        )
        return published

    def _nudge(self, crimes: int, force: str, quarter: _Quarter, code: str) -> int:
        rng = _rng(self.seed, "prc_nudge", force, quarter, code)
        if rng.random() < 0.55:
            return crimes
        return int(round(crimes * (1 + rng.uniform(-0.03, 0.03))))

    def _latest_complete_quarter(self) -> _Quarter:
        """The latest quarter with every force's counts and a plausible total."""
        by_quarter: dict[_Quarter, tuple[set[str], int]] = {}
        for (force, quarter, _), value in self.ho_rows.items():
            forces, total = by_quarter.get(quarter, (set(), 0))
            by_quarter[quarter] = (forces | {force}, total + value)
        most_forces = max(len(f) for f, _ in by_quarter.values())
        median = float(np.median([t for _, t in by_quarter.values()]))
        complete = [
            q
            for q, (forces, total) in by_quarter.items()
            if len(forces) == most_forces and total >= 0.5 * median
        ]
        return max(complete or by_quarter)

    def _volume_scale(self) -> float:
        """The counts' volume against national volume (the generator can run scaled down), so
        the invented offence groups keep their proportion to stalking and harassment."""
        population = sum(float(self.forces[f]["population_mid2023"] or 0) for f in self.territorial)
        observed = sum(self.stalking_harassment(f, self.latest) for f in self.territorial)
        if population <= 0 or observed <= 0:
            return 1.0
        return float(min(max(observed / (population / 1000 * SH_RATE), 0.001), 10.0))

    def fraud(self, body: str, quarter: _Quarter, per_quarter: float) -> int:
        """Crimes recorded by a non-force fraud body in a quarter."""
        return int(_rng(self.seed, "prc_fraud", body, quarter).poisson(per_quarter * self.scale))

    def stalking_harassment(self, force: str, end: _Quarter) -> int:
        """Stalking and harassment in the 12 months ending ``end`` (annualised if need be)."""
        window = [q for q in end.window() if q in self.quarters]
        total = sum(
            value
            for (f, q, code), value in self.ho_rows.items()
            if f == force and q in window and self._subgroup(code) == STALKING_SUBGROUP
        )
        return int(round(total * 4 / len(window))) if window else 0

    def _subgroup(self, code: str) -> str | None:
        row = self.offences.get(code)
        return row["offence_subgroup"] if row else None

    def other_group(self, force: str, group: str, rate: float, end: _Quarter) -> int:
        """An invented 12-month count for a group other than stalking and harassment."""
        population = float(self.forces[force]["population_mid2023"] or 0)
        level = _rng(self.seed, "force_level", force, group).lognormal(0.0, 0.18)
        total = 0.0
        for quarter in end.window():
            noise = _rng(self.seed, "quarter_noise", force, group, quarter).normal(1.0, 0.04)
            total += population / 1000 * rate / 4 * level * max(noise, 0.5) * self.scale
        return int(round(total))

    def year_figures(self, end: _Quarter) -> dict[str, dict[str, int]]:
        """Force -> offence group -> 12-month count (groups of ROLLING_GROUPS)."""
        out: dict[str, dict[str, int]] = {}
        for force in self.territorial:
            figures = {g: self.other_group(force, g, r, end) for g, r in OTHER_GROUPS}
            figures[STALKING_SUBGROUP] = self.stalking_harassment(force, end)
            out[force] = figures
        return out

    def btp_figures(self, forces: dict[str, dict[str, int]], end: _Quarter) -> dict[str, int]:
        out = {}
        for group in ROLLING_GROUPS:
            total = sum(f[group] for f in forces.values())
            noise = _rng(self.seed, "btp", group, end).normal(1.0, 0.05)
            out[group] = int(round(total * BTP_SHARE * max(noise, 0.5)))
        return out

    def force_name(self, code: str, home_office: bool = False) -> str:
        if home_office and code == "E23000034":
            return "London, City of"
        return self.forces[code]["force_name"]


def _with_totals(figures: dict[str, int]) -> dict[str, int]:
    out = dict(figures)
    out[VIOLENCE_TOTAL] = sum(figures[g] for g in VIOLENCE_GROUPS)
    out[TOTAL_GROUP] = (
        sum(v for g, v in figures.items() if g not in VIOLENCE_GROUPS) + out[VIOLENCE_TOTAL]
    )
    return out


def _add(target: dict[str, int], figures: dict[str, int]) -> None:
    for group, value in figures.items():
        target[group] = target.get(group, 0) + value


# --------------------------------------------------------------------------------------------
# xlsxwriter helpers


def _workbook(path: Path) -> xlsxwriter.Workbook:
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    workbook.set_properties(
        {
            "title": "SYNTHETIC DATA",
            "author": "stalking warehouse synthetic generator",
            "comments": BANNER,
            "created": FIXED_CREATED,
        }
    )
    return workbook


def _write_lines(sheet, lines: list[str], bold) -> None:
    for row, line in enumerate(lines):
        sheet.write_string(row, 0, line, bold if row == 0 else None)


# --------------------------------------------------------------------------------------------
# (a) Home Office open data tables

_HO_HEADINGS = (
    "Financial Year",
    "Financial Quarter",
    "Force Name",
    "Offence Description",
    "Offence Group",
    "Offence Subgroup",
    "Offence Code",
    "Number of Offences",
)


def _write_home_office(folder: Path, model: _Model) -> Path:
    years = sorted({q.fy_start for q in model.quarters})
    span = f"{years[0]}-{(years[0] + 1) % 100:02d}"
    if len(years) > 1:
        span += f"-to-{years[-1]}-{(years[-1] + 1) % 100:02d}"
    path = folder / f"{PREFIX}prc-pfa-{span}-tables.xlsx"
    workbook = _workbook(path)
    bold = workbook.add_format({"bold": True})
    cover = workbook.add_worksheet("Cover_sheet")
    _write_lines(
        cover,
        [
            "SYNTHETIC DATA: Police recorded crime open data tables, police force area level",
            BANNER,
            "Modelled on the layout of the Home Office open data tables; every figure is made up.",
            f"Financial years {years[0]}/{(years[0] + 1) % 100:02d} to "
            f"{years[-1]}/{(years[-1] + 1) % 100:02d}, one sheet per financial year.",
            "Counts can be negative where offences were reclassified.",
        ],
        bold,
    )
    notes = workbook.add_worksheet("Notes")
    notes.write_row(0, 0, ["Note number", "Note text"], bold)
    notes.write_row(1, 0, ["1", BANNER])
    notes.write_row(2, 0, ["2", "Action Fraud, CIFAS and UK Finance are not police forces."])
    notes.write_row(3, 0, ["3", "City of London is shown as 'London, City of'."])

    for year in years:
        quarters = [q for q in model.quarters if q.fy_start == year]
        rows = []
        for quarter in quarters:
            for (force, q, code), value in model.ho_rows.items():
                if q == quarter:
                    rows.append(_ho_row(model, quarter, force, code, value))
            for name, code, description, subgroup, per_quarter in NON_FORCE_BODIES:
                value = model.fraud(name, quarter, per_quarter)
                rows.append(
                    (
                        quarter.financial_year,
                        quarter.quarter,
                        name,
                        description,
                        "Fraud offences",
                        subgroup,
                        code,
                        value,
                    )
                )
        rows.sort(key=lambda r: (r[1], r[2].lower(), r[6]))
        sheet = workbook.add_worksheet(f"{year}-{(year + 1) % 100:02d}")
        sheet.write_string(0, 0, f"{BANNER} Financial year {year}/{(year + 1) % 100:02d}.", bold)
        sheet.write_row(2, 0, _HO_HEADINGS, bold)
        for i, row in enumerate(rows, start=3):
            sheet.write_row(i, 0, row)
        sheet.set_column(0, 7, 18)
    workbook.close()
    return path


def _ho_row(model: _Model, quarter: _Quarter, force: str, code: str, value: int) -> tuple:
    reference = model.offences.get(code)
    if reference:
        description, subgroup = reference["offence_description"], reference["offence_subgroup"]
        group = "Violence against the person" if subgroup == STALKING_SUBGROUP else subgroup
    else:
        description = group = subgroup = f"Offence {code} (synthetic)"
    return (
        quarter.financial_year,
        quarter.quarter,
        model.force_name(force, home_office=True),
        description,
        group,
        subgroup,
        code,
        value,
    )


# --------------------------------------------------------------------------------------------
# (b) ONS police force area data tables


def _ons_rows(model: _Model, end: _Quarter) -> list[dict]:
    """Table rows in ONS order: national, England, regions with their forces, Wales, BTP."""
    forces = {f: _with_totals(v) for f, v in model.year_figures(end).items()}
    btp = _with_totals(model.btp_figures(model.year_figures(end), end))
    population = {f: int(model.forces[f]["population_mid2023"] or 0) for f in forces}

    def block(code: str, name: str, members: list[str], kind: str) -> dict:
        figures: dict[str, int] = {}
        for member in members:
            _add(figures, forces[member])
        pop = sum(population[m] for m in members)
        return {"code": code, "name": name, "kind": kind, "figures": figures, "population": pop}

    english = [f for f in forces if f.startswith("E")]
    welsh = [f for f in forces if f.startswith("W")]
    national = block("K04000001", "England and Wales [note 5]", english + welsh, "national")
    _add(national["figures"], btp)  # the national total includes British Transport Police
    rows = [national, block("E92000001", "England", english, "country")]
    regions: dict[str, list[str]] = defaultdict(list)
    for force in english:
        regions[model.forces[force]["region_code"]].append(force)
    for region_code in sorted(regions):
        members = sorted(regions[region_code], key=lambda f: model.force_name(f))
        region_name = model.forces[members[0]]["region_name"]
        rows.append({"blank": True})
        rows.append(block(region_code, region_name, members, "region"))
        for force in members:
            rows.append(block(force, model.force_name(force), [force], "force"))
    if welsh:
        rows.append({"blank": True})
        rows.append(block("W92000004", "Wales", welsh, "country"))
        for force in sorted(welsh, key=lambda f: model.force_name(f)):
            rows.append(block(force, model.force_name(force), [force], "force"))
    rows.append({"blank": True})
    rows.append(
        {
            "code": "",
            "name": f"{BTP_NAME} [note 6]",
            "kind": "btp",
            "figures": btp,
            "population": None,
        }
    )
    return rows


def _write_ons_tables(folder: Path, model: _Model) -> Path:
    end = model.latest
    month = calendar.month_name[end.end.month]
    period = f"year ending {month} {end.end.year}"
    stem = f"police-force-area-tables-year-ending-{month.lower()}-{end.end.year}"
    path = folder / f"{PREFIX}{stem}.xlsx"
    workbook = _workbook(path)
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    window = [q for q in end.window() if q in model.quarters]
    annualised = len(window) < 4

    cover = workbook.add_worksheet("Cover")
    _write_lines(
        cover,
        [
            f"SYNTHETIC DATA: Police force area data tables, {period}",
            BANNER,
            "Modelled on the layout of the ONS police force area data tables published with "
            "Crime in England and Wales; every figure is made up.",
            "Stalking and harassment figures are built from the synthetic force extracts"
            + (f" (annualised from {len(window)} quarter(s) of data)." if annualised else "."),
            "The England and Wales total includes British Transport Police.",
        ],
        bold,
    )
    contents = workbook.add_worksheet("Contents")
    contents.write_string(0, 0, "Contents (SYNTHETIC DATA)", bold)
    contents.write_row(2, 0, ["Worksheet", "Description"], bold)
    contents.write_row(3, 0, ["Notes", "Notes used in the tables"])
    contents.write_row(4, 0, ["Table P1", f"Number of offences by police force area, {period}"])
    contents.write_row(
        5, 0, ["Table P3", f"Offences per 1,000 population by police force area, {period}"]
    )
    notes = workbook.add_worksheet("Notes")
    notes.write_string(0, 0, "Notes (SYNTHETIC DATA)", bold)
    notes.write_row(2, 0, ["Note number", "Note text"], bold)
    for i, text in enumerate(
        [
            BANNER,
            "Total recorded crime excludes fraud.",
            "Homicide figures for small areas are suppressed [c] in this synthetic table.",
            "Stalking and harassment: stalking, harassment and related offences.",
            "England and Wales includes British Transport Police, so it is more than the sum "
            "of the 43 police force areas.",
            "British Transport Police has no resident population [z].",
            "Rates for City of London are not shown [x]: its resident population is small.",
            "Population: mid-2023 estimates.",
        ],
        start=1,
    ):
        notes.write_row(2 + i, 0, [f"note {i}", text])

    rows = _ons_rows(model, end)
    _write_p1(workbook, rows, period, bold, wrap)
    _write_p3(workbook, rows, period, bold, wrap)
    workbook.close()
    return path


def _table_title(sheet, lines: list[str], bold) -> int:
    for i, line in enumerate(lines):
        sheet.write_string(i, 0, line, bold if i == 0 else None)
    return len(lines)


def _write_p1(workbook, rows: list[dict], period: str, bold, wrap) -> None:
    sheet = workbook.add_worksheet("Table P1")
    header = _table_title(
        sheet,
        [
            "Table P1: Police recorded crime by offence group and police force area, English "
            f"regions and Wales, {period} [note 1] (SYNTHETIC DATA)",
            BANNER,
            "This worksheet contains one table. Some cells refer to notes which can be found "
            "in the Notes worksheet.",
            "Source: synthetic, modelled on police recorded crime tables",
        ],
        bold,
    )
    headings = ["Area Code", "Area Name"] + [HEADING_NOTES.get(g, g) for g in P1_GROUPS]
    sheet.write_row(header, 0, headings, wrap)
    sheet.set_row(header, 60)
    r = header + 1
    for row in rows:
        if row.get("blank"):
            r += 1
            continue
        sheet.write_string(r, 0, row["code"])
        sheet.write_string(r, 1, row["name"])
        for c, group in enumerate(P1_GROUPS, start=2):
            value = row["figures"][group]
            if row["code"] == "E23000034" and group == "Homicide":
                sheet.write_string(r, c, "[c]")
            else:
                sheet.write_number(r, c, value)
        r += 1
    sheet.write_string(r + 1, 0, "Source: SYNTHETIC DATA generated for the demonstration.")
    sheet.write_string(r + 2, 0, "[c] Suppressed to protect confidentiality (synthetic).")
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 1, 30)
    sheet.set_column(2, len(headings), 16)


def _write_p3(workbook, rows: list[dict], period: str, bold, wrap) -> None:
    sheet = workbook.add_worksheet("Table P3")
    header = _table_title(
        sheet,
        [
            "Table P3: Police recorded crime rates per 1,000 population by offence group and "
            f"police force area, English regions and Wales, {period} (SYNTHETIC DATA)",
            BANNER,
            "Rates for City of London are not shown [x] [note 7].",
            "Source: synthetic, modelled on police recorded crime tables",
        ],
        bold,
    )
    headings = ["Area Code", "Area Name", "Population\n(mid-2023)\n[note 8]"] + [
        HEADING_NOTES.get(g, g) for g in P1_GROUPS
    ]
    sheet.write_row(header, 0, headings, wrap)
    sheet.set_row(header, 60)
    r = header + 1
    for row in rows:
        if row.get("blank"):
            r += 1
            continue
        sheet.write_string(r, 0, row["code"])
        sheet.write_string(r, 1, row["name"])
        population = row["population"]
        if population:
            sheet.write_number(r, 2, population)
        else:
            sheet.write_string(r, 2, "[z]")
        for c, group in enumerate(P1_GROUPS, start=3):
            if not population:
                sheet.write_string(r, c, "[z]")
            elif row["code"] == "E23000034":
                sheet.write_string(r, c, "[x]")
            else:
                sheet.write_number(r, c, round(row["figures"][group] / population * 1000, 1))
        r += 1
    sheet.write_string(r + 1, 0, "Source: SYNTHETIC DATA generated for the demonstration.")
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 1, 30)
    sheet.set_column(2, len(headings), 16)


# --------------------------------------------------------------------------------------------
# (c) ONS rolling-year CSV


def _write_rolling(folder: Path, model: _Model) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    last = model.quarters[-1]
    path = folder / f"{PREFIX}rec-crime-pfa-{last.end:%Y%m%d}.csv"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["12 months ending", "PFA", "Region", "Offence", "Rolling year total number of offences"]
    )
    for quarter in model.quarters:
        when = f"{quarter.end:%d/%m/%Y}"
        forces = model.year_figures(quarter)
        lines = []
        for force, figures in forces.items():
            name = model.force_name(force)
            region = model.forces[force]["region_name"]
            lines += [(when, name, region, g, figures[g]) for g in ROLLING_GROUPS]
        btp = model.btp_figures(forces, quarter)
        lines += [(when, BTP_NAME, BTP_NAME, g, btp[g]) for g in ROLLING_GROUPS]
        for name, _, _, _, per_quarter in NON_FORCE_BODIES:
            window = [q for q in quarter.window() if q in model.quarters]
            total = sum(model.fraud(name, q, per_quarter) for q in window)
            lines.append((when, name, f"Fraud: {name}", name, round(total * 4 / len(window))))
        writer.writerows(sorted(lines, key=lambda x: (x[1].lower(), x[3].lower())))
    path.write_bytes(out.getvalue().encode("utf-8"))
    return path
