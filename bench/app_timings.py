"""The app's server time per page, measured through the real app (Streamlit's AppTest).

For each page, on the serving snapshot of ``--data-dir`` (default ``$STALKING_DATA_DIR``):
  - first render: a new session opening the page with the data cache empty (the process has
    imported its libraries already, as a running server has);
  - rerun: the same session running again (what any widget change costs at least);
  - interaction: one control changed (the first selectbox or multiselect to another value).
Targets: first render <= 1.5 s, each interaction <= 1 s. ``main()`` prints the table and
returns the rows; the exit status is 1 when a target is missed.

    STALKING_DATA_DIR=data .venv/bin/python -m bench.app_timings
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "reports_app" / "app.py")
FIRST_RENDER_TARGET = 1.5
INTERACTION_TARGET = 1.0


def pages() -> list[str]:
    """Every page file the app registers, home first."""
    sys.path.insert(0, str(ROOT))
    views = sorted(p.stem for p in (ROOT / "reports_app" / "views").glob("*.py"))
    views.remove("overview")
    return ["overview", *(v for v in views if v != "__init__")]


def _open(page: str):
    """A new session opening ``page`` with the data caches empty: the first visitor after a
    new snapshot. (AppTest always runs the home page first; its run is not counted, and the
    caches are cleared after it.)"""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=300)
    if page != "overview":
        at.run()
        at.switch_page(f"views/{page}.py")
    st.cache_data.clear()
    st.cache_resource.clear()
    start = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - start
    titles = [t.value for t in at.title]
    if page != "overview" and any("overview" in t for t in titles):
        raise RuntimeError(f"{page} did not open: {titles}")
    return at, seconds


def _candidates() -> list[object]:
    """Values a page's selectboxes may hold: forces, regions, metrics, districts, periods."""
    import duckdb

    from reports_app.data import serving_path

    stats = "published" if os.environ.get("STALKING_APP_VIEW", "public") == "public" else "marts"
    with duckdb.connect(str(serving_path()), read_only=True) as con:
        found = con.sql(
            "select distinct force_code from reference.ref_lad_to_force union all "
            f"select distinct region_code from {stats}.dim_force union all "
            "select metric_id from reference.ref_metrics union all "
            "select lad_code from reference.ref_lad_to_force union all "
            f"select distinct period from {stats}.force_comparisons"
        ).fetchall()
    return [row[0] for row in found]


def _interact(at, candidates: list[object]) -> tuple[str, float]:
    """Change the first control that has another value to offer; the seconds it took."""
    for box in at.selectbox:
        for value in candidates:
            if value != box.value and box.format_func(value) in box.options:
                start = time.perf_counter()
                box.select(value).run()
                return box.label[:30], time.perf_counter() - start
    for box in at.multiselect:
        if len(box.value) > 1:
            start = time.perf_counter()
            box.unselect(box.value[-1]).run()
            return f"{box.label[:30]} (one fewer)", time.perf_counter() - start
    start = time.perf_counter()
    at.run()
    return "(rerun)", time.perf_counter() - start


def measure() -> list[dict]:

    # Import everything the pages use once, as a server process would have.
    _open("methodology")
    candidates = _candidates()
    rows = []
    for page in pages():
        at, first = _open(page)
        errors = [e.value for e in at.exception]
        start = time.perf_counter()
        at.run()
        rerun = time.perf_counter() - start
        control, interaction = _interact(at, candidates)
        errors += [e.value for e in at.exception]
        rows.append(
            {
                "page": page,
                "first_render_s": first,
                "rerun_s": rerun,
                "control": control,
                "interaction_s": interaction,
                "ok": first <= FIRST_RENDER_TARGET
                and max(rerun, interaction) <= INTERACTION_TARGET
                and not errors,
                "errors": errors,
            }
        )
    return rows


def table(rows: list[dict]) -> str:
    lines = [
        f"| page | first render (s, target <= {FIRST_RENDER_TARGET}) | rerun (s) | "
        f"interaction (s, target <= {INTERACTION_TARGET}) | control changed | within target |",
        "|---|---:|---:|---:|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['page']} | {r['first_render_s']:.2f} | {r['rerun_s']:.2f} | "
            f"{r['interaction_s']:.2f} | {r['control']} | "
            f"{'yes' if r['ok'] else 'NO' + (': error' if r['errors'] else '')} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=os.environ.get("STALKING_DATA_DIR"))
    parser.add_argument("--view", default=os.environ.get("STALKING_APP_VIEW", "public"))
    parser.add_argument(
        "--json", type=Path, help="also write the rows here (bench.run_bench reads them)"
    )
    args = parser.parse_args(argv)
    if not args.data_dir:
        parser.error("give --data-dir or set STALKING_DATA_DIR")
    os.environ["STALKING_DATA_DIR"] = str(Path(args.data_dir).resolve())
    os.environ["STALKING_APP_VIEW"] = args.view
    rows = measure()
    print(f"App server time per page ({args.view} view, {args.data_dir}):")
    print(table(rows))
    print(summary(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, default=str))
    return rows


def summary(rows: list[dict]) -> str:
    """One line: the slowest first render and interaction, and whether each meets its target."""
    first = max(rows, key=lambda r: r["first_render_s"])
    step = max(rows, key=lambda r: max(r["rerun_s"], r["interaction_s"]))
    step_s = max(step["rerun_s"], step["interaction_s"])
    met = "meets" if first["first_render_s"] <= FIRST_RENDER_TARGET else "MISSES"
    met_step = "meets" if step_s <= INTERACTION_TARGET else "MISSES"
    missed = [r["page"] for r in rows if not r["ok"]]
    return (
        f"slowest first render {first['first_render_s']:.2f} s ({first['page']}): {met} the "
        f"{FIRST_RENDER_TARGET} s target; slowest interaction {step_s:.2f} s ({step['page']}): "
        f"{met_step} the {INTERACTION_TARGET} s target; "
        + (f"pages missing a target: {', '.join(missed)}" if missed else "every page within target")
    )


if __name__ == "__main__":
    sys.exit(0 if all(r["ok"] for r in main()) else 1)
