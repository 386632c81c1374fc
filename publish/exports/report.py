"""The funder-facing service-demand report: exports/service_demand_report.html.

One self-contained HTML file: inline CSS, charts drawn here as inline SVG (each with <title>
and <desc>, and its figures in a table beside it), no scripts, no external resources, A4 print
styles. Colours are from the Okabe-Ito colour-blind-safe palette, and lines also differ by dash
pattern. Only published (disclosure-controlled) figures are used: a figure that adds up
published counts is [c] when any of them is suppressed; rates from fewer than 10 events are
marked [u] (low reliability).
"""

from __future__ import annotations

import datetime as dt
import html
import math
import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from publish.exports.common import (
    TOTAL_CODE,
    contains_synthetic_data,
    read_published,
    replace_atomically,
    serving,
    snapshot_info,
    temporary_path,
)

FILE_NAME = "service_demand_report.html"
SUPPRESSED = "[c]"
BLUE, VERMILLION, GREEN, ORANGE, SKY, PURPLE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#E69F00",
    "#56B4E9",
    "#CC79A7",
)


@dataclass(frozen=True)
class Figure:
    """A published figure or a sum of them: value None means suppressed ([c])."""

    value: float | None
    events: float | None = None  # numerator of a rate, for the [u] flag

    @property
    def suppressed(self) -> bool:
        return self.value is None


def _sum(values: list[int | None], markers: list[str | None]) -> Figure:
    if any(m == SUPPRESSED for m in markers) or any(v is None for v in values):
        return Figure(None)
    return Figure(float(sum(values)))


def _ratio(numerator: Figure, denominator: Figure, scale: float = 1.0) -> Figure:
    if numerator.suppressed or denominator.suppressed or not denominator.value:
        return Figure(None)
    return Figure(numerator.value / denominator.value * scale, events=numerator.value)


def _fmt_count(figure: Figure) -> str:
    return SUPPRESSED if figure.suppressed else f"{figure.value:,.0f}"


def _fmt_rate(figure: Figure, digits: int = 1, percent: bool = False) -> str:
    if figure.suppressed:
        return SUPPRESSED
    text = f"{figure.value * (100 if percent else 1):,.{digits}f}{'%' if percent else ''}"
    return f"{text} [u]" if figure.events is not None and figure.events < 10 else text


def _month_label(month: str) -> str:
    return dt.date.fromisoformat(month + "-01").strftime("%b %Y")


# --------------------------------------------------------------------------- data ----


@dataclass
class Demand:
    months: list[str]
    national: dict[str, dict[str, Figure]]  # month -> contacts/answered/unanswered
    regions: dict[str, str]  # region code -> name
    regional: dict[str, dict[str, dict[str, Figure]]]  # region -> month -> measure
    population: dict[str, float]  # region code (and TOTAL_CODE) -> population
    advocacy: dict[str, dict[str, Figure]]  # month -> measure (all services)
    advocacy_fte: dict[str, float | None]
    advocacy_regions: dict[str, dict[str, dict[str, Figure]]]  # region -> month -> measure
    services: int


def load_demand(serving_db: Path) -> tuple[Demand, dict[str, str]]:
    with serving(serving_db) as con:
        forces = read_published(con, "dim_force")
        regional = read_published(con, "helpline_regional_monthly")
        advocacy = read_published(con, "fct_advocacy_monthly")
        info = snapshot_info(con)
    territorial = forces.filter(pl.col("is_territorial"))
    regions = dict(
        territorial.select("region_code", "region_name").unique().sort("region_name").rows()
    )
    population = {
        code: float(pop)
        for code, pop in territorial.group_by("region_code").agg(pl.col("population").sum()).rows()
    }
    population[TOTAL_CODE] = float(territorial["population"].sum())

    measures = ["contacts", "answered", "unanswered"]
    all_channels = regional.filter(pl.col("channel") == "all")
    months = sorted(all_channels["month"].unique().to_list())
    by_region: dict[str, dict[str, dict[str, Figure]]] = {}
    for row in all_channels.iter_rows(named=True):
        by_region.setdefault(row["region_code"], {})[row["month"]] = {
            m: _sum([row[m]], [row[f"{m}_marker"]]) for m in measures
        }
    national: dict[str, dict[str, Figure]] = {}
    grouped = all_channels.group_by("month").agg(
        *[pl.col(m) for m in measures], *[pl.col(f"{m}_marker") for m in measures]
    )
    for row in grouped.iter_rows(named=True):
        national[row["month"]] = {m: _sum(row[m], row[f"{m}_marker"]) for m in measures}

    counts = [
        "referrals_received",
        "cases_opened",
        "cases_closed",
        "open_cases_end",
        "waiting_list_end",
    ]
    everyone = advocacy.filter(pl.col("service_name") == "All services")
    advocacy_months = {
        row["month"]: {m: _sum([row[m]], [row[f"{m}_marker"]]) for m in counts}
        for row in everyone.iter_rows(named=True)
    }
    fte = {row["month"]: row["advocate_fte"] for row in everyone.iter_rows(named=True)}
    # A service belongs to a region when every force area it serves is in that region.
    service_regions = (
        advocacy.filter(pl.col("force_code") != TOTAL_CODE)
        .join(forces.select("force_code", "region_code"), on="force_code", how="left")
        .group_by("service_name")
        .agg(pl.col("region_code").unique())
    )
    home = {
        name: (codes[0] if len(codes) == 1 else "multiple")
        for name, codes in service_regions.rows()
    }
    service_totals = advocacy.filter(
        pl.col("force_code") == TOTAL_CODE, pl.col("service_name") != "All services"
    ).with_columns(region=pl.col("service_name").replace_strict(home, default="multiple"))
    advocacy_regions: dict[str, dict[str, dict[str, Figure]]] = {}
    grouped = service_totals.group_by("region", "month").agg(
        *[pl.col(m) for m in counts], *[pl.col(f"{m}_marker") for m in counts]
    )
    for row in grouped.iter_rows(named=True):
        advocacy_regions.setdefault(row["region"], {})[row["month"]] = {
            m: _sum(row[m], row[f"{m}_marker"]) for m in counts
        }
    demand = Demand(
        months=months,
        national=national,
        regions=regions,
        regional=by_region,
        population=population,
        advocacy=advocacy_months,
        advocacy_fte=fte,
        advocacy_regions=advocacy_regions,
        services=service_totals["service_name"].n_unique(),
    )
    return demand, info


def _window_sum(series: dict[str, dict[str, Figure]], months: list[str], measure: str) -> Figure:
    figures = [series.get(m, {}).get(measure, Figure(None)) for m in months]
    if not figures or any(f.suppressed for f in figures):
        return Figure(None)
    return Figure(sum(f.value for f in figures))


# ------------------------------------------------------------------------- charts ----


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exponent:
            return step * exponent
    return 10 * exponent


def _axis_number(value: float, percent: bool) -> str:
    return f"{value * 100:.0f}%" if percent else f"{value:,.0f}" if value >= 10 else f"{value:g}"


def line_chart(
    chart_id: str,
    title: str,
    desc: str,
    labels: list[str],
    series: list[tuple[str, list[float | None], str, str]],
    percent: bool = False,
    y_max: float | None = None,
) -> str:
    """An SVG line chart: series of (name, values (None = [c], a gap), colour, dash)."""
    width, height, left, right, top, bottom = 760, 330, 70, 20, 20, 70
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _n, vs, _c, _d in series for v in vs if v is not None]
    top_value = y_max if y_max is not None else _nice_max(max(values, default=0) * 1.05)
    n = max(len(labels), 2)

    def x(i: int) -> float:
        return left + plot_w * i / (n - 1)

    def y(v: float) -> float:
        return top + plot_h * (1 - v / top_value)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart">',
        f'<title id="{chart_id}-title">{html.escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{html.escape(desc)}</desc>',
    ]
    for k in range(5):
        value = top_value * k / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" '
            f'y2="{y(value):.1f}" class="grid"/>'
        )
        parts.append(
            f'<text x="{left - 8}" y="{y(value) + 4:.1f}" class="tick" '
            f'text-anchor="end">{_axis_number(value, percent)}</text>'
        )
    step = max(1, math.ceil(len(labels) / 12))
    for i, label in enumerate(labels):
        if i % step == 0 or i == len(labels) - 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - bottom + 18}" class="tick" '
                f'text-anchor="end" transform="rotate(-40 {x(i):.1f} '
                f'{height - bottom + 18})">{html.escape(label)}</text>'
            )
    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" '
        f'y2="{top + plot_h}" class="axis"/>'
    )
    for s, (name, vs, colour, dash) in enumerate(series):
        runs: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(vs):
            if v is None:
                runs.append([])
            else:
                runs[-1].append((x(i), y(v)))
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{px:.1f},{py:.1f}" for px, py in run)
                parts.append(
                    f'<polyline points="{points}" fill="none" stroke="{colour}" '
                    f'stroke-width="2.5" stroke-dasharray="{dash}"/>'
                )
            for px, py in run:
                parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>')
        legend_x = left + 10 + s * 250
        parts.append(
            f'<line x1="{legend_x}" x2="{legend_x + 30}" y1="{height - 12}" '
            f'y2="{height - 12}" stroke="{colour}" stroke-width="2.5" '
            f'stroke-dasharray="{dash}"/>'
        )
        parts.append(
            f'<text x="{legend_x + 36}" y="{height - 8}" class="legend">{html.escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    rows: list[tuple[str, float | None]],
    value_format: str = "{:,.0f}",
    colour: str = BLUE,
) -> str:
    """A horizontal SVG bar chart; a suppressed value ([c]) has no bar and says so."""
    bar, gap, left, right, top = 22, 8, 200, 90, 10
    width = 760
    height = top + len(rows) * (bar + gap) + 10
    top_value = _nice_max(max([v for _l, v in rows if v is not None], default=0) or 1)
    plot_w = width - left - right
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart">',
        f'<title id="{chart_id}-title">{html.escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{html.escape(desc)}</desc>',
    ]
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar + gap)
        parts.append(
            f'<text x="{left - 8}" y="{y + bar * 0.7:.1f}" class="tick" '
            f'text-anchor="end">{html.escape(label)}</text>'
        )
        if value is None:
            parts.append(
                f'<text x="{left + 4}" y="{y + bar * 0.7:.1f}" class="tick">[c] suppressed</text>'
            )
            continue
        length = plot_w * value / top_value
        parts.append(
            f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{bar}" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{left + length + 6:.1f}" y="{y + bar * 0.7:.1f}" '
            f'class="tick">{html.escape(value_format.format(value))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def data_table(caption: str, headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in headers)
    body = "".join(
        "<tr>"
        + f'<th scope="row">{html.escape(r[0])}</th>'
        + "".join(f"<td>{html.escape(c)}</td>" for c in r[1:])
        + "</tr>"
        for r in rows
    )
    return (
        f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def figure(chart: str, table: str, caption: str) -> str:
    return (
        f'<figure><div class="pair"><div class="chart-box">{chart}</div>'
        f'<div class="table-box">{table}</div></div>'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


# ------------------------------------------------------------------------- report ----

CSS = """
:root { --ink: #1b1b1b; --muted: #505a5f; --rule: #b1b4b6; --accent: #0072B2; }
* { box-sizing: border-box; }
body { font-family: Arial, Helvetica, sans-serif; color: var(--ink); margin: 0 auto;
       max-width: 1180px; padding: 24px; line-height: 1.45; font-size: 16px; }
h1 { font-size: 2rem; margin: 0.2em 0; } h2 { font-size: 1.5rem; margin-top: 1.6em;
  border-top: 3px solid var(--accent); padding-top: 0.4em; } h3 { font-size: 1.15rem; }
.synthetic { border: 4px solid #D55E00; background: #fff4ec; padding: 12px 16px;
             font-weight: bold; margin: 12px 0; }
.meta { color: var(--muted); }
.headlines { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr));
             gap: 12px; margin: 0; }
.headlines div { border-left: 6px solid var(--accent); background: #f3f2f1; padding: 10px 14px; }
.headlines dt { font-size: 0.95rem; color: var(--muted); }
.headlines dd { margin: 4px 0 0; font-size: 1.7rem; font-weight: bold; }
figure { margin: 18px 0; break-inside: avoid; page-break-inside: avoid; }
.pair { display: flex; gap: 20px; align-items: flex-start; flex-wrap: wrap; }
.chart-box { flex: 3 1 560px; } .table-box { flex: 2 1 300px; max-height: 360px;
  overflow: auto; }
figcaption { color: var(--muted); font-size: 0.9rem; margin-top: 6px; }
svg.chart { width: 100%; height: auto; font-family: Arial, Helvetica, sans-serif; }
svg .grid { stroke: #dddddd; stroke-width: 1; } svg .axis { stroke: #505a5f; }
svg .tick { font-size: 12px; fill: #1b1b1b; } svg .legend { font-size: 13px; fill: #1b1b1b; }
table { border-collapse: collapse; font-size: 0.85rem; width: 100%; }
caption { text-align: left; font-weight: bold; padding-bottom: 4px; }
th, td { border-bottom: 1px solid var(--rule); padding: 3px 6px; text-align: right; }
th[scope="row"], thead th:first-child { text-align: left; }
ul.notes li { margin-bottom: 0.4em; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h2 { page-break-before: always; break-before: page; }
  h2.first { page-break-before: avoid; break-before: avoid; }
  .table-box { max-height: none; overflow: visible; }
  .pair { display: block; }
  .synthetic { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _last(months: list[str], n: int) -> list[str]:
    return months[-n:] if len(months) >= n else months


def render_report(demand: Demand, info: dict[str, str]) -> str:
    synthetic = contains_synthetic_data(info)
    months = demand.months
    latest12 = _last(months, 12)
    previous12 = months[-24:-12] if len(months) >= 24 else []
    period = (
        f"{_month_label(latest12[0])} to {_month_label(latest12[-1])}" if latest12 else "no months"
    )
    pop_ew = demand.population[TOTAL_CODE]

    contacts12 = _window_sum(demand.national, latest12, "contacts")
    answered12 = _window_sum(demand.national, latest12, "answered")
    unanswered12 = _window_sum(demand.national, latest12, "unanswered")
    contacts_prev = _window_sum(demand.national, previous12, "contacts") if previous12 else None
    adv_months = sorted(demand.advocacy)
    adv_latest = adv_months[-1] if adv_months else None
    referrals12 = _window_sum(demand.advocacy, _last(adv_months, 12), "referrals_received")
    latest_adv = demand.advocacy.get(adv_latest, {}) if adv_latest else {}
    waiting = latest_adv.get("waiting_list_end", Figure(None))
    open_cases = latest_adv.get("open_cases_end", Figure(None))
    caseload = (
        Figure(None)
        if waiting.suppressed or open_cases.suppressed
        else Figure(waiting.value + open_cases.value)
    )
    change = (
        "[c]"
        if contacts_prev is None
        or contacts_prev.suppressed
        or contacts12.suppressed
        or not contacts_prev.value
        else f"{(contacts12.value / contacts_prev.value - 1) * 100:+.1f}%"
    )
    fte_latest = demand.advocacy_fte.get(adv_latest) if adv_latest else None
    headlines = [
        (f"Helpline contacts, {period}", _fmt_count(contacts12)),
        (
            "Contacts per 100,000 people (12 months)",
            _fmt_rate(_ratio(contacts12, Figure(pop_ew), 100_000)),
        ),
        ("Change on the previous 12 months", change if previous12 else "[x]"),
        ("Contacts answered (12 months)", _fmt_rate(_ratio(answered12, contacts12), 1, True)),
        ("Contacts not answered (12 months)", _fmt_count(unanswered12)),
        ("Advocacy referrals (12 months)", _fmt_count(referrals12)),
        (
            f"Waiting for an advocate, end of {_month_label(adv_latest) if adv_latest else '-'}",
            _fmt_count(waiting),
        ),
        ("Share of caseload waiting (month end)", _fmt_rate(_ratio(waiting, caseload), 1, True)),
        (
            "Advocates in post (FTE, month end)",
            "[x]" if fte_latest is None else f"{fte_latest:,.1f}",
        ),
    ]

    labels = [_month_label(m) for m in months]

    def series(measure: str, source=demand.national, keys=months) -> list[float | None]:
        return [source.get(m, {}).get(measure, Figure(None)).value for m in keys]

    contacts_series, unanswered_series = series("contacts"), series("unanswered")
    answer_rate = [
        _ratio(demand.national[m]["answered"], demand.national[m]["contacts"])
        if m in demand.national
        else Figure(None)
        for m in months
    ]
    helpline_chart = line_chart(
        "helpline",
        "Helpline contacts and contacts not answered, by month",
        f"Line chart of stalking helpline contacts in England and Wales each month from "
        f"{labels[0] if labels else '-'} to {labels[-1] if labels else '-'}, with the contacts "
        "not answered. Gaps are suppressed months. The figures are in the table beside it.",
        labels,
        [
            ("Contacts", contacts_series, BLUE, "0"),
            ("Not answered", unanswered_series, VERMILLION, "7 4"),
        ],
    )
    helpline_table = data_table(
        "Helpline contacts by month, England and Wales",
        ["Month", "Contacts", "Answered", "Not answered", "Per 100,000"],
        [
            [
                _month_label(m),
                _fmt_count(demand.national[m]["contacts"]),
                _fmt_count(demand.national[m]["answered"]),
                _fmt_count(demand.national[m]["unanswered"]),
                _fmt_rate(_ratio(demand.national[m]["contacts"], Figure(pop_ew), 100_000), 2),
            ]
            for m in months
            if m in demand.national
        ],
    )
    answer_chart = line_chart(
        "answer-rate",
        "Share of helpline contacts answered, by month",
        "Line chart of the percentage of helpline contacts answered each month, England and "
        "Wales; the rest is unmet demand. The figures are in the table beside it.",
        labels,
        [("Answered", [f.value for f in answer_rate], GREEN, "0")],
        percent=True,
        y_max=1.0,
    )
    answer_table = data_table(
        "Share of contacts answered by month",
        ["Month", "Answered", "Not answered"],
        [
            [
                _month_label(m),
                _fmt_rate(f, 1, True),
                _fmt_count(demand.national.get(m, {}).get("unanswered", Figure(None))),
            ]
            for m, f in zip(months, answer_rate, strict=True)
        ],
    )

    region_rows = []
    for code, name in demand.regions.items():
        months_here = demand.regional.get(code, {})
        contacts = _window_sum(demand.regional.get(code, {}), latest12, "contacts")
        answered = _window_sum(months_here, latest12, "answered")
        unanswered = _window_sum(months_here, latest12, "unanswered")
        rate = _ratio(contacts, Figure(demand.population.get(code, 0.0)), 100_000)
        region_rows.append((name, contacts, answered, unanswered, rate))
    region_chart = bar_chart(
        "regions",
        f"Helpline contacts per 100,000 people by region, {period}",
        "Bar chart of helpline contacts per 100,000 residents in each region of England and "
        "in Wales over the latest 12 months. Suppressed regions have no bar. The figures are "
        "in the table beside it.",
        [(name, rate.value) for name, _c, _a, _u, rate in region_rows],
        "{:,.1f}",
        SKY,
    )
    region_table = data_table(
        f"Helpline contacts by region, {period}",
        ["Region", "Contacts", "Per 100,000", "Answered", "Not answered"],
        [
            [name, _fmt_count(c), _fmt_rate(r), _fmt_rate(_ratio(a, c), 1, True), _fmt_count(u)]
            for name, c, a, u, r in region_rows
        ],
    )

    adv_labels = [_month_label(m) for m in adv_months]
    advocacy_chart = line_chart(
        "advocacy",
        "Advocacy referrals received and people waiting at month end",
        "Line chart of referrals received by stalking advocacy services each month and the "
        "number waiting for an advocate at each month end, all services. The figures are in "
        "the table beside it.",
        adv_labels,
        [
            (
                "Referrals received",
                series("referrals_received", demand.advocacy, adv_months),
                ORANGE,
                "0",
            ),
            (
                "Waiting at month end",
                series("waiting_list_end", demand.advocacy, adv_months),
                PURPLE,
                "7 4",
            ),
        ],
    )
    advocacy_rows = []
    waiting_share = []
    for m in adv_months:
        row = demand.advocacy[m]
        load = (
            Figure(None)
            if row["waiting_list_end"].suppressed or row["open_cases_end"].suppressed
            else Figure(row["waiting_list_end"].value + row["open_cases_end"].value)
        )
        share = _ratio(row["waiting_list_end"], load)
        waiting_share.append(share.value)
        fte = demand.advocacy_fte.get(m)
        advocacy_rows.append(
            [
                _month_label(m),
                _fmt_count(row["referrals_received"]),
                _fmt_count(row["open_cases_end"]),
                _fmt_count(row["waiting_list_end"]),
                _fmt_rate(share, 1, True),
                "[x]" if fte is None else f"{fte:,.1f}",
            ]
        )
    advocacy_table = data_table(
        "Advocacy caseloads by month, all services",
        ["Month", "Referrals", "Open cases", "Waiting", "Waiting share", "Advocate FTE"],
        advocacy_rows,
    )
    share_chart = line_chart(
        "waiting-share",
        "Share of the advocacy caseload waiting for an advocate, by month",
        "Line chart of people waiting as a percentage of those waiting or with an open case, "
        "at each month end, all services. The figures are in the advocacy table.",
        adv_labels,
        [("Waiting share", waiting_share, PURPLE, "0")],
        percent=True,
        y_max=1.0,
    )
    share_caption = (
        "Waiting share = waiting list / (waiting list + open cases) at month end. "
        "Advocate FTE is in the table above."
    )
    region_names = {**demand.regions, "multiple": "Services covering more than one region"}
    adv_region_rows = []
    for code, by_month in sorted(
        demand.advocacy_regions.items(), key=lambda item: region_names.get(item[0], item[0])
    ):
        referrals = _window_sum(by_month, _last(adv_months, 12), "referrals_received")
        latest = by_month.get(adv_latest, {}) if adv_latest else {}
        adv_region_rows.append(
            [
                region_names.get(code, code),
                _fmt_count(referrals),
                _fmt_count(latest.get("waiting_list_end", Figure(None))),
                _fmt_count(latest.get("open_cases_end", Figure(None))),
            ]
        )
    adv_region_table = data_table(
        f"Advocacy by the region services cover, {period}",
        [
            "Region",
            "Referrals (12 months)",
            "Waiting (latest month end)",
            "Open cases (latest month end)",
        ],
        adv_region_rows,
    )

    banner = (
        (
            '<p class="synthetic" role="note">SYNTHETIC DATA: every figure in this report '
            "comes from synthetic demonstration data. These are not real statistics and must "
            "not be used or quoted as such.</p>"
        )
        if synthetic
        else ""
    )
    synthetic_note = (
        "<li><strong>These figures are synthetic demonstration data, not real "
        "statistics.</strong></li>"
        if synthetic
        else ""
    )
    published = html.escape(info.get("published_at", "") or "not recorded")
    title = "Stalking services: demand for the helpline and advocacy"
    headline_html = "".join(
        f"<div><dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd></div>" for k, v in headlines
    )
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}{" (synthetic data)" if synthetic else ""}</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>{html.escape(title)}</h1>
{banner}
<p class="meta">England and Wales, {html.escape(period)}. Published statistics snapshot of
{published}. Figures are disclosure controlled: [c] marks a figure withheld to protect
confidentiality; [u] marks a rate from fewer than 10 events (low reliability).</p>
</header>
<main>
<h2 class="first" id="headlines">Headline figures</h2>
<dl class="headlines">{headline_html}</dl>

<h2 id="helpline">Helpline demand</h2>
<p>How many people contacted the stalking helpline each month, and how many of those contacts
went unanswered. Contacts are counted when they are made, by any channel (phone, email,
webchat); one person can make several contacts.</p>
{
        figure(
            helpline_chart,
            helpline_table,
            "Figure 1: helpline contacts by month. England and "
            "Wales covers every contact whose region is known, including those whose police force "
            "area is not known. Per 100,000 uses mid-2023 population estimates.",
        )
    }

<h2 id="unmet">Unmet demand</h2>
<p>A contact not answered is demand the service could not meet at the time. The share answered
is the contacts answered divided by all contacts.</p>
{figure(answer_chart, answer_table, "Figure 2: share of helpline contacts answered, by month.")}

<h3 id="regions">By region</h3>
<p>Contacts per 100,000 residents allow regions of different sizes to be compared.</p>
{
        figure(
            region_chart,
            region_table,
            "Figure 3: helpline contacts per 100,000 people by region, "
            "latest 12 months. A region is [c] when any month's figure is suppressed.",
        )
    }

<h2 id="advocacy">Advocacy demand</h2>
<p>Referrals to stalking advocacy services, the people waiting for an advocate at each month
end, and how much of the caseload is waiting. A growing waiting share means demand is
outstripping funded capacity (advocates in post, full-time equivalent).</p>
{
        figure(
            advocacy_chart,
            advocacy_table,
            "Figure 4: advocacy referrals and waiting list by "
            f"month, all {demand.services} services that submitted returns.",
        )
    }
{
        figure(
            share_chart,
            adv_region_table,
            "Figure 5: share of the caseload waiting by month (left) "
            "and advocacy by the region services cover (right). " + share_caption,
        )
    }

<h2 id="notes">Notes and caveats</h2>
<ul class="notes">
<li>Source: helpline contact records and advocacy services' monthly returns, held in the
national stalking statistics warehouse; only its published, disclosure-controlled tables are
used here.</li>
<li>Disclosure control: counts of 1 to 4 are withheld ([c]), and further figures are withheld
where they would let such a count be worked out by subtraction. A total here that adds up
published figures is [c] when any of them is withheld.</li>
<li>[u] low reliability: a rate or percentage from fewer than 10 events can change a lot by
chance; treat it with caution. [x]: not available.</li>
<li>Helpline regions include contacts whose police force area is not known but whose region is;
they add up to the England and Wales figures here, which are therefore higher than the
force-area totals in the statistics tables.</li>
<li>Advocacy figures cover only the services that submitted returns; a service covering force
areas in more than one region is shown separately. Waiting list and open cases are counts at the
month end, so they are not added across months.</li>
<li>Per 100,000 rates use ONS mid-2023 resident population estimates.</li>
{synthetic_note}
</ul>
<p class="meta">Contact: [statistics team name and email address to be added].</p>
</main>
</body>
</html>
"""


def export_report(serving_db: Path, out_dir: Path) -> dict[str, object]:
    """Write out_dir/service_demand_report.html (temporary file + rename). Returns its path,
    bytes, charts, whether the data are synthetic, and the seconds it took."""
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    demand, info = load_demand(serving_db)
    text = render_report(demand, info)
    final = out_dir / FILE_NAME
    tmp = temporary_path(final)
    try:
        tmp.write_text(text, encoding="utf-8")
        replace_atomically(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    return {
        "path": str(final),
        "bytes": final.stat().st_size,
        "charts": text.count("<svg"),
        "synthetic": contains_synthetic_data(info),
        "seconds": round(time.perf_counter() - started, 2),
    }
