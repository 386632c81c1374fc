"""The accessible spreadsheet: <out_dir>/stalking_statistics.xlsx, built with gptables.

gptables (the Analysis Function's library) lays the workbook out as its guidance on releasing
statistics in spreadsheets asks: a cover sheet (title, what the tables are, period covered,
release date, next release, source, methodology, licence, contact), a contents sheet with
links, a notes sheet, then one table per sheet marked up as an Excel table with its title in
A1, its notes, shorthand legend and source above it, one header row with each measure's unit,
no merged cells and no blank cells.

A figure that is not shown holds its GSS shorthand in its own cell ([c], [x], [z]); shorthand
that qualifies a figure that is shown ([p], [r]) goes in the row's own column, so numbers stay
numbers. Only published (disclosure-controlled) figures are used, as published: no table here
adds counts together.

Table cells come from data returns (service names), so they are always written as text: never
a formula (xlsxwriter options), never a link (gptables turns "[text](url)" into a link in
every cell it writes; `_DataSafeWorksheet` keeps that for our own titles and cover only), and
never refused (`_safe_cell`).
"""

from __future__ import annotations

import datetime as dt
import re
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import gptables as gpt
import pandas as pd
import polars as pl
from gptables.core.gptable import FormatList
from gptables.core.wrappers import GPWorkbook, GPWorksheet

from ingest.files import temporary_beside
from publish import shorthand
from publish.exports.common import (
    SERVICE_AREAS_TOTAL_CODE,
    TOTAL_CODE,
    read_published,
    replace_atomically,
    serving,
)
from publish.exports.release import (
    PUBLISHER,
    SYNTHETIC_NOTICE,
    Publisher,
    ReleaseInfo,
    read_release_info,
)

FILE_NAME = "stalking_statistics.xlsx"
SOURCE = (
    f"Source: {PUBLISHER} (police force crime and Stalking Protection Order extracts, CPS "
    "returns, helpline and advocacy service returns)."
)
QUALIFIERS = "Revised or provisional"
NEITHER = "Neither"
FUNNEL_CLASSES = {
    "above_998": "Above the 99.8% limit",
    "above_95": "Above the 95% limit",
    "within": "Within the limits",
    "below_95": "Below the 95% limit",
    "below_998": "Below the 99.8% limit",
    "insufficient_data": "Not classed (no denominator, or withheld)",
}
C, X, U, R = (
    shorthand.SUPPRESSED,
    shorthand.NOT_AVAILABLE,
    shorthand.LOW_RELIABILITY,
    shorthand.REVISED,
)

NOTES = {
    "shorthand": "Shorthand used in these tables (GSS standard): "
    + "; ".join(f"{m.legend}: {m.meaning}" for m in shorthand.MARKERS.values())
    + ".",
    "suppression": f"Disclosure control: counts of 1 to 4 are shown as {C}; zeros are shown. "
    f"Further counts are shown as {C} where a published total, a row total, or a related "
    "table would otherwise let the suppressed count be worked out by subtraction. Rates and "
    f"proportions built from any {C} count are also {C}.",
    "totals": "England and Wales rows (force code K04000001) add up the 43 territorial police "
    "forces; British Transport Police is not included.",
    "periods": "Financial years run April to March; Q1 is April to June. Crimes are counted "
    "by the date recorded; outcomes by the quarter the crime was recorded.",
    "revised": f"A figure marked {R} changed since it was first published (the force "
    f"resubmitted the quarter). On an England and Wales row, {R} means at least one force's "
    "figure changed.",
    "regions": "A region's helpline contacts include those whose police force area is not "
    "known but whose region is, so the regions add up to more than the England and Wales "
    "rows of the force-area tables. Per 100,000 uses the ONS resident population of "
    "reference.dim_force.",
    "advocacy": "Advocacy figures are from the services that submitted returns; open cases and "
    "the waiting list are counts at the month end; advocate FTE is full-time equivalent staff.",
    "comparisons": "Proportions are shown as per cent; rates per the unit in the header. "
    "Intervals: Wilson score for proportions; exact Poisson below 10 events and Byar's "
    "approximation from 10 for rates. Funnel classes compare each force with the England "
    "and Wales value, widened for overdispersion where present. The financial year shown is "
    f"the latest complete one; a value from fewer than 10 events is marked {U} in the "
    "row's reliability column.",
    "unknown_area": "Helpline contacts whose force area is not known are not in any force or "
    "England and Wales row.",
}


# ----------------------------------------------------------------------- cells ----


def _markers(frame: pl.DataFrame, column: str) -> list[str | None]:
    marker = f"{column}_marker"
    return frame[marker].to_list() if marker in frame.columns else [None] * frame.height


def count_cells(frame: pl.DataFrame, column: str) -> list[object]:
    """A count as the spreadsheet shows it: the number, or the marker that replaces it."""
    cells: list[object] = []
    for value, marker in zip(frame[column].to_list(), _markers(frame, column), strict=True):
        shown = shorthand.replacing_marker(marker)
        cells.append(shown or (X if value is None else int(value)))
    return cells


def number_cells(values: list[object], digits: int, scale: float = 1.0) -> list[object]:
    return [X if v is None else round(float(v) * scale, digits) for v in values]


ROW_QUALIFIER_COLUMNS = (
    "revised_marker",
    *(f"{c}_marker" for c in shorthand.PERIOD_STATUS_COLUMNS),
)


def qualifier_cells(frame: pl.DataFrame, counts: list[str]) -> list[str]:
    """Per row, the qualifying shorthand of its figures ([p], [r]), or "Neither"."""
    columns = [f"{c}_marker" for c in counts if f"{c}_marker" in frame.columns]
    # A row's own qualifiers: revised, and [p] for a part year or a quarter still maturing
    # (published count tables carry them beside the counts' disclosure markers).
    columns += [c for c in ROW_QUALIFIER_COLUMNS if c in frame.columns]
    revised = frame["is_revised"].to_list() if "is_revised" in frame.columns else None
    rows = frame.select(columns).iter_rows() if columns else [()] * frame.height
    cells = []
    for i, row in enumerate(rows):
        joined = shorthand.join_markers(*row, R if revised and revised[i] else None)
        found = shorthand.markers_in(shorthand.qualifying_markers(joined))
        cells.append("; ".join(shorthand.MARKERS[m].legend for m in found) or NEITHER)
    return cells


def _label(code: str | None) -> str | None:
    return None if code is None else code.replace("_", " ").capitalize()


def _text(values: list[object]) -> list[object]:
    return [X if v is None else v for v in values]


def _total_first(frame: pl.DataFrame, *keys: str) -> pl.DataFrame:
    return frame.with_columns(_is_total=pl.col("force_code") == TOTAL_CODE).sort(
        [*keys, "_is_total", "area_label"], descending=[False] * len(keys) + [True, False]
    )


# ---------------------------------------------------------------------- tables ----


@dataclass
class Sheet:
    """One table sheet: headers (in order) to equal-length columns, and each header's unit."""

    name: str  # the Excel table's name
    title: str
    columns: dict[str, list[object]]
    units: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(next(iter(self.columns.values()), []))


def _by_force(
    name: str,
    title: str,
    frame: pl.DataFrame,
    keys: list[tuple[str, str]],
    counts: list[tuple[str, str]],
    notes: list[str],
) -> Sheet:
    f = _total_first(frame, *[k for k, _ in keys])
    columns: dict[str, list[object]] = {label: _text(f[k].to_list()) for k, label in keys}
    columns["Force code"] = f["force_code"].to_list()
    columns["Force area"] = f["area_label"].to_list()
    for column, label in counts:
        columns[label] = count_cells(f, column)
    columns[QUALIFIERS] = qualifier_cells(f, [c for c, _ in counts])
    return Sheet(name, title, columns, {label: "number" for _c, label in counts}, notes)


QUARTER = [("financial_year", "Financial year"), ("fy_quarter", "Quarter")]


def recorded_crime(t: dict[str, pl.DataFrame]) -> Sheet:
    return _by_force(
        "recorded_crime",
        "Stalking and harassment crimes recorded by police force area, financial year and quarter",
        t["fct_recorded_crime_quarterly"],
        [*QUARTER, ("offence_code", "Offence code"), ("offence_description", "Offence")],
        [("crimes", "Crimes recorded")],
        ["totals", "periods", "revised"],
    )


def national_outcomes(t: dict[str, pl.DataFrame]) -> Sheet:
    f = (
        t["fct_outcomes_quarterly"]
        .filter(pl.col("force_code") == TOTAL_CODE)
        .sort("financial_year", "fy_quarter", "offence_code", "outcome_type")
    )
    return Sheet(
        "outcomes_national",
        "Outcomes of stalking and harassment crimes, England and Wales, by quarter recorded, "
        "offence and outcome type",
        {
            "Financial year": f["financial_year"].to_list(),
            "Quarter": f["fy_quarter"].to_list(),
            "Offence code": f["offence_code"].to_list(),
            "Outcome type": f["outcome_type"].to_list(),
            "Outcome group": _text([_label(g) for g in f["outcome_group"].to_list()]),
            "Crimes with this outcome": count_cells(f, "outcomes"),
            QUALIFIERS: qualifier_cells(f, ["outcomes"]),
        },
        {"Crimes with this outcome": "number"},
        ["periods"],
    )


def stalking_outcomes_by_force(t: dict[str, pl.DataFrame]) -> Sheet:
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
    units = {}
    for outcome_type, group in types:
        values: list[object] = []
        for key in keys:
            cell = cells.get((*key, outcome_type))
            if cell is None:
                values.append(0)
            else:
                shown = shorthand.replacing_marker(cell["outcomes_marker"])
                values.append(shown or (X if cell["outcomes"] is None else int(cell["outcomes"])))
        # The outcome type number keeps headers unique when two types share a group.
        header = f"Outcome {outcome_type}: {_label(group)}"
        columns[header] = values
        units[header] = "number"
    return Sheet(
        "outcomes_stalking",
        "Outcomes of stalking crimes (8Q) by police force area and quarter recorded, by "
        "outcome type",
        columns,
        units,
        ["totals", "periods"],
    )


def stalking_response(t: dict[str, pl.DataFrame]) -> Sheet:
    return _by_force(
        "stalking_response",
        "Police response to stalking crimes by police force area and quarter",
        t["fct_stalking_response_quarterly"],
        QUARTER,
        [
            ("stalking_crimes", "Stalking crimes"),
            ("screened", "Screening tool completed"),
            ("risk_assessed", "Risk assessed"),
            ("high_risk", "Assessed high risk"),
            ("masip_referred", "Referred to a MASIP"),
            ("outcomes_assigned", "Outcome assigned"),
            ("charged_summonsed", "Charged or summonsed"),
            ("evidential_difficulties", "Evidential difficulties outcomes"),
            ("cyber_enabled", "Cyber-enabled"),
            ("domestic", "Domestic abuse-related"),
        ],
        ["totals", "periods"],
    )


def protection_orders(t: dict[str, pl.DataFrame]) -> Sheet:
    return _by_force(
        "protection_orders",
        "Stalking Protection Order applications by police force area and quarter of application",
        t["fct_spo_quarterly"],
        QUARTER,
        [
            ("applications", "Applications"),
            ("granted", "Granted"),
            ("refused", "Refused"),
            ("withdrawn", "Withdrawn"),
            ("pending", "Not yet decided"),
            ("breaches", "Breaches"),
        ],
        ["totals", "revised"],
    )


def prosecutions(t: dict[str, pl.DataFrame]) -> Sheet:
    return _by_force(
        "prosecutions",
        "CPS pre-charge decisions, prosecutions and convictions by police force area, quarter "
        "and offence",
        t["fct_prosecutions_quarterly"],
        [*QUARTER, ("offence_act", "Offence (Protection from Harassment Act 1997)")],
        [
            ("pre_charge_decisions", "Pre-charge decisions"),
            ("charged", "Charged"),
            ("prosecutions_completed", "Prosecutions completed"),
            ("convictions", "Convictions"),
        ],
        ["totals", "periods"],
    )


def courses_of_conduct(t: dict[str, pl.DataFrame]) -> Sheet:
    return _by_force(
        "courses_of_conduct",
        "Courses of conduct and possible unrecognised stalking by police force area and "
        "financial year",
        t["fct_courses_of_conduct_yearly"],
        [("financial_year", "Financial year")],
        [
            ("courses_of_conduct", "Courses of conduct"),
            ("recognised_as_stalking", "Including a stalking crime"),
            ("possible_unrecognised", "Possible unrecognised stalking"),
            ("crimes_in_courses", "Crimes in these courses"),
        ],
        ["totals"],
    )


def training(t: dict[str, pl.DataFrame]) -> Sheet:
    """Issue 18 item 2: staff counts of the forces' training returns."""
    return _by_force(
        "training",
        "Officers and staff in scope of stalking training and trained, by police force area, "
        "financial year and course type",
        t["fct_training_yearly"],
        [("financial_year", "Financial year"), ("course_type", "Course type")],
        [("in_scope", "Officers and staff in scope"), ("trained", "Trained")],
        ["totals"],
    )


def helpline_by_region(t: dict[str, pl.DataFrame]) -> Sheet:
    """Each region's contacts (its force areas and those whose force area is not known), by
    month and channel, with contacts per 100,000 residents."""
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
        shown = shorthand.replacing_marker(marker)
        if shown or value is None or not population.get(region):
            rates.append(shown or X)
        else:
            rates.append(round(value / population[region] * 100_000, 2))
    return Sheet(
        "helpline_regions",
        "Stalking helpline contacts by region and month",
        {
            "Month": f["month"].to_list(),
            "Region code": f["region_code"].to_list(),
            "Region": f["area_label"].to_list(),
            "Channel": ["All channels" if c == "all" else c for c in f["channel"].to_list()],
            "Contacts": count_cells(f, "contacts"),
            "Answered": count_cells(f, "answered"),
            "Not answered": count_cells(f, "unanswered"),
            "Contacts per 100,000 residents": rates,
            QUALIFIERS: qualifier_cells(f, ["contacts", "answered", "unanswered"]),
        },
        {
            "Contacts": "number",
            "Answered": "number",
            "Not answered": "number",
            "Contacts per 100,000 residents": "rate",
        },
        ["regions"],
    )


def helpline_by_channel(t: dict[str, pl.DataFrame]) -> Sheet:
    f = (
        t["fct_helpline_monthly"]
        .filter(pl.col("force_code") == TOTAL_CODE)
        .sort("month", "channel")
    )
    counts = [("contacts", "Contacts"), ("answered", "Answered"), ("unanswered", "Not answered")]
    return Sheet(
        "helpline_channels",
        "Stalking helpline contacts, England and Wales, by channel and month",
        {
            "Month": f["month"].to_list(),
            "Channel": f["channel"].to_list(),
            **{label: count_cells(f, c) for c, label in counts},
            QUALIFIERS: qualifier_cells(f, [c for c, _ in counts]),
        },
        {label: "number" for _c, label in counts},
        ["totals", "unknown_area"],
    )


def advocacy_by_service(t: dict[str, pl.DataFrame]) -> Sheet:
    f = (
        t["fct_advocacy_monthly"]
        .filter(pl.col("force_code").is_in([TOTAL_CODE, SERVICE_AREAS_TOTAL_CODE]))
        .with_columns(_all=pl.col("service_name") == "All services")
        .sort("month", "_all", "service_name", descending=[False, True, False])
    )
    counts = [
        ("referrals_received", "Referrals received"),
        ("cases_opened", "Cases opened"),
        ("cases_closed", "Cases closed"),
        ("open_cases_end", "Open cases at month end"),
        ("waiting_list_end", "Waiting list at month end"),
    ]
    return Sheet(
        "advocacy_services",
        "Stalking advocacy services' caseloads by service and month",
        {
            "Month": f["month"].to_list(),
            "Service": f["service_name"].to_list(),
            **{label: count_cells(f, c) for c, label in counts},
            "Advocates in post": number_cells(f["advocate_fte"].to_list(), 1),
            QUALIFIERS: qualifier_cells(f, [c for c, _ in counts]),
        },
        {**{label: "number" for _c, label in counts}, "Advocates in post": "full-time equivalent"},
        ["advocacy"],
    )


def latest_complete_year(t: dict[str, pl.DataFrame]) -> str | None:
    """The latest financial year with all four quarters of recorded crime; the latest year
    when none is complete (then the title says it is a part year)."""
    quarters = (
        t["fct_recorded_crime_quarterly"]
        .group_by("financial_year")
        .agg(pl.col("fy_quarter").n_unique().alias("quarters"))
    )
    complete = quarters.filter(pl.col("quarters") == 4)["financial_year"]
    if complete.len():
        return complete.max()
    return quarters["financial_year"].max() if quarters.height else None


def _shown(
    frame: pl.DataFrame, column: str, markers, scale: float, digits: int = 2
) -> list[object]:
    """Numbers on the sheet's scale, or the marker that replaces each."""
    numbers = number_cells(frame[column].to_list(), digits, scale)
    return [shorthand.replacing_marker(m) or v for v, m in zip(numbers, markers, strict=True)]


def force_comparisons(
    t: dict[str, pl.DataFrame], metrics: pl.DataFrame, year: str | None
) -> list[Sheet]:
    """One sheet per unit (proportions as per cent, each rate per its own unit), so that a
    column never mixes measures of different units."""
    rows = t["force_comparisons"].filter(
        pl.col("period_type") == "financial_year", pl.col("period") == year
    )
    sheets = []
    groups = metrics.with_columns(
        unit=pl.when(pl.col("kind") == "proportion")
        .then(pl.lit("per cent"))
        .otherwise(pl.col("unit_label"))
    )
    for (unit,), group in groups.group_by("unit", maintain_order=True):
        scale = 100.0 if unit == "per cent" else 1.0
        labels = dict(group.select("metric_id", "metric_label").rows())
        f = rows.filter(pl.col("metric_id").is_in(list(labels))).sort("metric_id", "area_label")
        value_markers = f["value_marker"].to_list()

        measures = {
            "Value": _shown(f, "value", value_markers, scale),
            "95% interval lower bound": _shown(f, "ci95_low", value_markers, scale),
            "95% interval upper bound": _shown(f, "ci95_high", value_markers, scale),
            "England and Wales value": _shown(
                f, "national_value", f["national_value_marker"], scale
            ),
            "Region value": _shown(f, "region_value", f["region_value_marker"], scale),
        }
        slug = unit.replace("per cent", "percent").replace(",", "").replace(" ", "_")
        sheets.append(
            Sheet(
                f"comparisons_{slug}",
                f"Comparisons of police force areas, financial year {year}: metrics "
                + ("that are proportions, in per cent" if scale == 100 else f"{unit}"),
                {
                    "Metric": [labels[m] for m in f["metric_id"].to_list()],
                    "Financial year": f["period"].to_list(),
                    "Force code": f["force_code"].to_list(),
                    "Force area": f["area_label"].to_list(),
                    "Numerator": _shown(f, "numerator", f["numerator_marker"], 1.0, 0),
                    **measures,
                    "Funnel plot class": [
                        FUNNEL_CLASSES.get(c, c) for c in f["funnel_class"].to_list()
                    ],
                    "Reliability": [
                        shorthand.MARKERS[U].legend
                        if U in shorthand.markers_in(m)
                        else "Withheld"
                        if shorthand.is_suppressed(m)
                        else "Reliable"
                        for m in f["value_marker"].to_list()
                    ],
                },
                {"Numerator": "number", **{h: unit for h in measures}},
                ["comparisons", "totals"],
            )
        )
    return sheets


def sheets_of(t: dict[str, pl.DataFrame], metrics: pl.DataFrame) -> list[Sheet]:
    return [
        recorded_crime(t),
        national_outcomes(t),
        stalking_outcomes_by_force(t),
        stalking_response(t),
        protection_orders(t),
        prosecutions(t),
        courses_of_conduct(t),
        training(t),
        helpline_by_region(t),
        helpline_by_channel(t),
        advocacy_by_service(t),
        *force_comparisons(t, metrics, latest_complete_year(t)),
    ]


# --------------------------------------------------------------------- workbook ----


class _DataSafeWorksheet(GPWorksheet):
    def _parse_table_urls(self, gptable: gpt.GPTable) -> None:
        """Table cells are data (service names from returns): never turned into links."""


class _Workbook(GPWorkbook):
    def add_worksheet(self, name: str | None = None, gridlines: str = "hide_all"):
        worksheet = super(GPWorkbook, self).add_worksheet(name, _DataSafeWorksheet)
        worksheet.theme = self.theme
        worksheet._workbook = self
        worksheet.hide_gridlines({"show_all": 0, "hide_printed": 1, "hide_all": 2}[gridlines])
        return worksheet


def _legend(sheet: Sheet) -> list[str]:
    """The shorthand this table uses, in the standard order."""
    text = {str(v) for values in sheet.columns.values() for v in values if isinstance(v, str)}
    used = [m for m in shorthand.MARKERS.values() if any(m.symbol in v for v in text)]
    return [f"Shorthand in this table: {'; '.join(m.legend for m in used)}."] if used else []


def _safe_cell(value: object) -> object:
    """Text from data as gptables will write it unchanged: blank text is not available, and
    text of symbols only (which gptables refuses, to stop symbols standing for shorthand) is
    passed as a one-part rich string, which it writes as plain text."""
    if not isinstance(value, str):
        return value
    if not value.strip():
        return X
    if not re.search(r"[A-Za-z0-9]", value):
        return FormatList([{}, value])
    return value


def _gptable(number: int, sheet: Sheet, release: ReleaseInfo) -> gpt.GPTable:
    table = pd.DataFrame(
        {h: pd.Series([_safe_cell(c) for c in v], dtype=object) for h, v in sheet.columns.items()}
    )
    if not sheet.rows:  # no rows: one row saying so, never an empty table
        table = pd.DataFrame({h: [X] for h in sheet.columns})
    suffix = " (SYNTHETIC DATA: not real statistics)" if release.is_synthetic else ""
    refs = "".join(f"$${ref}$$" for ref in ["shorthand", "suppression", *sheet.notes])
    decimals = [h for h, unit in sheet.units.items() if unit != "number"]
    counts = [h for h, unit in sheet.units.items() if unit == "number"]
    return gpt.GPTable(
        table=table,
        table_name=f"table_{number}_{sheet.name}",
        title=f"Table {number}: {sheet.title}{suffix} {refs}",
        subtitles=[f"Period covered by this release: {release.period_covered}."],
        instructions="This worksheet contains one table. Some cells refer to notes, which "
        "can be found on the notes worksheet.",
        legend=_legend(sheet),
        source=SOURCE,
        units=dict(sheet.units) or None,  # gptables refuses an empty dict
        index_columns={},
        additional_formatting=[
            *(
                [
                    {
                        "column": {
                            "columns": counts,
                            "format": {"num_format": shorthand.EXCEL_COUNT_FORMAT},
                        }
                    }
                ]
                if counts
                else []
            ),
            *(
                [
                    {
                        "column": {
                            "columns": decimals,
                            "format": {"num_format": shorthand.EXCEL_DECIMAL_FORMAT},
                        }
                    }
                ]
                if decimals
                else []
            ),
        ],
    )


def _cover(release: ReleaseInfo, publisher: Publisher, tables: int) -> gpt.Cover:
    intro = [
        "Statistics on stalking in England and Wales: crimes recorded by the police and their "
        "outcomes, the police response to stalking crimes, Stalking Protection Orders, "
        "prosecutions, courses of conduct, and demand for a stalking helpline and advocacy "
        "services, by police force area, region and period.",
        f"Period covered: {release.period_covered}.",
        f"Release date: {release.published_on}.",
        f"Next release: {release.next_release}.",
    ]
    if release.release_id:
        intro.append(f"Release: {release.release_id}.")
    if release.is_synthetic:
        intro.insert(0, SYNTHETIC_NOTICE)
    methodology = (
        f"[Methodology: how the figures are made]({publisher.methodology_url})"
        if publisher.methodology_url
        else f"Methodology: {publisher.methodology}."
    )
    about = [
        SOURCE,
        methodology,
        f"Disclosure control: counts of 1 to 4 are shown as {C}, and further figures are "
        f"shown as {C} where they would let such a count be worked out from a total. Zeros "
        "are shown.",
        *[f"{m.legend}: {m.meaning}." for m in shorthand.MARKERS.values()],
        "England and Wales rows add up the 43 territorial police forces.",
        f"This workbook has a contents sheet linking to its {tables} tables and a notes sheet; "
        "each table is on its own sheet with its title in cell A1.",
        f"Licence: {release.licence}",
        f"How to cite: {release.citation}",
    ]
    contact = [f"Contact: {publisher.contact}"]
    if publisher.contact_email:
        contact.append(f"[Email {publisher.contact_email}](mailto:{publisher.contact_email})")
    return gpt.Cover(title=release.title, intro=intro, about=about, contact=contact, width=110)


def write_workbook(
    path: Path, sheets: list[Sheet], release: ReleaseInfo, publisher: Publisher
) -> dict[str, int]:
    """gptables' produce_workbook, with worksheets that never turn table text into links."""
    tables = {f"Table_{i}": _gptable(i, s, release) for i, s in enumerate(sheets, start=1)}
    book = _Workbook(
        str(path),
        options={
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    book.set_properties(
        {
            "title": release.title,
            "subject": "Published (disclosure-controlled) stalking statistics",
            "author": PUBLISHER,
            "comments": release.licence,
            "language": "en-GB",
        }
    )
    cover = _cover(release, publisher, len(tables))
    book.add_worksheet(cover.cover_label).write_cover(cover)
    contents = book.make_table_of_contents(tables)
    book._update_annotations(tables)
    notes = book.make_notesheet(
        pd.DataFrame({"Note reference": list(NOTES), "Note text": list(NOTES.values())})
    )
    for label, table in {"Contents": contents, "Notes": notes, **tables}.items():
        book.add_worksheet(label).write_gptable(table, True, book._annotations)
    book.worksheets()[0].activate()
    book.close()
    return {label: s.rows for label, s in zip(tables, sheets, strict=True)}


def export_spreadsheet(public_db: Path, out_dir: Path) -> dict[str, object]:
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
        "fct_training_yearly",
        "fct_helpline_monthly",
        "helpline_regional_monthly",
        "fct_advocacy_monthly",
        "force_comparisons",
    ]
    with serving(public_db) as con:
        tables = {name: read_published(con, name) for name in names}
        metrics = con.sql(
            "select metric_id, metric_label, kind, unit_label from reference.ref_metrics "
            "order by metric_id"
        ).pl()
        release = read_release_info(con)
    final = out_dir / FILE_NAME
    tmp = temporary_beside(final).with_suffix(".xlsx")
    try:
        with warnings.catch_warnings():
            # gptables warns of notes no table cites; every note here is cited or general.
            warnings.filterwarnings("ignore", message="The following notes are not referenced")
            # gptables 2.0 uses pandas features pandas 3 deprecates: its concern, not a reader's.
            warnings.filterwarnings("ignore", module=r"gptables\.")
            sheets = write_workbook(tmp, sheets_of(tables, metrics), release, Publisher.from_env())
        replace_atomically(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    return {
        "path": str(final),
        "bytes": final.stat().st_size,
        "sheets": sheets,
        "synthetic": release.is_synthetic,
        "seconds": round(time.perf_counter() - started, 2),
        "written_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
