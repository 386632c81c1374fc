"""The accessible spreadsheet: exports/stalking_statistics.xlsx.

Follows the Analysis Function guidance on releasing statistics in spreadsheets: a cover sheet,
a contents sheet with links, a notes sheet, one table per sheet marked up as an Excel table
with its title in A1, headers in one row, no merged cells and no blank rows or cells inside
tables. Written with xlsxwriter directly: ONS's gptables works offline but reinterprets table
text (a "[text](url)" in a cell becomes a hyperlink, two of them or a cell of symbols only
abort the write), which is unsafe for names that come from data returns.

A suppressed count shows the GSS shorthand [c] in its own cell; [x] marks a figure that is not
available; [u] (low reliability) and [r] (revised) describe figures that are present, so they
go in their own column. Every text cell is written as text: a service name such as
=HYPERLINK(...) stays a string, never a formula.

Only published (disclosure-controlled) figures are used, as published: no table adds
suppressed and unsuppressed counts together (regional helpline figures come from the
published regional table, which is protected with the force-area figures).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import xlsxwriter

from publish.exports.common import (
    TOTAL_CODE,
    contains_synthetic_data,
    read_published,
    replace_atomically,
    serving,
    snapshot_info,
    temporary_path,
)

FILE_NAME = "stalking_statistics.xlsx"
SUPPRESSED = "[c]"
NOT_AVAILABLE = "[x]"
SOURCE = (
    "Source: National stalking statistics warehouse (police force crime and Stalking "
    "Protection Order extracts, CPS returns, helpline and advocacy service returns)."
)
CONTACT = "Contact: [statistics team name, email address and telephone number to be added]"
SYNTHETIC_TITLE = " (SYNTHETIC DATA: not real statistics)"

# From STATISTICS.md: what each comparison metric measures and its unit.
METRICS = {
    "stalking_rate": ("Stalking crimes per 1,000 population", "per 1,000 people"),
    "stalking_harassment_rate": (
        "Stalking and harassment crimes per 1,000 population",
        "per 1,000 people",
    ),
    "stalking_share": ("Stalking share of stalking and harassment crimes", "proportion"),
    "screening_rate": ("Stalking crimes with the screening tool completed", "proportion"),
    "high_risk_share": ("Stalking crimes assessed high risk (of those assessed)", "proportion"),
    "charge_rate": ("Stalking crimes charged or summonsed (of outcomes assigned)", "proportion"),
    "evidential_difficulties_share": (
        "Stalking outcomes for evidential difficulties (of outcomes assigned)",
        "proportion",
    ),
    "spo_application_rate": ("SPO applications per 100 stalking crimes", "per 100 crimes"),
    "spo_grant_rate": ("SPO applications granted (of those decided)", "proportion"),
    "masip_referral_rate": ("Stalking crimes referred to a MASIP", "proportion"),
    "possible_unrecognised_share": (
        "Courses of conduct with no stalking crime recorded",
        "proportion",
    ),
    "conviction_rate": ("Convictions (of stalking prosecutions completed)", "proportion"),
    "helpline_contacts_rate": ("Helpline contacts per 100,000 population", "per 100,000 people"),
    "helpline_answer_rate": ("Helpline contacts answered", "proportion"),
    "advocacy_waiting_share": (
        "Advocacy referrals waiting (of those waiting or open) at period end",
        "proportion",
    ),
}
FUNNEL_CLASSES = {
    "above_998": "Above the 99.8% limit",
    "above_95": "Above the 95% limit",
    "within": "Within the limits",
    "below_95": "Below the 95% limit",
    "below_998": "Below the 99.8% limit",
    "insufficient_data": "Not classed (numerator below 10, or withheld)",
}

NOTES = [
    (
        "shorthand",
        "Shorthand used in these tables (GSS standard): [c] confidential: a count of "
        "1 to 4, or a figure withheld so that such a count cannot be worked out from the totals; "
        "[x] not available; [z] not applicable; [u] low reliability: a rate or proportion from "
        "fewer than 10 events; [r] revised since first published.",
    ),
    (
        "suppression",
        "Disclosure control: counts of 1 to 4 are shown as [c]; zeros are shown. "
        "Further counts are shown as [c] where a published total, a row total, or a related "
        "table would otherwise let the suppressed count be worked out by subtraction. Rates and "
        "proportions built from any [c] count are also [c].",
    ),
    (
        "totals",
        "England and Wales rows (force code K04000001) add up the 43 territorial police "
        "forces; British Transport Police is not included.",
    ),
    (
        "periods",
        "Financial years run April to March; Q1 is April to June. Crimes are counted "
        "by the date recorded; outcomes by the quarter the crime was recorded.",
    ),
    (
        "revised",
        "A figure marked [r] changed when the force resubmitted the quarter. On an "
        "England and Wales row, [r] means at least one force's figure changed.",
    ),
    (
        "regions",
        "A region's helpline contacts include those whose police force area is not "
        "known but whose region is, so the regions add up to more than the England and Wales "
        "rows of the force-area tables. Per 100,000 uses ONS mid-2023 resident population.",
    ),
    (
        "advocacy",
        "Advocacy figures are from the services that submitted returns; open cases and "
        "the waiting list are counts at the month end; advocate FTE is full-time equivalent staff.",
    ),
    (
        "comparisons",
        "Values are on the metric's own scale: proportions from 0 to 1, rates per the "
        "unit shown. Intervals: Wilson score for proportions; exact Poisson below 10 events and "
        "Byar's approximation from 10 for rates. Funnel classes compare each force with the "
        "England and Wales value, widened for overdispersion where present.",
    ),
    (
        "unknown_area",
        "Helpline contacts whose force area is not known are not in any force or "
        "England and Wales row.",
    ),
]


def _count_cells(frame: pl.DataFrame, column: str) -> list[object]:
    """A controlled count as the spreadsheet shows it: the number, or [c] when suppressed."""
    marker = f"{column}_marker"
    markers = frame[marker].to_list() if marker in frame.columns else [None] * frame.height
    cells: list[object] = []
    for value, flag in zip(frame[column].to_list(), markers, strict=True):
        if flag == SUPPRESSED:
            cells.append(SUPPRESSED)
        elif value is None:
            cells.append(NOT_AVAILABLE)
        else:
            cells.append(int(value))
    return cells


def _plain(values: list[object], missing: str = NOT_AVAILABLE) -> list[object]:
    return [missing if v is None else v for v in values]


@dataclass
class Table:
    """A table as the spreadsheet writes it: headers and equal-length columns."""

    headers: list[str]
    columns: list[list[object]]

    def __len__(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    def rows(self) -> list[tuple[object, ...]]:
        return list(zip(*self.columns, strict=True))


def _frame(columns: dict[str, list[object]]) -> Table:
    return Table(list(columns), [list(v) for v in columns.values()])


def _total_first(frame: pl.DataFrame, *keys: str) -> pl.DataFrame:
    return frame.with_columns(_is_total=pl.col("force_code") == TOTAL_CODE).sort(
        [*keys, "_is_total", "area_label"], descending=[False] * len(keys) + [True, False]
    )


def _revised(frame: pl.DataFrame) -> list[str]:
    return ["[r]" if flag else "Not revised" for flag in frame["is_revised"].to_list()]


# ------------------------------------------------------------------------- tables ----


def recorded_crime(t: dict[str, pl.DataFrame]) -> Table:
    f = _total_first(
        t["fct_recorded_crime_quarterly"], "financial_year", "fy_quarter", "offence_code"
    )
    return _frame(
        {
            "Financial year": f["financial_year"].to_list(),
            "Quarter": f["fy_quarter"].to_list(),
            "Offence code": f["offence_code"].to_list(),
            "Offence": _plain(f["offence_description"].to_list()),
            "Force code": f["force_code"].to_list(),
            "Force area": f["area_label"].to_list(),
            "Crimes recorded (number)": _count_cells(f, "crimes"),
            "Revised": _revised(f),
        }
    )


def national_outcomes(t: dict[str, pl.DataFrame]) -> Table:
    f = (
        t["fct_outcomes_quarterly"]
        .filter(pl.col("force_code") == TOTAL_CODE)
        .sort("financial_year", "fy_quarter", "offence_code", "outcome_type")
    )
    return _frame(
        {
            "Financial year": f["financial_year"].to_list(),
            "Quarter": f["fy_quarter"].to_list(),
            "Offence code": f["offence_code"].to_list(),
            "Outcome type": f["outcome_type"].to_list(),
            "Outcome group": _plain([_label(g) for g in f["outcome_group"].to_list()]),
            "Crimes with this outcome (number)": _count_cells(f, "outcomes"),
        }
    )


def _label(code: str | None) -> str | None:
    return None if code is None else code.replace("_", " ").capitalize()


def stalking_outcomes_by_force(t: dict[str, pl.DataFrame]) -> Table:
    """Outcomes of stalking (8Q) crimes, one column per outcome type (a missing row is 0)."""
    f = t["fct_outcomes_quarterly"].filter(pl.col("offence_code") == "8Q")
    types = (
        f.select("outcome_type", "outcome_group").unique("outcome_type").sort("outcome_type").rows()
    )
    rows = _total_first(
        f.select("force_code", "area_label", "financial_year", "fy_quarter").unique(),
        "financial_year",
        "fy_quarter",
    )
    cells = {
        (r["force_code"], r["financial_year"], r["fy_quarter"], r["outcome_type"]): r
        for r in f.iter_rows(named=True)
    }
    columns: dict[str, list[object]] = {
        "Financial year": rows["financial_year"].to_list(),
        "Quarter": rows["fy_quarter"].to_list(),
        "Force code": rows["force_code"].to_list(),
        "Force area": rows["area_label"].to_list(),
    }
    keys = list(zip(rows["force_code"], rows["financial_year"], rows["fy_quarter"], strict=True))
    for outcome_type, group in types:
        values: list[object] = []
        for key in keys:
            cell = cells.get((*key, outcome_type))
            if cell is None:
                values.append(0)
            elif cell["outcomes_marker"] == SUPPRESSED:
                values.append(SUPPRESSED)
            else:
                values.append(int(cell["outcomes"]))
        columns[f"Outcome {outcome_type}: {_label(group)} (number)"] = values
    return _frame(columns)


def _by_force(
    t: dict[str, pl.DataFrame],
    table: str,
    keys: list[tuple[str, str]],
    counts: list[tuple[str, str]],
    revised: bool = False,
) -> Table:
    f = _total_first(t[table], *[k for k, _ in keys])
    columns: dict[str, list[object]] = {label: _plain(f[k].to_list()) for k, label in keys}
    columns["Force code"] = f["force_code"].to_list()
    columns["Force area"] = f["area_label"].to_list()
    for column, label in counts:
        columns[label] = _count_cells(f, column)
    if revised:
        columns["Revised"] = _revised(f)
    return _frame(columns)


QUARTER = [("financial_year", "Financial year"), ("fy_quarter", "Quarter")]


def stalking_response(t: dict[str, pl.DataFrame]) -> Table:
    return _by_force(
        t,
        "fct_stalking_response_quarterly",
        QUARTER,
        [
            ("stalking_crimes", "Stalking crimes (number)"),
            ("screened", "Screening tool completed (number)"),
            ("risk_assessed", "Risk assessed (number)"),
            ("high_risk", "Assessed high risk (number)"),
            ("masip_referred", "Referred to a MASIP (number)"),
            ("outcomes_assigned", "Outcome assigned (number)"),
            ("charged_summonsed", "Charged or summonsed (number)"),
            ("evidential_difficulties", "Evidential difficulties outcomes (number)"),
            ("cyber_enabled", "Cyber-enabled (number)"),
            ("domestic", "Domestic abuse-related (number)"),
        ],
    )


def protection_orders(t: dict[str, pl.DataFrame]) -> Table:
    return _by_force(
        t,
        "fct_spo_quarterly",
        QUARTER,
        [
            ("applications", "Applications (number)"),
            ("granted", "Granted (number)"),
            ("refused", "Refused (number)"),
            ("withdrawn", "Withdrawn (number)"),
            ("pending", "Not yet decided (number)"),
            ("breaches", "Breaches (number)"),
        ],
        revised=True,
    )


def prosecutions(t: dict[str, pl.DataFrame]) -> Table:
    return _by_force(
        t,
        "fct_prosecutions_quarterly",
        [*QUARTER, ("offence_act", "Offence (Protection from Harassment Act 1997)")],
        [
            ("pre_charge_decisions", "Pre-charge decisions (number)"),
            ("charged", "Charged (number)"),
            ("prosecutions_completed", "Prosecutions completed (number)"),
            ("convictions", "Convictions (number)"),
        ],
    )


def courses_of_conduct(t: dict[str, pl.DataFrame]) -> Table:
    return _by_force(
        t,
        "fct_courses_of_conduct_yearly",
        [("financial_year", "Financial year")],
        [
            ("courses_of_conduct", "Courses of conduct (number)"),
            ("recognised_as_stalking", "Including a stalking crime (number)"),
            ("possible_unrecognised", "Possible unrecognised stalking (number)"),
            ("crimes_in_courses", "Crimes in these courses (number)"),
        ],
    )


def helpline_by_region(t: dict[str, pl.DataFrame]) -> Table:
    """published.helpline_regional_monthly: each region's contacts (its force areas and those
    whose force area is not known), by month and channel, with contacts per 100,000."""
    territorial = t["dim_force"].filter(pl.col("is_territorial"))
    population = dict(territorial.group_by("region_code").agg(pl.col("population").sum()).rows())
    f = (
        t["helpline_regional_monthly"]
        .with_columns(
            _order=pl.col("channel").replace_strict(
                {"all": 0, "phone": 1, "email": 2, "webchat": 3}, default=4
            )
        )
        .sort("month", "area_label", "_order")
    )
    rates: list[object] = []
    for value, marker, region in zip(
        f["contacts"].to_list(),
        f["contacts_marker"].to_list(),
        f["region_code"].to_list(),
        strict=True,
    ):
        if marker == SUPPRESSED:
            rates.append(SUPPRESSED)
        elif value is None or not population.get(region):
            rates.append(NOT_AVAILABLE)
        else:
            rates.append(round(value / population[region] * 100_000, 2))
    return _frame(
        {
            "Month": f["month"].to_list(),
            "Region code": f["region_code"].to_list(),
            "Region": f["area_label"].to_list(),
            "Channel": ["All channels" if c == "all" else c for c in f["channel"].to_list()],
            "Contacts (number)": _count_cells(f, "contacts"),
            "Answered (number)": _count_cells(f, "answered"),
            "Not answered (number)": _count_cells(f, "unanswered"),
            "Contacts per 100,000 people": rates,
        }
    )


def helpline_by_channel(t: dict[str, pl.DataFrame]) -> Table:
    f = (
        t["fct_helpline_monthly"]
        .filter(pl.col("force_code") == TOTAL_CODE)
        .sort("month", "channel")
    )
    return _frame(
        {
            "Month": f["month"].to_list(),
            "Channel": f["channel"].to_list(),
            "Contacts (number)": _count_cells(f, "contacts"),
            "Answered (number)": _count_cells(f, "answered"),
            "Not answered (number)": _count_cells(f, "unanswered"),
        }
    )


def advocacy_by_service(t: dict[str, pl.DataFrame]) -> Table:
    f = (
        t["fct_advocacy_monthly"]
        .filter(pl.col("force_code") == TOTAL_CODE)
        .with_columns(_all=pl.col("service_name") == "All services")
        .sort("month", "_all", "service_name", descending=[False, True, False])
    )
    return _frame(
        {
            "Month": f["month"].to_list(),
            "Service": f["service_name"].to_list(),
            "Referrals received (number)": _count_cells(f, "referrals_received"),
            "Cases opened (number)": _count_cells(f, "cases_opened"),
            "Cases closed (number)": _count_cells(f, "cases_closed"),
            "Open cases at month end (number)": _count_cells(f, "open_cases_end"),
            "Waiting list at month end (number)": _count_cells(f, "waiting_list_end"),
            "Advocates (full-time equivalent)": _plain(
                [None if v is None else round(float(v), 1) for v in f["advocate_fte"].to_list()]
            ),
        }
    )


def latest_financial_year(t: dict[str, pl.DataFrame]) -> str | None:
    years = t["force_comparisons"].filter(pl.col("period_type") == "financial_year")["period"]
    return years.max() if years.len() else None


def force_comparisons(t: dict[str, pl.DataFrame], year: str | None) -> Table:
    f = (
        t["force_comparisons"]
        .filter(pl.col("period_type") == "financial_year", pl.col("period") == year)
        .sort("metric_id", "area_label")
    )

    def shown(column: str, digits: int = 4) -> list[object]:
        out: list[object] = []
        for value, marker in zip(f[column].to_list(), f["value_marker"].to_list(), strict=True):
            if marker == SUPPRESSED:
                out.append(SUPPRESSED)
            elif value is None:
                out.append(NOT_AVAILABLE)
            else:
                out.append(round(float(value), digits))
        return out

    def comparator(column: str) -> list[object]:
        out: list[object] = []
        for value, marker in zip(f[column].to_list(), f[f"{column}_marker"].to_list(), strict=True):
            out.append(
                SUPPRESSED
                if marker == SUPPRESSED
                else NOT_AVAILABLE
                if value is None
                else round(float(value), 4)
            )
        return out

    return _frame(
        {
            "Metric": [METRICS.get(m, (m, ""))[0] for m in f["metric_id"].to_list()],
            "Unit": [METRICS.get(m, ("", ""))[1] for m in f["metric_id"].to_list()],
            "Financial year": f["period"].to_list(),
            "Force code": f["force_code"].to_list(),
            "Force area": f["area_label"].to_list(),
            "Numerator (number)": shown("numerator", 0),
            "Denominator (number)": shown("denominator", 0),
            "Value": shown("value"),
            "95% interval lower": shown("ci95_low"),
            "95% interval upper": shown("ci95_high"),
            "England and Wales value": comparator("national_value"),
            "Region value": comparator("region_value"),
            "Funnel plot class": [FUNNEL_CLASSES.get(c, c) for c in f["funnel_class"].to_list()],
            "Reliability": [
                "[u] low reliability"
                if m == "[u]"
                else "Withheld [c]"
                if m == SUPPRESSED
                else "Reliable"
                for m in f["value_marker"].to_list()
            ],
        }
    )


# ------------------------------------------------------------------------ workbook ----


def _specs(t: dict[str, pl.DataFrame]) -> list[tuple[str, str, Table, list[str]]]:
    """(sheet purpose, title, table, note references) for each table sheet, in order."""
    year = latest_financial_year(t)
    return [
        (
            "recorded_crime",
            "Stalking and harassment crimes recorded by police force area, "
            "financial year and quarter",
            recorded_crime(t),
            ["totals", "periods", "revised"],
        ),
        (
            "outcomes_national",
            "Outcomes of stalking and harassment crimes, England and Wales, by "
            "quarter recorded, offence and outcome type",
            national_outcomes(t),
            ["periods"],
        ),
        (
            "outcomes_stalking",
            "Outcomes of stalking crimes (8Q) by police force area and quarter "
            "recorded, by outcome type",
            stalking_outcomes_by_force(t),
            ["totals", "periods"],
        ),
        (
            "stalking_response",
            "Police response to stalking crimes by police force area and quarter",
            stalking_response(t),
            ["totals", "periods"],
        ),
        (
            "protection_orders",
            "Stalking Protection Order applications by police force area and "
            "quarter of application",
            protection_orders(t),
            ["totals", "revised"],
        ),
        (
            "prosecutions",
            "CPS pre-charge decisions, prosecutions and convictions by police force "
            "area, quarter and offence",
            prosecutions(t),
            ["totals", "periods"],
        ),
        (
            "courses_of_conduct",
            "Courses of conduct and possible unrecognised stalking by police "
            "force area and financial year",
            courses_of_conduct(t),
            ["totals"],
        ),
        (
            "helpline_regions",
            "Stalking helpline contacts by region and month",
            helpline_by_region(t),
            ["regions"],
        ),
        (
            "helpline_channels",
            "Stalking helpline contacts, England and Wales, by channel and month",
            helpline_by_channel(t),
            ["totals", "unknown_area"],
        ),
        (
            "advocacy_services",
            "Stalking advocacy services' caseloads by service and month",
            advocacy_by_service(t),
            ["advocacy"],
        ),
        (
            "force_comparisons",
            f"Comparisons of police force areas, financial year {year}",
            force_comparisons(t, year),
            ["comparisons", "totals"],
        ),
    ]


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook):
        font = {"font_name": "Arial", "font_size": 10}
        self.title = book.add_format({**font, "bold": True, "font_size": 15})
        self.heading = book.add_format({**font, "bold": True, "font_size": 12})
        self.text = book.add_format({**font, "text_wrap": False})
        self.paragraph = book.add_format({**font, "text_wrap": True, "valign": "top"})
        self.header = book.add_format(
            {**font, "bold": True, "text_wrap": True, "valign": "top", "bottom": 1}
        )
        self.header_number = book.add_format(
            {
                **font,
                "bold": True,
                "text_wrap": True,
                "valign": "top",
                "align": "right",
                "bottom": 1,
            }
        )
        self.cell = book.add_format({**font, "valign": "top"})
        self.integer = book.add_format({**font, "num_format": "#,##0", "valign": "top"})
        self.decimal = book.add_format({**font, "num_format": "#,##0.0###", "valign": "top"})
        self.shorthand = book.add_format({**font, "align": "right", "valign": "top"})
        self.link = book.add_format({**font, "font_color": "#0000FF", "underline": 1})


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _write_text(sheet, row: int, col: int, text: str, fmt) -> None:
    """Always a string cell: text starting with =, +, - or @ is never a formula."""
    sheet.write_string(row, col, text, fmt)


def _write_table(sheet, first_row: int, name: str, table: Table, f: _Formats) -> None:
    if not len(table):  # no rows: one row saying so, never an empty table
        table = Table(table.headers, [[NOT_AVAILABLE] for _ in table.headers])
    numeric = [
        any(_is_number(v) for v in column)
        and all(_is_number(v) or (isinstance(v, str) and v.startswith("[")) for v in column)
        for column in table.columns
    ]
    for col, values in enumerate(table.columns):
        for offset, value in enumerate(values, start=1):
            row = first_row + offset
            if _is_number(value):
                fmt = f.integer if isinstance(value, int) else f.decimal
                sheet.write_number(row, col, value, fmt)
            elif numeric[col]:
                _write_text(sheet, row, col, str(value), f.shorthand)
            else:
                _write_text(sheet, row, col, str(value), f.cell)
    last_row = first_row + len(table)
    sheet.add_table(
        first_row,
        0,
        last_row,
        len(table.headers) - 1,
        {
            "name": name,
            "style": None,
            "autofilter": False,
            "header_row": True,
            "columns": [
                {"header": h, "header_format": f.header_number if numeric[i] else f.header}
                for i, h in enumerate(table.headers)
            ],
        },
    )
    for col, header in enumerate(table.headers):
        longest = max([len(str(v)) for v in table.columns[col][:2000]] or [0])
        width = max(10, min(60, max(longest + 2, min(len(header), 30) + 2)))
        sheet.set_column(col, col, width)


def _note_numbers(references: list[str]) -> str:
    numbers = [f"[note {[ref for ref, _ in NOTES].index(r) + 1}]" for r in references]
    return " ".join(numbers)


def _write_cover(book, f: _Formats, info: dict[str, str], synthetic: bool) -> None:
    sheet = book.add_worksheet("Cover")
    sheet.hide_gridlines(2)
    sheet.set_column(0, 0, 110)
    published = info.get("published_at", "") or "not recorded"
    lines: list[tuple[str, object]] = [
        (
            "title",
            "Stalking statistics, England and Wales" + (SYNTHETIC_TITLE if synthetic else ""),
        ),
    ]
    if synthetic:
        lines.append(
            (
                "paragraph",
                "SYNTHETIC DATA: every figure in this workbook comes from "
                "synthetic demonstration data generated by the project. They are not real "
                "statistics and must not be used or quoted as such.",
            )
        )
    lines += [
        ("heading", "What these tables are"),
        (
            "paragraph",
            "Statistics on stalking in England and Wales: crimes recorded by the "
            "police and their outcomes, the police response to stalking crimes, Stalking "
            "Protection Orders, prosecutions, courses of conduct, and demand for a stalking "
            "helpline and advocacy services, by police force area, region and period.",
        ),
        ("paragraph", f"Snapshot published: {published}."),
        ("heading", "Source"),
        ("paragraph", SOURCE),
        ("heading", "Disclosure control and shorthand"),
        (
            "paragraph",
            "Counts of 1 to 4 are shown as [c] (confidential), and further figures "
            "are shown as [c] where they would let such a count be worked out from a total. "
            "Zeros are shown.",
        ),
        (
            "paragraph",
            "Shorthand: [c] confidential; [x] not available; [z] not applicable; "
            "[u] low reliability; [r] revised.",
        ),
        ("paragraph", "England and Wales rows add up the 43 territorial police forces."),
        ("heading", "Using this workbook"),
        (
            "paragraph",
            "Each table is on its own worksheet, with its title in cell A1. The "
            "contents worksheet links to every table and the notes worksheet lists the notes.",
        ),
        ("heading", "Contact"),
        ("paragraph", CONTACT),
    ]
    for row, (kind, text) in enumerate(lines):
        _write_text(sheet, row, 0, str(text), getattr(f, kind))
    sheet.activate()


def _write_contents(book, f: _Formats, specs, synthetic: bool) -> None:
    sheet = book.add_worksheet("Contents")
    sheet.hide_gridlines(2)
    _write_text(sheet, 0, 0, "Table of contents", f.title)
    _write_text(
        sheet,
        1,
        0,
        "This worksheet contains one table. Select a sheet name to go to the table.",
        f.text,
    )
    rows = len(specs)
    sheet.add_table(
        2,
        0,
        2 + rows,
        1,
        {
            "name": "contents",
            "style": None,
            "autofilter": False,
            "columns": [
                {"header": "Sheet name", "header_format": f.header},
                {"header": "Table description", "header_format": f.header},
            ],
        },
    )
    for i, (sheet_name, title) in enumerate(specs, start=1):
        sheet.write_url(2 + i, 0, f"internal:'{sheet_name}'!A1", f.link, string=sheet_name)
        _write_text(sheet, 2 + i, 1, title + (SYNTHETIC_TITLE if synthetic else ""), f.cell)
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 110)


def _write_notes(book, f: _Formats) -> None:
    sheet = book.add_worksheet("Notes")
    sheet.hide_gridlines(2)
    _write_text(sheet, 0, 0, "Notes", f.title)
    _write_text(
        sheet,
        1,
        0,
        "This worksheet contains one table. Tables refer to these notes "
        "in the line under their title.",
        f.text,
    )
    sheet.add_table(
        2,
        0,
        2 + len(NOTES),
        1,
        {
            "name": "notes",
            "style": None,
            "autofilter": False,
            "columns": [
                {"header": "Note number", "header_format": f.header},
                {"header": "Note text", "header_format": f.header},
            ],
        },
    )
    for i, (_ref, text) in enumerate(NOTES, start=1):
        _write_text(sheet, 2 + i, 0, f"note {i}", f.cell)
        _write_text(sheet, 2 + i, 1, text, f.paragraph)
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 1, 110)


def export_spreadsheet(serving_db: Path, out_dir: Path) -> dict[str, object]:
    """Write out_dir/stalking_statistics.xlsx from the published schema (written to a temporary
    file and renamed into place). Returns its path, bytes, sheets (name -> rows), whether the
    data are synthetic, and the seconds it took."""
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = [
        "dim_force",
        "fct_recorded_crime_quarterly",
        "fct_outcomes_quarterly",
        "fct_stalking_response_quarterly",
        "fct_spo_quarterly",
        "fct_prosecutions_quarterly",
        "fct_courses_of_conduct_yearly",
        "fct_helpline_monthly",
        "helpline_regional_monthly",
        "fct_advocacy_monthly",
        "force_comparisons",
    ]
    with serving(serving_db) as con:
        tables = {name: read_published(con, name) for name in names}
        info = snapshot_info(con)
    synthetic = contains_synthetic_data(info)
    specs = _specs(tables)
    final = out_dir / FILE_NAME
    tmp = temporary_path(final).with_suffix(".xlsx")
    sheets: dict[str, int] = {}
    try:
        book = xlsxwriter.Workbook(
            str(tmp),
            {
                # Text is text: never turn a cell that starts with = into a formula, a URL into a
                # link, or a numeric-looking string into a number.
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        book.set_properties(
            {
                "title": "Stalking statistics, England and Wales"
                + (SYNTHETIC_TITLE if synthetic else ""),
                "subject": "Published (disclosure-controlled) stalking statistics",
                "comments": "Synthetic demonstration data" if synthetic else "",
                "language": "en-GB",
            }
        )
        f = _Formats(book)
        _write_cover(book, f, info, synthetic)
        _write_contents(
            book,
            f,
            [
                (f"Table_{i}", f"Table {i}: {title}")
                for i, (_n, title, _t, _r) in enumerate(specs, start=1)
            ],
            synthetic,
        )
        _write_notes(book, f)
        for number, (name, title, table, refs) in enumerate(specs, start=1):
            sheet_name = f"Table_{number}"
            sheet = book.add_worksheet(sheet_name)
            sheet.hide_gridlines(2)
            lines = [
                (f"Table {number}: {title}" + (SYNTHETIC_TITLE if synthetic else ""), f.title),
                (
                    "This worksheet contains one table. Some cells refer to notes which can be "
                    "found on the notes worksheet.",
                    f.text,
                ),
                (
                    "Suppressed counts are shown as [c]. Notes: "
                    + _note_numbers(["shorthand", "suppression", *refs]),
                    f.text,
                ),
                (SOURCE, f.text),
            ]
            for row, (text, fmt) in enumerate(lines):
                _write_text(sheet, row, 0, text, fmt)
            _write_table(sheet, len(lines), f"table_{number}_{name}", table, f)
            sheet.freeze_panes(len(lines) + 1, 0)
            sheets[sheet_name] = len(table)
        book.close()
        replace_atomically(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    return {
        "path": str(final),
        "bytes": final.stat().st_size,
        "sheets": sheets,
        "synthetic": synthetic,
        "seconds": round(time.perf_counter() - started, 2),
        "written_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
