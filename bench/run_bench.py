"""`make bench`: the pipeline's cost at national volume, measured, with ratios.

In one invocation, on synthetic data at --scale (1.0 = national volume) over --years:
  1. the floor: DuckDB loading the same landed files into tables, no checks at all;
  2. the full pipeline (ingest, Great Expectations, dbt build, publish, exports) from empty;
  3. an incremental run after one new force-quarter file lands;
  4. the app's queries, timed one by one against the serving snapshot, and each page's
     server time through the real app (bench/app_timings.py: first render, interaction).
Prints each figure, peak memory and the ratio of the full pipeline to the floor, and writes
the table to docs/PERFORMANCE.md (--no-write to skip). --scales 0.25,0.5,1,4 repeats 1-2 per
scale for docs/SCALING.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import polars as pl

from bench import app_timings
from ingest.settings import DataPaths

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory_gb:.0f} GiB RAM, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def env_for(data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "STALKING_DATA_DIR": str(data_dir),
        "DAGSTER_HOME": str(data_dir / "dagster_home"),
        "STALKING_PSEUDONYMISATION_KEY": "benchmark-key",
        "GX_ANALYTICS_ENABLED": "false",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


# Runs a command and prints the peak RSS of the largest process in its tree: a fresh parent
# per run, because ru_maxrss of RUSAGE_CHILDREN only ever grows within one process.
PEAK_WRAPPER = (
    "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
    "sys.exit(r.returncode)"
)


STEP_LINE = re.compile(r"^\s+done (\S+)\s+([0-9.]+) s")


def step_profile(output: str) -> list[tuple[str, float]]:
    """The run's steps and their seconds, slowest first, from its progress lines
    (orchestration.progress: `  done <step>  <seconds> s`); the rest is start-up and
    Dagster's own work."""
    steps = [(m[1], float(m[2])) for line in output.splitlines() if (m := STEP_LINE.match(line))]
    return sorted(steps, key=lambda step: -step[1])


def timed_run(args: list[str], data_dir: Path) -> tuple[float, float, str]:
    """Wall seconds, the peak RSS (GiB) of the largest process in the run's tree, and its
    output."""
    started = time.perf_counter()
    result = subprocess.run(
        [PYTHON, "-c", PEAK_WRAPPER, *args],
        env=env_for(data_dir),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-5000:])
        raise SystemExit(f"failed: {' '.join(args)}")
    peak_kb = int(result.stderr.strip().splitlines()[-1])
    return seconds, peak_kb / 2**20, result.stderr  # the progress lines go to stderr


def generate(landing_root: Path, scale: float, years: int, seed: int) -> dict:
    marker = landing_root / "bench_params.json"
    params = {"scale": scale, "years": years, "seed": seed, "end_quarter": "2026/27-Q2"}
    if marker.exists() and json.loads(marker.read_text()) == params:
        return params
    shutil.rmtree(landing_root, ignore_errors=True)
    subprocess.run(
        [
            PYTHON,
            "-m",
            "synthetic",
            "--seed",
            str(seed),
            "--scale",
            str(scale),
            "--years",
            str(years),
            "--end-quarter",
            params["end_quarter"],
            "--data-dir",
            str(landing_root),
            "--no-progress",
        ],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    marker.write_text(json.dumps(params))
    return params


def fresh_data_dir(source: Path, target: Path) -> None:
    """A data dir holding only the landed files (hard links: no copy of gigabytes)."""
    shutil.rmtree(target, ignore_errors=True)
    (target / "landing").parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source / "landing", target / "landing", copy_function=os.link)


def raw_load_floor(landing: Path) -> tuple[float, int]:
    """DuckDB (CSV, JSON) and calamine (XLSX) loading every landed file into tables as text,
    with no validation, pseudonymisation or modelling: what any load costs at the least."""
    started = time.perf_counter()
    rows = 0
    with duckdb.connect(":memory:") as con:
        for folder in sorted(p for p in landing.iterdir() if p.is_dir()):
            for suffix, reader in (("csv", "read_csv"), ("jsonl", "read_json")):
                files = sorted(str(f) for f in folder.glob(f"*.{suffix}"))
                for i, file in enumerate(files):
                    options = "all_varchar = true, ignore_errors = true, null_padding = true"
                    if reader == "read_json":
                        options = "format = 'newline_delimited'"
                    table = f"{folder.name}_{suffix}_{i}"
                    encoding = ", encoding = 'latin-1'" if reader == "read_csv" else ""
                    try:
                        con.execute(
                            f"create table {table} as select * from "
                            f"{reader}('{file}', {options}{encoding})"
                        )
                    except duckdb.Error:
                        con.execute(
                            f"create table {table} as select * from {reader}('{file}', {options})"
                        )
                    rows += con.execute(f"select count(*) from {table}").fetchall()[0][0]
            for i, file in enumerate(sorted(folder.glob("*.xlsx"))):
                frame = pl.read_excel(
                    file, engine="calamine", has_header=False, infer_schema_length=0
                )
                con.register("sheet", frame)
                con.execute(f"create table {folder.name}_xlsx_{i} as select * from sheet")
                rows += frame.height
    return time.perf_counter() - started, rows


def _header_shape(file: Path) -> tuple[str, bytes]:
    """Files that a single scan can read together: same folder, type and header line."""
    with file.open("rb") as handle:
        return file.suffix, handle.readline().lstrip(b"\xef\xbb\xbf").strip()


def tight_load_floor(landing: Path) -> tuple[float, int]:
    """The least that reading these bytes costs: DuckDB reading every landed CSV and JSON
    Lines file in one call per header shape (not one call per file), calamine every
    workbook, all materialised as tables. The pipeline's ratio to this is the honest one."""
    started = time.perf_counter()
    rows = 0
    with duckdb.connect(":memory:") as con:
        for folder in sorted(p for p in landing.iterdir() if p.is_dir()):
            groups: dict[tuple[str, bytes], list[str]] = {}
            for file in sorted(folder.iterdir()):
                if file.suffix in (".csv", ".jsonl"):
                    groups.setdefault(_header_shape(file), []).append(str(file))
            for i, ((suffix, header), files) in enumerate(sorted(groups.items())):
                table = f"{folder.name}_{suffix[1:]}_{i}"
                if suffix == ".jsonl":
                    scan = f"read_json({files!r}, format = 'newline_delimited')"
                else:
                    try:
                        header.decode("utf-8")
                        encoding = "utf-8"
                    except UnicodeDecodeError:
                        encoding = "latin-1"
                    scan = (
                        f"read_csv({files!r}, all_varchar = true, ignore_errors = true, "
                        f"null_padding = true, encoding = '{encoding}')"
                    )
                con.execute(f"create table {table} as select * from {scan}")
                rows += con.execute(f"select count(*) from {table}").fetchall()[0][0]
            for i, file in enumerate(sorted(folder.glob("*.xlsx"))):
                frame = pl.read_excel(
                    file, engine="calamine", has_header=False, infer_schema_length=0
                )
                con.register("sheet", frame)
                con.execute(f"create table {folder.name}_xlsx_{i} as select * from sheet")
                rows += frame.height
    return time.perf_counter() - started, rows


def add_one_force_quarter(data_dir: Path) -> Path:
    """A force resubmits its latest quarter with a few more crimes: one new file lands."""
    landing = data_dir / "landing" / "force_crimes"
    standard = [
        f
        for f in sorted(landing.glob("SYNTHETIC_force_crimes_*.csv"))
        if f.read_bytes().lstrip(b"\xef\xbb\xbf").startswith(b"force_code,crime_ref")
    ]
    force = standard[0].name.split("_")[3]
    latest = sorted(f for f in standard if f"_{force}_" in f.name)[-1]
    text = latest.read_text(encoding="utf-8-sig").rstrip("\n").split("\n")
    extra = [line.replace(",", "-R,", 2).replace("-R,", ",", 1) for line in text[1:6]]
    target = landing / latest.name.replace(".csv", "_resubmitted.csv")
    target.write_text("\n".join(text + extra) + "\n", encoding="utf-8")
    return target


def app_query_timings(data_dir: Path) -> list[tuple[str, float]]:
    """Every query the app's pages run, timed against the serving file (AppTest drives the
    pages; the data layer's query function is wrapped to time each distinct SQL once)."""
    code = f"""
import json, os, time, sys
os.environ['STALKING_DATA_DIR'] = {str(data_dir)!r}
sys.path.insert(0, {str(ROOT)!r})
import duckdb
from reports_app import data
seen = {{}}
original = data._query.__wrapped__ if hasattr(data._query, '__wrapped__') else None
def run(sql, params):
    started = time.perf_counter()
    with duckdb.connect(str(data.serving_path()), read_only=True) as con:
        con.sql(sql, params=list(params) or None).pl()
    return time.perf_counter() - started
real_query = data.query
def query(sql, *params):
    key = (sql, params)
    if key not in seen:
        seen[key] = run(sql, params)
    return real_query(sql, *params)
data.query = query
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({str(ROOT / "reports_app" / "app.py")!r}, default_timeout=120)
at.run()
for page in getattr(at, 'get', lambda *_: [])('page_link') or []:
    pass
pages = [p for p in os.listdir({str(ROOT / "reports_app" / "views")!r}) if p.endswith('.py')
         and not p.startswith('_')]
for page in sorted(pages):
    at.switch_page('views/' + page).run()
print(json.dumps([[' '.join(k[0].split())[:90], v] for k, v in seen.items()]))
"""
    result = subprocess.run(
        [PYTHON, "-c", code], env=env_for(data_dir), cwd=ROOT, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.stderr.write(result.stderr[-3000:])
        return []
    return [tuple(x) for x in json.loads(result.stdout.strip().splitlines()[-1])]


def app_page_timings(data_dir: Path) -> list[dict]:
    """The app's server time per page (first render, rerun, one control changed) through the
    real app, by bench.app_timings in a fresh process (its own imports, as a server's)."""
    out = data_dir / "app_timings.json"
    result = subprocess.run(
        [PYTHON, "-m", "bench.app_timings", "--data-dir", str(data_dir), "--json", str(out)],
        env={**env_for(data_dir), "STALKING_APP_VIEW": "public"},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if not out.exists():
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        return []
    return json.loads(out.read_text())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=Path(os.environ.get("STALKING_DATA_DIR", ROOT / "data")) / "bench",
    )
    parser.add_argument(
        "--scales",
        type=str,
        default="",
        help="comma-separated scales for the growth table, e.g. 0.25,0.5,1,4",
    )
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    work = args.work_dir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}")
    rows_out = []

    def measure(scale: float, incremental: bool) -> dict:
        landing_root = work / f"landing_scale_{scale}_years_{args.years}"
        generate(landing_root, scale, args.years, args.seed)
        crimes = sum(1 for _ in (landing_root / "landing" / "force_crimes").iterdir())
        floor_seconds, floor_rows = raw_load_floor(landing_root / "landing")
        tight_seconds, tight_rows = tight_load_floor(landing_root / "landing")
        run_dir = work / "run"
        fresh_data_dir(landing_root, run_dir)
        full_seconds, full_peak, full_output = timed_run(
            [PYTHON, "-m", "orchestration.run_pipeline"], run_dir
        )
        with duckdb.connect(str(DataPaths(run_dir).restricted_db), read_only=True) as c:
            crime_rows = c.execute(
                "select sum(crimes) from marts.fct_recorded_crime_quarterly"
            ).fetchall()[0][0]
        figures = {
            "scale": scale,
            "years": args.years,
            "landed_rows": floor_rows,
            "crime_rows": int(crime_rows or 0),
            "crime_files": crimes,
            "floor_seconds": floor_seconds,
            "full_seconds": full_seconds,
            "full_peak_gib": full_peak,
            "ratio": full_seconds / floor_seconds,
            "tight_floor_seconds": tight_seconds,
            "tight_floor_rows": tight_rows,
            "tight_ratio": full_seconds / tight_seconds,
            "full_steps": step_profile(full_output),
        }
        print(
            f"scale {scale}: full pipeline {full_seconds:.1f} s (floor {floor_seconds:.1f} s)",
            flush=True,
        )
        if incremental:
            add_one_force_quarter(run_dir)
            inc_seconds, inc_peak, inc_output = timed_run(
                [PYTHON, "-m", "orchestration.run_pipeline"], run_dir
            )
            figures.update(
                incremental_seconds=inc_seconds,
                incremental_peak_gib=inc_peak,
                incremental_steps=step_profile(inc_output),
            )
            figures["app_queries"] = app_query_timings(run_dir)
            figures["app_pages"] = app_page_timings(run_dir)
        return figures

    main_figures = measure(args.scale, incremental=True)
    rows_out.append(main_figures)
    print_report(main_figures)
    growth = []
    for scale in [float(s) for s in args.scales.split(",") if s.strip()]:
        figures = main_figures if scale == args.scale else measure(scale, incremental=False)
        growth.append(figures)
        print(
            f"scale {scale:>5}: {figures['crime_rows']:>10,} crimes, full "
            f"{figures['full_seconds']:7.1f} s, peak {figures['full_peak_gib']:.2f} GiB, "
            f"floor {figures['floor_seconds']:6.1f} s"
        )
    if not args.no_write:
        write_docs(main_figures, growth)
    return 0


def print_report(f: dict) -> None:
    print(
        f"\nscale {f['scale']} over {f['years']} years: {f['crime_rows']:,} crimes recorded "
        f"({f['landed_rows']:,} landed rows in all sources)"
    )
    print(f"{'step':<44}{'seconds':>10}{'peak GiB':>10}")
    print(f"{'raw DuckDB load of the landed files (floor)':<44}{f['floor_seconds']:>10.1f}")
    print(f"{'one scan per header shape (tight floor)':<44}{f['tight_floor_seconds']:>10.1f}")
    print(f"{'full pipeline from empty':<44}{f['full_seconds']:>10.1f}{f['full_peak_gib']:>10.2f}")
    print(
        f"{'incremental run, one new force-quarter file':<44}"
        f"{f['incremental_seconds']:>10.1f}{f['incremental_peak_gib']:>10.2f}"
    )
    print(f"ratio full pipeline / floor: {f['ratio']:.1f}x")
    print(f"ratio full pipeline / tight floor: {f['tight_ratio']:.1f}x (target < 6x)")
    for run, key in (("full pipeline", "full_steps"), ("incremental run", "incremental_steps")):
        steps = f.get(key) or []
        if steps:
            slowest = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in steps[:6])
            print(f"slowest steps of the {run}: {slowest}")
    queries = f.get("app_queries") or []
    if queries:
        worst = max(q[1] for q in queries)
        print(
            f"app queries: {len(queries)} distinct, slowest {worst * 1000:.0f} ms, "
            f"median {sorted(q[1] for q in queries)[len(queries) // 2] * 1000:.0f} ms"
        )
    pages = f.get("app_pages") or []
    if pages:
        print("\nApp server time per page, public view (bench/app_timings.py):")
        print(app_timings.table(pages))
        print(app_timings.summary(pages))
    else:
        print("app page timings: not measured (bench.app_timings failed, see above)")


def write_docs(f: dict, growth: list[dict]) -> None:
    queries = sorted(f.get("app_queries") or [], key=lambda q: -q[1])
    lines = [
        "# Performance",
        "",
        "Measured by `make bench` (bench/run_bench.py); rerun it to refresh this page.",
        "",
        f"Machine: {machine()}.",
        "",
        f"Data: synthetic, scale {f['scale']} (1.0 = national volume, about 600,000 stalking "
        f"and harassment crimes a year) over {f['years']} years: {f['crime_rows']:,} crimes "
        f"in {f['crime_files']} force files, {f['landed_rows']:,} landed rows in all sources.",
        "",
        "| step | seconds | peak memory (GiB) | target |",
        "|---|---:|---:|---|",
        f"| raw DuckDB load of the same files, a table per file (floor) | "
        f"{f['floor_seconds']:.1f} | | |",
        f"| one scan per header shape, calamine per workbook (tight floor) | "
        f"{f['tight_floor_seconds']:.1f} | | |",
        f"| full pipeline from empty | {f['full_seconds']:.1f} | {f['full_peak_gib']:.2f} "
        "| < 6x the tight floor, < 3 GiB |",
        f"| incremental run after one new force-quarter file | "
        f"{f['incremental_seconds']:.1f} | {f['incremental_peak_gib']:.2f} | < 15 s |",
        "",
        f"Ratio of the full pipeline to the floor: **{f['ratio']:.1f}x**; to the tight floor: "
        f"**{f['tight_ratio']:.1f}x** (target < 6x).",
        "",
    ]
    for run, key in (("full pipeline", "full_steps"), ("incremental run", "incremental_steps")):
        steps = f.get(key) or []
        if steps:
            lines += [
                f"Slowest steps of the {run} (the rest of its time is start-up and Dagster):",
                "",
                "| step | seconds |",
                "|---|---:|",
                *[f"| {name} | {seconds:.1f} |" for name, seconds in steps[:8]],
                "",
            ]
    if queries:
        lines += [
            "## App queries",
            "",
            f"{len(queries)} distinct queries run by the app's pages, slowest first "
            "(target: every query < 200 ms):",
            "",
            "| ms | query |",
            "|---:|---|",
        ]
        lines += [f"| {q[1] * 1000:.0f} | `{q[0]}` |" for q in queries[:15]]
        lines.append("")
    pages = f.get("app_pages") or []
    if pages:
        lines += [
            "## App pages",
            "",
            "Server time per page through the real app (Streamlit AppTest, public view, data "
            "cache empty at each first render), by bench/app_timings.py:",
            "",
            app_timings.table(pages),
            "",
            app_timings.summary(pages) + ".",
            "",
        ]
    page = ROOT / "docs" / "PERFORMANCE.md"
    analysis = ""  # the hand-written analysis below the figures survives a rerun
    if page.exists() and "\n## Analysis" in page.read_text():
        analysis = page.read_text()[page.read_text().index("\n## Analysis") + 1 :]
    page.write_text("\n".join(lines) + "\n" + analysis)
    if growth:
        table = [
            "| scale | crimes | full pipeline (s) | peak (GiB) | floor (s) | ratio |",
            "|---:|---:|---:|---:|---:|---:|",
        ]
        table += [
            f"| {g['scale']} | {g['crime_rows']:,} | {g['full_seconds']:.1f} | "
            f"{g['full_peak_gib']:.2f} | {g['floor_seconds']:.1f} | {g['ratio']:.1f}x |"
            for g in growth
        ]
        (ROOT / "docs" / "scaling_measurements.md").write_text(
            "Measured by `python -m bench.run_bench --scales ...` on "
            + machine()
            + ".\n\n"
            + "\n".join(table)
            + "\n"
        )


if __name__ == "__main__":
    sys.exit(main())
