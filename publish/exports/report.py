"""The funder-facing service-demand report: <out_dir>/service_demand_report.html.

This module gathers the figures; jinja2 templates (templates/report.html.j2, with the chart
macros of templates/charts.html.j2) lay them out as one self-contained HTML file: inline CSS,
inline SVG charts (each with <title> and <desc>, and its figures in a table beside it), no
scripts, nothing fetched when the page is opened, A4 print styles. Colours are from the
Okabe-Ito colour-blind-safe palette, and lines also differ by dash pattern.

Only published (disclosure-controlled) figures are used; totals over them follow the
suppressed-sum rule of publish.shorthand, and rates from fewer than 10 events are marked [u].
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import polars as pl

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

FILE_NAME = "service_demand_report.html"
TITLE = "Stalking services: demand for the helpline and advocacy"
BLUE, VERMILLION, GREEN, ORANGE, SKY, PURPLE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#E69F00",
    "#56B4E9",
    "#CC79A7",
)
HELPLINE = ["contacts", "answered", "unanswered"]
ADVOCACY = [
    "referrals_received",
    "cases_opened",
    "cases_closed",
    "open_cases_end",
    "waiting_list_end",
]


@dataclass(frozen=True)
class Figure:
    """A published figure or a total of them; value None when it is not shown (marker says
    why)."""

    value: float | None
    marker: str | None = None
    events: float | None = None  # numerator of a rate, for the [u] flag

    @classmethod
    def total(cls, figures: list[Figure]) -> Figure:
        if not figures:
            return cls(None, shorthand.NOT_AVAILABLE)
        return cls(
            *shorthand.suppressed_sum([f.value for f in figures], [f.marker for f in figures])
        )

    def count(self) -> str:
        return shorthand.format_count(self.value, self.marker)

    def rate(self, digits: int = 1, percent: bool = False) -> str:
        return shorthand.format_rate(self.value, self.marker, digits, percent, self.events)


MISSING = Figure(None, shorthand.NOT_AVAILABLE)


def ratio(numerator: Figure, denominator: Figure, scale: float = 1.0) -> Figure:
    if numerator.value is None or denominator.value is None or not denominator.value:
        marker = shorthand.join_markers(numerator.marker, denominator.marker)
        return Figure(
            None, marker if shorthand.replacing_marker(marker) else shorthand.NOT_AVAILABLE
        )
    return Figure(
        numerator.value / denominator.value * scale,
        shorthand.join_markers(numerator.marker, denominator.marker),
        events=numerator.value,
    )


def month_label(month: str) -> str:
    return dt.date.fromisoformat(month + "-01").strftime("%b %Y")


# --------------------------------------------------------------------------- data ----

Series = dict[str, dict[str, Figure]]  # month -> measure -> figure


def _series(frame: pl.DataFrame, measures: list[str]) -> Series:
    return {
        row["month"]: {m: Figure(row[m], row[f"{m}_marker"]) for m in measures}
        for row in frame.iter_rows(named=True)
    }


@dataclass
class Demand:
    months: list[str]
    national: Series
    regions: dict[str, str]  # region code -> name
    regional: dict[str, Series]
    population: dict[str, float]  # region code (and TOTAL_CODE) -> residents
    advocacy: Series  # all services
    advocacy_fte: dict[str, float | None]
    advocacy_regions: dict[str, Series]
    services: int
    # issue 18 item 5: service_demand_capacity_yearly's England and Wales rows, by year
    clearing: list[dict] = field(default_factory=list)


def load_demand(public_db: Path) -> tuple[Demand, ReleaseInfo]:
    with serving(public_db) as con:
        forces = read_published(con, "dim_force")
        regional = read_published(con, "helpline_regional_monthly")
        helpline = read_published(con, "fct_helpline_monthly")
        advocacy = read_published(con, "fct_advocacy_monthly")
        clearing = read_published(con, "service_demand_capacity_yearly").filter(
            pl.col("force_code") == TOTAL_CODE
        )
        release = read_release_info(con)
    territorial = forces.filter(pl.col("is_territorial"))
    regions = dict(
        territorial.select("region_code", "region_name").unique().sort("region_name").rows()
    )
    population = {
        code: float(pop)
        for code, pop in territorial.group_by("region_code").agg(pl.col("population").sum()).rows()
    }
    population[TOTAL_CODE] = float(territorial["population"].sum())

    all_channels = regional.filter(pl.col("channel") == "all")
    by_region = {
        code: _series(rows, HELPLINE) for (code,), rows in all_channels.group_by("region_code")
    }
    # England and Wales: the one national total the tables and the app use, the K04000001
    # rows of fct_helpline_monthly (the 43 territorial force areas; contacts whose force area
    # is not known count in their region only), its channels added up by the suppressed-sum
    # rule.
    national_rows = helpline.filter(pl.col("force_code") == TOTAL_CODE)
    national = _series(shorthand.sum_with_markers(national_rows, HELPLINE, ["month"]), HELPLINE)

    everyone = advocacy.filter(pl.col("service_name") == "All services")
    fte = {row["month"]: row["advocate_fte"] for row in everyone.iter_rows(named=True)}
    # A service belongs to a region when every force area it serves is in that region.
    home = {
        name: (codes[0] if len(codes) == 1 else "multiple")
        for name, codes in advocacy.filter(
            ~pl.col("force_code").is_in([TOTAL_CODE, SERVICE_AREAS_TOTAL_CODE])
        )
        .join(forces.select("force_code", "region_code"), on="force_code", how="left")
        .group_by("service_name")
        .agg(pl.col("region_code").unique())
        .rows()
    }
    service_totals = advocacy.filter(pl.col("force_code") == SERVICE_AREAS_TOTAL_CODE).with_columns(
        region=pl.col("service_name").replace_strict(home, default="multiple")
    )
    advocacy_regions = {
        region: _series(rows, ADVOCACY)
        for (region,), rows in shorthand.sum_with_markers(
            service_totals, ADVOCACY, ["region", "month"]
        ).group_by("region")
    }
    demand = Demand(
        months=sorted(all_channels["month"].unique().to_list()),
        national=national,
        regions=regions,
        regional=by_region,
        population=population,
        advocacy=_series(everyone, ADVOCACY),
        advocacy_fte=fte,
        advocacy_regions=advocacy_regions,
        services=service_totals["service_name"].n_unique(),
        clearing=clearing.sort("financial_year").to_dicts(),
    )
    return demand, release


def window(series: Series, months: list[str], measure: str) -> Figure:
    """The total of a measure over months; a month with no figure makes it not available."""
    return Figure.total([series.get(m, {}).get(measure, MISSING) for m in months])


def signed_percent(figure: Figure) -> str:
    text = shorthand.format_rate(figure.value, figure.marker, 1, percent=True)
    return "+" + text if figure.value is not None and figure.value >= 0 else text


def last(months: list[str], n: int) -> list[str]:
    return months[-n:]


# ------------------------------------------------------------------------- charts ----


def nice_max(value: float) -> float:
    """The axis top: the next of 1, 2, 2.5, 5 or 10 times a power of ten."""
    if value <= 0:
        return 1.0
    exponent = 10 ** math.floor(math.log10(value))
    return next(s * exponent for s in (1, 2, 2.5, 5, 10) if value <= s * exponent)


def axis_number(value: float, percent: bool) -> str:
    return f"{value * 100:.0f}%" if percent else f"{value:,.0f}" if value >= 10 else f"{value:g}"


def line_chart(chart_id, title, desc, labels, series, percent=False, top=None) -> dict:
    """series: (name, values (None = not shown: a gap), colour, dash pattern)."""
    values = [v for _n, vs, _c, _d in series for v in vs if v is not None]
    return {
        "id": chart_id,
        "title": title,
        "desc": desc,
        "labels": labels,
        "series": [{"name": n, "values": vs, "colour": c, "dash": d} for n, vs, c, d in series],
        "percent": percent,
        "top": top if top is not None else nice_max(max(values, default=0) * 1.05),
    }


def bar_chart(chart_id, title, desc, rows: list[tuple[str, Figure]], colour: str) -> dict:
    values = [f.value for _l, f in rows if f.value is not None]
    return {
        "id": chart_id,
        "title": title,
        "desc": desc,
        "rows": [
            {
                "label": label,
                "value": f.value,
                "text": f.rate() if f.value is not None else f"{f.marker} not shown",
            }
            for label, f in rows
        ],
        "colour": colour,
        "top": nice_max(max(values, default=0) or 1),
    }


def table(caption: str, headers: list[str], rows: list[list[str]]) -> dict:
    return {"caption": caption, "headers": headers, "rows": rows}


# ------------------------------------------------------------------------- report ----

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=False,
)
_TEMPLATES.filters["axis_number"] = axis_number
_TEMPLATES.filters["pounds"] = shorthand.format_pounds


def render_report(demand: Demand, release: ReleaseInfo, publisher: Publisher) -> str:
    months = demand.months
    latest12 = last(months, 12)
    previous12 = months[-24:-12] if len(months) >= 24 else []
    period = (
        f"{month_label(latest12[0])} to {month_label(latest12[-1])}" if latest12 else "no months"
    )
    national = demand.national
    contacts12 = window(national, latest12, "contacts")
    answered12 = window(national, latest12, "answered")
    adv_months = sorted(demand.advocacy)
    adv_latest = adv_months[-1] if adv_months else None
    latest_adv = demand.advocacy.get(adv_latest, {}) if adv_latest else {}
    waiting = latest_adv.get("waiting_list_end", MISSING)
    caseload = Figure.total([waiting, latest_adv.get("open_cases_end", MISSING)])
    change = MISSING
    if previous12:
        change = ratio(contacts12, window(national, previous12, "contacts"))
        if change.value is not None:
            change = Figure(change.value - 1, change.marker)
    fte_latest = demand.advocacy_fte.get(adv_latest) if adv_latest else None
    population = Figure(demand.population[TOTAL_CODE])
    headlines = [
        (f"Helpline contacts, {period}", contacts12.count()),
        ("Contacts per 100,000 residents (12 months)", ratio(contacts12, population, 1e5).rate()),
        ("Change on the previous 12 months", signed_percent(change)),
        ("Contacts answered (12 months)", ratio(answered12, contacts12).rate(1, True)),
        ("Contacts not answered (12 months)", window(national, latest12, "unanswered").count()),
        (
            "Advocacy referrals (12 months)",
            window(demand.advocacy, last(adv_months, 12), "referrals_received").count(),
        ),
        (
            f"Waiting for an advocate, end of {month_label(adv_latest) if adv_latest else '-'}",
            waiting.count(),
        ),
        ("Share of caseload waiting (month end)", ratio(waiting, caseload).rate(1, True)),
        (
            "Advocates in post (FTE, month end)",
            shorthand.format_rate(None if fte_latest is None else float(fte_latest)),
        ),
    ]

    labels = [month_label(m) for m in months]
    first_last = f"{labels[0] if labels else '-'} to {labels[-1] if labels else '-'}"

    def values(series: Series, keys: list[str], measure: str) -> list[float | None]:
        return [series.get(m, {}).get(measure, MISSING).value for m in keys]

    answer_rate = [
        ratio(national[m]["answered"], national[m]["contacts"]) if m in national else MISSING
        for m in months
    ]
    region_rows = []
    for code, name in demand.regions.items():
        here = demand.regional.get(code, {})
        contacts = window(here, latest12, "contacts")
        region_rows.append(
            (
                name,
                contacts,
                window(here, latest12, "answered"),
                window(here, latest12, "unanswered"),
                ratio(contacts, Figure(demand.population.get(code, 0.0)), 1e5),
            )
        )
    adv_labels = [month_label(m) for m in adv_months]
    waiting_share = []
    advocacy_rows = []
    for m in adv_months:
        row = demand.advocacy[m]
        share = ratio(
            row["waiting_list_end"], Figure.total([row["waiting_list_end"], row["open_cases_end"]])
        )
        waiting_share.append(share.value)
        fte = demand.advocacy_fte.get(m)
        advocacy_rows.append(
            [
                month_label(m),
                row["referrals_received"].count(),
                row["open_cases_end"].count(),
                row["waiting_list_end"].count(),
                share.rate(1, True),
                shorthand.format_rate(None if fte is None else float(fte)),
            ]
        )
    region_names = {**demand.regions, "multiple": "Services covering more than one region"}
    adv_region_rows = []
    for code, by_month in sorted(
        demand.advocacy_regions.items(), key=lambda item: region_names.get(item[0], item[0])
    ):
        latest = by_month.get(adv_latest, {}) if adv_latest else {}
        adv_region_rows.append(
            [
                region_names.get(code, code),
                window(by_month, last(adv_months, 12), "referrals_received").count(),
                latest.get("waiting_list_end", MISSING).count(),
                latest.get("open_cases_end", MISSING).count(),
            ]
        )

    charts = {
        "helpline": line_chart(
            "helpline",
            "Helpline contacts and contacts not answered, by month",
            f"Line chart of stalking helpline contacts in England and Wales each month from "
            f"{first_last}, with the contacts not answered. Gaps are months whose figure is "
            "not shown. The figures are in the table beside it.",
            labels,
            [
                ("Contacts", values(national, months, "contacts"), BLUE, "0"),
                ("Not answered", values(national, months, "unanswered"), VERMILLION, "7 4"),
            ],
        ),
        "answer_rate": line_chart(
            "answer-rate",
            "Share of helpline contacts answered, by month",
            "Line chart of the percentage of helpline contacts answered each month, England "
            "and Wales; the rest is unmet demand. The figures are in the table beside it.",
            labels,
            [("Answered", [f.value for f in answer_rate], GREEN, "0")],
            percent=True,
            top=1.0,
        ),
        "regions": bar_chart(
            "regions",
            f"Helpline contacts per 100,000 residents by region, {period}",
            "Bar chart of helpline contacts per 100,000 residents in each region of England "
            "and in Wales over the latest 12 months. Regions whose figure is not shown have no "
            "bar. The figures are in the table beside it.",
            [(name, rate) for name, _c, _a, _u, rate in region_rows],
            SKY,
        ),
        "advocacy": line_chart(
            "advocacy",
            "Advocacy referrals received and people waiting at month end",
            "Line chart of referrals received by stalking advocacy services each month and the "
            "number waiting for an advocate at each month end, all services. The figures are "
            "in the table beside it.",
            adv_labels,
            [
                (
                    "Referrals received",
                    values(demand.advocacy, adv_months, "referrals_received"),
                    ORANGE,
                    "0",
                ),
                (
                    "Waiting at month end",
                    values(demand.advocacy, adv_months, "waiting_list_end"),
                    PURPLE,
                    "7 4",
                ),
            ],
        ),
        "waiting_share": line_chart(
            "waiting-share",
            "Share of the advocacy caseload waiting for an advocate, by month",
            "Line chart of people waiting as a percentage of those waiting or with an open "
            "case, at each month end, all services. The figures are in the advocacy table.",
            adv_labels,
            [("Waiting share", waiting_share, PURPLE, "0")],
            percent=True,
            top=1.0,
        ),
    }
    tables = {
        "helpline": table(
            "Helpline contacts by month, England and Wales",
            ["Month", "Contacts", "Answered", "Not answered", "Per 100,000"],
            [
                [
                    month_label(m),
                    national[m]["contacts"].count(),
                    national[m]["answered"].count(),
                    national[m]["unanswered"].count(),
                    ratio(national[m]["contacts"], population, 1e5).rate(2),
                ]
                for m in months
                if m in national
            ],
        ),
        "answer_rate": table(
            "Share of contacts answered by month",
            ["Month", "Answered", "Not answered"],
            [
                [
                    month_label(m),
                    f.rate(1, True),
                    national.get(m, {}).get("unanswered", MISSING).count(),
                ]
                for m, f in zip(months, answer_rate, strict=True)
            ],
        ),
        "regions": table(
            f"Helpline contacts by region, {period}",
            ["Region", "Contacts", "Per 100,000", "Answered", "Not answered"],
            [
                [name, c.count(), r.rate(), ratio(a, c).rate(1, True), u.count()]
                for name, c, a, u, r in region_rows
            ],
        ),
        "advocacy": table(
            "Advocacy caseloads by month, all services",
            ["Month", "Referrals", "Open cases", "Waiting", "Waiting share", "Advocate FTE"],
            advocacy_rows,
        ),
        "advocacy_regions": table(
            f"Advocacy by the region services cover, {period}",
            [
                "Region",
                "Referrals (12 months)",
                "Waiting (latest month end)",
                "Open cases (latest month end)",
            ],
            adv_region_rows,
        ),
    }
    tables["clearing"] = clearing_table(demand.clearing)
    return _TEMPLATES.get_template("report.html.j2").render(
        title=TITLE,
        period=period,
        release=release,
        publisher=publisher,
        publisher_name=PUBLISHER[0].lower() + PUBLISHER[1:],
        synthetic_notice=SYNTHETIC_NOTICE,
        headlines=headlines,
        charts=charts,
        tables=tables,
        services=demand.services,
        markers=list(shorthand.MARKERS.values()),
        m={
            "suppressed": shorthand.MARKERS[shorthand.SUPPRESSED],
            "low_reliability": shorthand.MARKERS[shorthand.LOW_RELIABILITY],
        },
        low_reliability_events=shorthand.LOW_RELIABILITY_EVENTS,
        clearing=demand.clearing[-1] if demand.clearing else None,
    )


def clearing_table(rows: list[dict]) -> dict | None:
    """The cost of clearing the waiting lists, England and Wales, by financial year, beside
    the national ask (issue 18 item 5; STATISTICS_METHODS.md); None with no rows."""
    if not rows:
        return None
    return table(
        "The cost of clearing the waiting lists, England and Wales, by financial year",
        [
            "Financial year",
            "Waiting at the year's end",
            "Advocate FTE funded",
            "Caseload places",
            "Cost of clearing",
            "Share of the national ask",
        ],
        [
            [
                row["financial_year"]
                + (f" {row['period_status_marker']}" if row["period_status_marker"] else ""),
                Figure(row["waiting_list_end"], row["waiting_list_end_marker"]).count(),
                shorthand.NOT_AVAILABLE
                if row["advocate_fte"] is None
                else f"{float(row['advocate_fte']):,.1f}",
                Figure(row["caseload_capacity"], row["capacity_marker"]).count(),
                shorthand.format_pounds(row["clearing_cost_gbp"], row["clearing_cost_gbp_marker"]),
                Figure(row["clearing_cost_share_of_ask"], row["clearing_cost_gbp_marker"]).rate(
                    2, True
                ),
            ]
            for row in rows
        ],
    )


def export_report(public_db: Path, out_dir: Path) -> dict[str, object]:
    """Write out_dir/service_demand_report.html (temporary file + rename). Returns its path,
    bytes, charts, whether the data are synthetic, and the seconds it took."""
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    demand, release = load_demand(public_db)
    text = render_report(demand, release, Publisher.from_env())
    final = out_dir / FILE_NAME
    tmp = temporary_beside(final)
    try:
        tmp.write_text(text, encoding="utf-8")
        replace_atomically(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    return {
        "path": str(final),
        "bytes": final.stat().st_size,
        "charts": text.count("<svg"),
        "synthetic": release.is_synthetic,
        "seconds": round(time.perf_counter() - started, 2),
    }
