"""The real app in a real browser: `streamlit run` on the demo snapshot, every page opened in
headless Chromium (Debian's /usr/bin/chromium through the playwright package), headings
checked, no error shown, and a full-page screenshot of each saved under <data dir>/screenshots/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
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
    (
        "force-comparison?force=E23000032&metric=screening_rate&period=2025/26",
        "Force comparison",
        "Kent: stalking crimes with the screening tool completed, 2025/26",
    ),
    ("justice-outcomes", "Justice outcomes", "From recorded crime to conviction"),
    ("protection", "Protection", "Screening, risk assessment and MASIP referral"),
    ("hidden-stalking", "Hidden stalking", "Share of courses of conduct"),
    ("service-demand", "Service demand", "What if: advocate posts needed"),
    ("data-quality", "Data quality and coverage", "Reconciliation with Home Office"),
    ("methodology", "Methodology and downloads", "Download every table"),
]

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


def test_every_page_in_a_real_browser(app_url, demo_pipeline):
    from playwright.sync_api import sync_playwright

    base, view = app_url
    shots = demo_pipeline.root / "screenshots"
    shots.mkdir(exist_ok=True)
    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        for path, heading, section in PAGES:
            page.set_viewport_size({"width": 1400, "height": 1000})
            page.goto(f"{base}/{path}")
            page.get_by_role("heading", name=heading).first.wait_for(timeout=30_000)
            page.get_by_role("heading", name=section).first.wait_for(timeout=30_000)
            wait_until_settled(page)
            # The app scrolls inside its main block: grow the window to the page's height so
            # one screenshot holds the whole page.
            height = page.evaluate(
                "() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight"
            )
            page.set_viewport_size({"width": 1400, "height": min(int(height) + 60, 12_000)})
            wait_until_settled(page)
            name = path.split("?")[0] or "overview"
            page.screenshot(path=str(shots / f"{view}_{name}.png"), full_page=True)
            text = page.inner_text("body")
            if "Traceback" in text or "Error" in text:
                problems.append(f"{name}: error text on the page")
            if page.locator('[data-testid="stException"]').count():
                problems.append(f"{name}: an exception is shown")
            if view == "public" and "View: public" not in text:
                problems.append(f"{name}: the active view is not shown in the sidebar")
            if "SYNTHETIC DATA" not in text:
                problems.append(f"{name}: synthetic-data banner missing")
        browser.close()
    assert not problems, problems
    assert len(list(shots.glob(f"{view}_*.png"))) == len(PAGES)


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
