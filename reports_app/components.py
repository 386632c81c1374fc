"""Shared pieces for every page: URL state, formatting, tables with downloads, palettes."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import polars as pl
import streamlit as st

from publish.shorthand import MARKERS, NOT_AVAILABLE
from reports_app.data import (
    LOW_RELIABILITY,
    NATIONAL_CODE,
    REVISED,
    SUPPRESSED,
    download_name,
    exports_dir,
    financial_years,
    force_names,
    is_public,
    quarters,
    quarters_in_year,
)
from reports_app.format import (
    download_marker,
    fy_label,
    is_period,
    period_kind,
    period_start,
    table_csv,
)
from reports_app.serving import release_id

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
}
SERIES = [OKABE_ITO[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky_blue")]

# Funnel classes on a diverging blue/orange scale (never red/green), neutral in the middle.
FUNNEL_CLASSES = ["above_998", "above_95", "within", "below_95", "below_998", "insufficient_data"]
FUNNEL_COLOURS = ["#B35806", "#F1A340", "#D9D9D9", "#92C5DE", "#2166AC", "#FFFFFF"]


def funnel_labels(direction: str = "none") -> dict[str, str]:
    """Class labels in higher/lower words; better/worse only when the metric has a direction."""
    higher, lower = "Higher", "Lower"
    if direction == "higher_is_better":
        higher, lower = "Higher (better)", "Lower (worse)"
    elif direction == "lower_is_better":
        higher, lower = "Higher (worse)", "Lower (better)"
    return {
        "above_998": f"{higher} than national: beyond 99.8% limit",
        "above_95": f"{higher} than national: beyond 95% limit",
        "within": "Within the 95% limits",
        "below_95": f"{lower} than national: beyond 95% limit",
        "below_998": f"{lower} than national: beyond 99.8% limit",
        "insufficient_data": "Not classed: no denominator, or withheld",
    }


# --------------------------------------------------------------------------------------------
# State in the URL: force, metric and period (and a few page controls)

_SHARED = "_url_state"


def _period_forms(value: object) -> list[str]:
    """A period and the forms another page may offer instead: a quarter's financial year, a
    month's quarter and year (so a period chosen on one page carries to the next)."""
    text = str(value)
    forms = [text]
    if is_period(text):
        start = period_start(text)
        year = fy_label(start.year - (start.month < 4))
        quarter = f"{year} Q{(start.month - 4) % 12 // 3 + 1}"
        forms += [quarter, year]
    return forms


def bad_link(param: str, value: object, shown: str) -> None:
    """Say so when a link asks for something this page cannot show."""
    st.warning(
        f"This link asked for {param} = “{value}”, which this page does not have: "
        f"showing {shown} instead.",
        icon="⚠️",
    )


def url_choice(
    label: str,
    options: Sequence,
    param: str,
    *,
    default: object | None = None,
    format_func: Callable[[object], str] = str,
    widget: str = "selectbox",
    help: str | None = None,
    container=None,
) -> object:
    """A selectbox or radio whose value lives in the URL query string.

    On load the value comes from the widget's own state, else ``?param=`` in the URL, else the
    value last chosen on another page of this session (or its financial year or quarter when
    this page offers only those), else ``default``. A URL value this page cannot show is
    reported, never silently replaced. After the widget returns, the URL is rewritten, so a
    copied link reopens the same view.
    """
    container = container or st
    options = list(options)
    if not options:
        return None
    shared: dict = st.session_state.setdefault(_SHARED, {})
    key = f"choice_{param}"
    by_text = {str(o): o for o in options}
    if st.session_state.get(key) not in options:
        asked = st.query_params.get(param)
        candidates = []
        for value in (asked, shared.get(param)):
            if value is not None:
                candidates += _period_forms(value) if param == "period" else [str(value)]
        candidates += [str(default), str(options[0])]
        chosen = next(by_text[c] for c in candidates if c in by_text)
        st.session_state[key] = chosen
        if asked is not None and asked not in by_text and str(chosen) not in _period_forms(asked):
            bad_link(param, asked, format_func(chosen))
    chooser = container.radio if widget == "radio" else container.selectbox
    extra = {"horizontal": True} if widget == "radio" else {}
    value = chooser(label, options, key=key, format_func=format_func, help=help, **extra)
    shared[param] = value
    if st.query_params.get(param) != str(value):
        st.query_params[param] = str(value)
    return value


def url_multi(
    label: str,
    options: Sequence,
    param: str,
    *,
    default: Sequence = (),
    format_func: Callable[[object], str] = str,
    max_selections: int | None = None,
    help: str | None = None,
    container=None,
) -> list:
    """A multiselect kept in the URL as a comma-separated list (``?forces=A,B``). Values in
    the link that this page does not have are reported and left out."""
    container = container or st
    options = list(options)
    by_text = {str(o): o for o in options}
    shared: dict = st.session_state.setdefault(_SHARED, {})
    key = f"choice_{param}"
    if key not in st.session_state:
        asked = st.query_params.get(param)
        raw = asked if asked is not None else shared.get(param)
        if raw is not None:
            wanted = [v for v in str(raw).split(",") if v]
            unknown = [v for v in wanted if v not in by_text]
            chosen = [by_text[v] for v in wanted if v in by_text]
            if unknown and asked is not None:
                st.warning(
                    f"This link asked for {param} “{', '.join(unknown)}”, which this page does "
                    "not have: left out.",
                    icon="⚠️",
                )
        else:
            chosen = [d for d in default if d in by_text.values()]
        st.session_state[key] = chosen[:max_selections] if max_selections else chosen
    values = container.multiselect(
        label,
        options,
        key=key,
        format_func=format_func,
        max_selections=max_selections,
        help=help,
    )
    text = ",".join(str(v) for v in values)
    shared[param] = text
    if st.query_params.get(param) != text:
        st.query_params[param] = text
    return values


def url_number(
    label: str,
    param: str,
    *,
    min_value: int,
    max_value: int,
    default: int,
    step: int = 1,
    help: str | None = None,
    container=None,
) -> int:
    """An integer slider kept in the URL like :func:`url_choice`."""
    container = container or st
    shared: dict = st.session_state.setdefault(_SHARED, {})
    key = f"choice_{param}"
    if key not in st.session_state:
        value = default
        for raw in (st.query_params.get(param), shared.get(param)):
            if raw is not None and str(raw).isdigit() and min_value <= int(raw) <= max_value:
                value = int(raw)
                break
        st.session_state[key] = value
    value = container.slider(label, min_value, max_value, step=step, key=key, help=help)
    shared[param] = value
    if st.query_params.get(param) != str(value):
        st.query_params[param] = str(value)
    return value


def choose_force(label: str = "Force", *, national: bool = False, help: str | None = None):
    names = force_names()
    codes = sorted((c for c in names if c != NATIONAL_CODE), key=names.get)
    if national:
        codes = [NATIONAL_CODE, *codes]
    return url_choice(
        label,
        codes,
        "force",
        format_func=names.get,
        help=help,
        default=NATIONAL_CODE if national else None,
    )


def choose_period(by_type: dict[str, list[str]], *, label: str = "Period", container=None) -> str:
    """A period type radio (financial year / quarter) and a period selectbox. The URL keeps
    only ``period``: its form ('2025/26' or '2025/26 Q1') implies the type."""
    container = container or st
    types = [t for t in ("financial_year", "quarter") if by_type.get(t)]
    names = {"financial_year": "Financial year", "quarter": "Quarter"}
    if st.session_state.get("period_type") not in types:
        wanted = st.query_params.get("period") or st.session_state.get(_SHARED, {}).get("period")
        is_quarter = bool(wanted) and " Q" in str(wanted) and "quarter" in types
        st.session_state["period_type"] = "quarter" if is_quarter else types[0]
    left, right = container.columns([1, 1])
    with left:
        if len(types) > 1:
            period_type = st.radio("Period type", types, key="period_type", format_func=names.get)
        else:
            period_type = types[0]
    options = sorted(by_type[period_type], reverse=True)
    with right:
        return url_choice(
            label,
            options,
            "period",
            default=default_period(options),
            format_func=period_label_fn(),
        )


def choose_area_and_period() -> tuple[str, str, str]:
    """The topic pages' controls: an area (England and Wales or a force) beside a financial
    year or quarter. Returns the force code, the period and the area's name."""
    controls = st.columns([3, 4])
    with controls[0]:
        force_code = choose_force("Area", national=True)
    with controls[1]:
        period = choose_period(standard_periods(), container=st.container())
    return force_code, period, area_name(force_code)


def default_period(options: Sequence[str]) -> str | None:
    """The latest complete financial year among ``options`` (never a part year), or the
    latest quarter or month when they are not years."""
    options = [str(o) for o in options]
    if not options:
        return None
    years = [o for o in options if is_period(o) and period_kind(o) == "financial_year"]
    if not years:
        return max(options, key=period_start) if all(map(is_period, options)) else options[0]
    counts = quarters_in_year()
    complete = [y for y in years if counts.get(y, 0) == 4]
    return max(complete or years)


def period_label_fn() -> Callable[[object], str]:
    counts = quarters_in_year()
    return lambda p: period_label(str(p), counts)


def standard_periods(quarterly: bool = True) -> dict[str, list[str]]:
    return {"financial_year": financial_years(), "quarter": quarters() if quarterly else []}


def period_label(period: str, quarters_in_year: dict[str, int] | None = None) -> str:
    if quarters_in_year and " " not in period and quarters_in_year.get(period, 4) < 4:
        return f"{period} ({quarters_in_year[period]} quarters)"
    return period


# --------------------------------------------------------------------------------------------
# Formatting


def value_scale(kind: str) -> float:
    """Proportions are stored 0-1 and shown as per cent; rates are stored on their own scale."""
    return 100.0 if kind == "proportion" else 1.0


def fmt_value(value: float | None, metric: dict, marker: str | None = None) -> str:
    if value is None:
        return marker or NOT_AVAILABLE
    shown = value * value_scale(metric["kind"])
    text = f"{shown:.1f}%" if metric["kind"] == "proportion" else f"{shown:,.2f}"
    return f"{text} {marker}" if marker else text


def fmt_count(value: int | float | None, marker: str | None = None) -> str:
    if value is None:
        return marker or NOT_AVAILABLE
    return f"{int(value):,}"


def fmt_pct(value: float | None, marker: str | None = None) -> str:
    if value is None:
        return marker or NOT_AVAILABLE
    return f"{value:.1f}%"


def ratio_pct(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """Per cent, NULL when either side is suppressed or the denominator is zero."""
    return pl.when(denominator > 0).then(numerator / denominator * 100).otherwise(None)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def area_name(code: str) -> str:
    return force_names().get(code, code)


# --------------------------------------------------------------------------------------------
# Tables: markers in place of suppressed counts, and a CSV download for every one


_ACRONYMS = {
    "spo": "SPO",
    "spos": "SPOs",
    "masip": "MASIP",
    "fte": "FTE",
    "cps": "CPS",
    "100k": "100,000",
    "95": "95%",
    "998": "99.8%",
}


def header(column: str) -> str:
    """'stalking_crimes_pct' -> 'Stalking crimes (%)': readable table headings."""
    words = [_ACRONYMS.get(w, w) for w in column.replace("_pct", " (%)").split("_")]
    text = " ".join(words).strip()
    return text[:1].upper() + text[1:]


def _as_text(values: pl.Expr, template: str, missing: pl.Expr) -> pl.Expr:
    formatted = values.map_elements(template.format, return_dtype=pl.String)
    return pl.when(values.is_null()).then(missing).otherwise(formatted)


def show_table(
    frame: pl.DataFrame,
    name: str,
    *,
    counts: Sequence[str] = (),
    pct: Sequence[str] = (),
    decimals: dict[str, int] | None = None,
    numbers: Sequence[str] = (),
    caption: str | None = None,
    height: int | None = None,
    area: tuple[str, str] | None = None,
    period: str | None = None,
    long_form: tuple[pl.DataFrame, Sequence[str]] | None = None,
) -> None:
    """Show a table, with GSS markers where a figure is withheld, and offer it as CSV.

    ``counts`` are the statistics' count columns: shown with thousands separators, and as the
    row's ``<count>_marker`` ('[c]') where the count is suppressed (``[x]`` where it is simply
    not available). ``pct`` columns hold per cent values (0-100); ``decimals`` maps other
    numeric columns to decimal places; a missing value there shows as ``[c]`` when the row's
    ``value_marker`` says so, else ``[x]``. ``numbers`` are other integers (file and row
    counts from the ledger, not statistics about people), shown as numbers. The CSV keeps the
    numbers and the marker columns, so a download is as honest as the screen. A table laid out
    wide by period gives its ``long_form`` (frame, its number columns) for the CSV instead.
    """
    decimals = decimals or {}
    markers = [c for c in frame.columns if c.endswith("_marker")]

    def marker_of(column: str) -> str | None:
        for base in (column, column.removesuffix("_value"), column.removesuffix("_pct")):
            if f"{base}_marker" in markers:
                return f"{base}_marker"
        return "value_marker" if "value_marker" in markers else None

    display, hidden = [], set()
    for column in frame.columns:
        values = pl.col(column)
        if column in counts:
            marker = f"{column}_marker"
            missing = (
                pl.col(marker).fill_null(NOT_AVAILABLE)
                if marker in markers
                else pl.lit(NOT_AVAILABLE)
            )
            display.append(_as_text(values, "{:,.0f}", missing).alias(column))
            hidden.add(marker)
        elif column in pct or column in decimals:
            template = "{:.1f}%" if column in pct else f"{{:,.{decimals[column]}f}}"
            marker = marker_of(column)
            text = _as_text(values, template, pl.lit(NOT_AVAILABLE))
            if marker:
                hidden.add(marker)
                flag = pl.col(marker)
                text = (
                    pl.when(values.is_null() & (flag == SUPPRESSED))
                    .then(pl.lit(SUPPRESSED))
                    .when(values.is_not_null() & (flag == LOW_RELIABILITY))
                    .then(text + pl.lit(f" {LOW_RELIABILITY}"))
                    .otherwise(text)
                )
            display.append(text.alias(column))
        else:
            display.append(values.fill_null("") if column in markers else values)
    display = [expr for expr in display if expr.meta.output_name() not in hidden]
    shown = frame.select(display)
    config = {
        column: st.column_config.TextColumn(header(column), alignment="right")
        for column in shown.columns
        if column in counts or column in pct or column in decimals
    }
    config.update(
        {
            column: st.column_config.NumberColumn(header(column), format="localized")
            for column in numbers
            if column in shown.columns
        }
    )
    config.update({column: header(column) for column in shown.columns if column not in config})
    st.dataframe(
        shown, hide_index=True, width="stretch", height=height or "auto", column_config=config
    )
    notes = [caption] if caption else []
    if is_public() and any((frame[m] == SUPPRESSED).any() for m in markers):
        notes.append(
            f"{SUPPRESSED} suppressed to protect confidentiality (a count of 1 to 4, "
            "or a figure that would reveal one)"
        )
    if any((frame[m] == LOW_RELIABILITY).any() for m in markers):
        notes.append(f"{LOW_RELIABILITY} low reliability: numerator below 10")
    if any((frame[m] == REVISED).any() for m in markers):
        notes.append(f"{REVISED} revised since first published")
    figures = [c for c in frame.columns if c in counts or c in pct or c in decimals]
    if any(frame[c].null_count() for c in figures):
        notes.append(MARKERS[NOT_AVAILABLE].legend)
    if notes:
        st.caption(". ".join(notes) + ".")
    if long_form is not None:
        file_frame, file_numbers = long_form
        text = table_csv(
            file_frame,
            counts=[],
            pct=[],
            decimals={},
            numbers=list(file_numbers),
            release_id=release_id(),
            area=area,
            period=period,
            measure_names={c: header(c) for c in file_frame.columns},
        )
    else:
        text = table_csv(
            frame,
            counts=[c for c in counts if c in frame.columns],
            pct=[c for c in pct if c in frame.columns],
            decimals={c: d for c, d in decimals.items() if c in frame.columns},
            numbers=[c for c in numbers if c in frame.columns],
            release_id=release_id(),
            area=area,
            period=period,
            measure_names={c: header(c) for c in frame.columns},
        )
    download(
        f"Download “{name}” (CSV)",
        text,
        f"{slug(name)}.csv",
        mime="text/csv",
        key=f"download_{slug(name)}",
    )


def tidy_figures(frame: pl.DataFrame, *, extra: Sequence[str] = ()) -> pl.DataFrame:
    """A :mod:`reports_app.figures` frame in the download's tidy columns."""
    places = (
        pl.when(pl.col("unit") == "count").then(0).when(pl.col("unit") == "%").then(1).otherwise(2)
    )
    text = pl.struct(v=pl.col("shown"), p=places).map_elements(
        lambda r: None if r["v"] is None else f"{r['v']:.{r['p']}f}", return_dtype=pl.String
    )
    return frame.select(
        pl.col("force_code").alias("area_code"),
        pl.col("force_name").alias("area_name"),
        "period",
        pl.col("metric_label").alias("measure"),
        "unit",
        pl.when(pl.col("shown").is_null()).then(None).otherwise(text).alias("value"),
        download_marker(pl.col("shown"), pl.col("value_marker")).alias("marker"),
        pl.lit(release_id()).alias("release_id"),
        *[pl.col(c).round(4) if frame.schema[c].is_float() else pl.col(c) for c in extra],
    )


def show_tidy(frame: pl.DataFrame, name: str, *, extra: Sequence[str] = ()) -> None:
    """A CSV download of a figures frame (see :func:`tidy_figures`)."""
    download(
        f"Download “{name}” (CSV)",
        tidy_figures(frame, extra=extra).write_csv(),
        f"{slug(name)}.csv",
        mime="text/csv",
        key=f"download_{slug(name)}",
    )


DOWNLOAD_HELP = "Saves as "


def download(
    label: str,
    data,
    file_name: str,
    *,
    mime: str,
    key: str,
    container=None,
    **extra,
) -> None:
    """Every download the app offers: named by :func:`reports_app.data.download_name`
    (RESTRICTED_ in the restricted view), and the name shown in the button's help, so the
    user sees what they are saving before they save it."""
    name = download_name(file_name)
    (container or st).download_button(
        label,
        data,
        file_name=name,
        mime=mime,
        key=key,
        help=f"{DOWNLOAD_HELP}{name}",
        on_click="ignore",
        **extra,
    )


def download_export(file_name: str, label: str, *, mime: str, key: str, what: str) -> None:
    """A file the pipeline exported beside this snapshot, or a caption saying it is not there
    yet (``what`` names it in that caption)."""
    path = exports_dir() / file_name
    if path.is_file():
        download(label, path.read_bytes(), path.name, mime=mime, key=key)
    else:
        st.caption(f"{what} (exports/{file_name}) is not in this snapshot's exports yet.")


def caveat(text: str) -> None:
    st.info(text, icon="ℹ️")


def text_alternative(text: str) -> None:
    st.caption(f"Text alternative: {text}")
