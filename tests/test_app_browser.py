"""The real app in a real browser: `streamlit run` on the demo snapshot, every page opened in
headless Chromium (Debian's /usr/bin/chromium through the playwright package), headings
checked, no error shown, and a full-page screenshot of each saved under <data dir>/screenshots/.
"""

from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import duckdb
import pytest

CHROMIUM = Path("/usr/bin/chromium")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
BOUNDARIES = (
    PROJECT_ROOT.parent / "shared" / "realdata" / ("Police_Force_Areas_PFA_DEC_2023_EW_BUC.geojson")
)
# url path (with the query a copied link would carry), page heading, a section heading.
PAGES = [
    ("", "Stalking in England and Wales: overview", "National trends"),
    # The accountability panel for a force chosen by the link (issue 18 item 6).
    (
        "overview?force=E23000032&period=2025/26",
        "Stalking in England and Wales: overview",
        "Accountability panel for Kent, 2025/26",
    ),
    ("find-your-area?area=E09000003", "Find your area", "Barnet is in Metropolitan Police"),
    (
        "compare-forces?forces=E23000032,E23000034&period=2025/26",
        "Compare forces",
        "2 forces on every metric, 2025/26",
    ),
    ("force-profile?force=E23000034&period=2025/26", "Force profile", "City of London, 2025/26"),
    (
        "force-comparison?force=E23000032&metric=screening_rate&period=2025/26",
        "Force comparison",
        "Kent: stalking crimes with the screening tool completed, 2025/26",
    ),
    ("table-builder", "Table builder", "2 measures"),
    ("justice-outcomes?force=E23000034", "Justice outcomes", "From recorded crime to conviction"),
    ("protection", "Protection", "Screening, risk assessment and MASIP referral"),
    ("hidden-stalking", "Hidden stalking", "Share of courses of conduct"),
    ("service-demand", "Service demand", "What if: advocate posts needed"),
    ("action-plans?force=E23000032", "Action plans", "Status by force and recommendation"),
    ("survey-and-records", "Survey and police records", "The survey estimates and the recorded"),
    ("funding-and-capacity", "Funding and capacity", "The cost of clearing the waiting lists"),
    ("masips", "MASIPs", "England and Wales, every year"),
    ("data-quality", "Data quality and coverage", "Reconciliation with Home Office"),
    ("methodology", "Methodology and downloads", "Download every table"),
]
WIDTHS = (1440, 390)
TIDY_HEADER = "area_code,area_name,period,measure,unit,value,marker,release_id"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = [pytest.mark.xdist_group("demo_pipeline"), pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def has_published(root: Path) -> bool:
    with duckdb.connect(str(root / "serving" / "public.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'published'"
        ).fetchall()
    return rows[0][0] > 0


@pytest.fixture(scope="module")
def app_url(demo_pipeline):
    if not CHROMIUM.exists():
        pytest.skip("no browser: /usr/bin/chromium is missing (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    port = free_port()
    # The public view when the snapshot has its published schema (the default view); the
    # restricted view otherwise, so the pages still render and can be looked at.
    view = "public" if has_published(demo_pipeline.root) else "restricted"
    env = dict(
        os.environ,
        STALKING_DATA_DIR=str(demo_pipeline.root),
        STALKING_APP_VIEW=view,
        STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
    )
    if BOUNDARIES.exists():
        env["STALKING_PFA_GEOJSON"] = str(BOUNDARIES)
    log = (demo_pipeline.root / "streamlit.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "reports_app/app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as reply:
                    if reply.read() == b"ok":
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(
                    "streamlit did not start: "
                    + (demo_pipeline.root / "streamlit.log").read_text()[-3000:]
                )
            time.sleep(0.3)
        yield base, view
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def browser(app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


def open_settled(page, url: str, heading: str, section: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
    page.get_by_text(section).first.wait_for(timeout=60_000)
    wait_until_settled(page)


# Axis labels of every time axis, as drawn (the charts are SVG): they must be in time order.
X_LABELS = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg')]
    .flatMap(svg => [...svg.querySelectorAll('g.role-axis')]
        .filter(axis => (axis.getAttribute('aria-label') || '').includes('time scale'))
        .map(axis => [...axis.querySelectorAll('g.role-axis-label text')]
            .map(t => t.textContent)))"""


def period_key(label: str) -> tuple[int, int]:
    """'Apr 2025', '2025/26 Q3' or '2025/26' as (year, month) of its start."""
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    if label[:3] in months:
        return int(label[-4:]), months.index(label[:3]) + 1
    year = int(label[:4])
    if " Q" in label:
        month = 4 + 3 * (int(label[-1]) - 1)
        return year + (month > 12), (month - 1) % 12 + 1
    return year, 4


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_in_a_real_browser(app_url, browser, demo_pipeline, width):
    base, view = app_url
    shots = demo_pipeline.root / "screenshots"
    shots.mkdir(exist_ok=True)
    problems = []
    page = browser.new_page(viewport={"width": width, "height": 1000})
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith((base, "data:", "blob:"))
            else None
        ),
    )
    for path, heading, section in PAGES:
        name = path.split("?")[0] or "home"
        try:
            open_settled(page, f"{base}/{path}", heading, section)
        except Exception as error:  # noqa: BLE001 - a page that never renders is the finding
            problems.append(f"{name} at {width}px: did not render ({error.__class__.__name__})")
            continue
        text = page.inner_text("body")
        for bad in ("Traceback", "Error", "Page not found", "This link asked"):
            if bad in text:
                problems.append(f"{name} at {width}px: {bad!r} on the page")
        if page.locator('[data-testid="stException"]').count():
            problems.append(f"{name} at {width}px: an exception is shown")
        if "SYNTHETIC DATA" not in text:
            problems.append(f"{name}: synthetic-data banner missing")
        # Nothing wider than the window: a clipped chart at 390 px is a defect.
        too_wide = page.evaluate(
            """(width) => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
                .filter(c => c.getBoundingClientRect().right > width + 1).length""",
            width,
        )
        if too_wide:
            problems.append(f"{name} at {width}px: {too_wide} charts wider than the window")
        for labels in page.evaluate(X_LABELS):
            keys = [period_key(label) for label in labels if label]
            if keys != sorted(keys) or len(set(keys)) != len(keys):
                problems.append(f"{name} at {width}px: time axis out of order: {labels}")
            if len(keys) < 2:  # every demo series spans two years: one tick is a collapse
                problems.append(f"{name} at {width}px: a time axis shows one period: {labels}")
        height = page.evaluate(
            "() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight"
        )
        page.set_viewport_size({"width": width, "height": min(int(height) + 60, 12_000)})
        wait_until_settled(page)
        page.screenshot(path=str(shots / f"{view}_{width}_{name}.png"), full_page=True)
        page.set_viewport_size({"width": width, "height": 1000})
    page.close()
    assert not outside, f"fetched from outside the app: {outside[:5]}"
    assert not problems, problems


def test_downloads_open(app_url, browser, tmp_path):
    import openpyxl

    base, _ = app_url
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    open_settled(
        page,
        f"{base}/force-profile?force=E23000032&period=2025/26",
        "Force profile",
        "Kent, 2025/26",
    )
    with page.expect_download() as csv_download:
        page.get_by_role("button", name="Download “Force profile Kent 2025/26” (CSV)").click()
    text = Path(csv_download.value.path()).read_text(encoding="utf-8")
    lines = list(csv.DictReader(io.StringIO(text)))
    assert text.splitlines()[0].startswith(TIDY_HEADER) and lines
    # Per cent to one decimal place, rates to two: never float noise.
    assert all(len(r["value"].split(".")[-1]) <= 2 for r in lines if r["value"]), lines[:3]
    with page.expect_download() as png_download:
        page.get_by_role("button", name="Download the spine chart (PNG)").click()
    assert Path(png_download.value.path()).read_bytes()[:4] == b"\x89PNG"

    open_settled(page, f"{base}/table-builder", "Table builder", "2 measures")
    with page.expect_download() as xlsx_download:
        page.get_by_role("button", name="Download the table with its metadata (xlsx)").click()
    target = tmp_path / "table.xlsx"
    xlsx_download.value.save_as(target)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["metadata", "table"]
    assert [c.value for c in book["table"][1]][:8] == TIDY_HEADER.split(",")
    page.close()


def test_action_plans_matrix_follows_its_link_and_downloads(app_url, browser, demo_pipeline):
    """The matrix drawn for a filtered link has one cell per force and recommendation kept,
    and its download holds exactly those rows."""
    base, view = app_url
    schema = "published" if view == "public" else "marts"
    db = demo_pipeline.public_db if view == "public" else demo_pipeline.restricted_db
    with duckdb.connect(str(db), read_only=True) as con:
        forces = con.execute(
            f"select count(distinct force_code) from {schema}.action_plan_status_quarterly "
            "where status = 'not_reported' and recommendation_id in ('SYN-R01', 'SYN-R02') "
            "and financial_year || ' ' || fy_quarter = (select max(financial_year || ' ' || "
            f"fy_quarter) from {schema}.action_plan_status_quarterly)"
        ).fetchall()[0][0]
    assert forces > 0
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    open_settled(
        page,
        f"{base}/action-plans?statuses=not_reported&recommendations=SYN-R01,SYN-R02",
        "Action plans",
        "Status by force and recommendation",
    )
    # Charts load after the page settles: wait for the matrix itself, then count its cells.
    page.locator('[data-testid="stVegaLiteChart"] svg').first.wait_for(timeout=60_000)
    wait_until_settled(page)
    cells = page.evaluate(
        """() => document.querySelector('[data-testid="stVegaLiteChart"] svg')
                 .querySelectorAll('g.mark-rect path').length"""
    )
    assert cells == 2 * forces
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the statuses shown (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8"))))
    assert len(rows) == 2 * forces
    assert {r["recommendation_id"] for r in rows} == {"SYN-R01", "SYN-R02"}
    page.close()


def test_permalinks_restore_state_across_pages(app_url, browser):
    base, _ = app_url
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    open_settled(
        page,
        f"{base}/force-comparison?force=E23000034&metric=charge_rate&period=2024/25",
        "Force comparison",
        "City of London: stalking crimes charged or summonsed, 2024/25",
    )
    # Along the sidebar to another page: the same force and period, and the URL says so.
    page.get_by_role("link", name="Force profile").first.click()
    page.get_by_text("City of London, 2024/25").first.wait_for(timeout=60_000)
    wait_until_settled(page)
    url = urllib.parse.unquote(page.url)
    assert "force=E23000034" in url and "period=2024/25" in url, url
    # The copied link of that page reopens it as it was.
    again = browser.new_page(viewport={"width": 390, "height": 1000})
    open_settled(again, page.url, "Force profile", "City of London, 2024/25")
    again.close()
    page.close()


def wait_until_settled(page) -> None:
    """Until the script run has finished and every chart has drawn."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000
    )
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
                 .every(chart => chart.querySelector('canvas, svg'))""",
        timeout=30_000,
    )
    page.wait_for_timeout(400)
