"""The reports app under Streamlit's AppTest, on the real demo pipeline's serving snapshot.

Every page and its controls, state in the URL, the public view's disclosure control (no count
of 1 to 4 in any table), the restricted view's exact counts, and per-page server time.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
APP = str(PROJECT_ROOT / "reports_app" / "app.py")
BOUNDARIES = (
    PROJECT_ROOT.parent / "shared" / "realdata" / ("Police_Force_Areas_PFA_DEC_2023_EW_BUC.geojson")
)
PAGES = {
    "overview": "Stalking in England and Wales: overview",
    "force_comparison": "Force comparison",
    "justice_outcomes": "Justice outcomes",
    "protection": "Protection",
    "hidden_stalking": "Hidden stalking",
    "service_demand": "Service demand",
    "data_quality": "Data quality and coverage",
    "methodology": "Methodology and downloads",
}
KENT = "E23000032"
COUNT_TEXT = re.compile(r"^\d{1,3}(,\d{3})*$")
# Shown with the counts but not counts of people: the Home Office's own published figures and
# the signed difference between them and a force's extract.
NOT_DISCLOSURE_COUNTS = {"home_office_offences", "difference"}

pytestmark = pytest.mark.xdist_group("demo_pipeline")


def has_published(root: Path) -> bool:
    with duckdb.connect(str(root / "serving" / "public.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'published'"
        ).fetchall()
    return rows[0][0] > 0


@pytest.fixture
def app_env(demo_pipeline, monkeypatch):
    """Point the app at the demo snapshot; tests choose the view."""
    monkeypatch.setenv("STALKING_DATA_DIR", str(demo_pipeline.root))
    monkeypatch.setenv("STALKING_PFA_GEOJSON", str(BOUNDARIES))

    def use(view: str) -> None:
        monkeypatch.setenv("STALKING_APP_VIEW", view)

    use("restricted")
    return use


@pytest.fixture
def public_ready(demo_pipeline, app_env):
    if not has_published(demo_pipeline.root):
        pytest.skip("this snapshot has no published schema yet: public view checked to fail")
    app_env("public")


def open_page(page: str, query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query or {})
    at.run()
    if page != "overview":
        at.switch_page(f"views/{page}.py")
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


def frames(at: AppTest) -> list[pd.DataFrame]:
    return [df.value for df in at.dataframe]


def small_counts(frame: pd.DataFrame) -> list[tuple[str, object]]:
    """Cells that show a count of 1 to 4: counts are rendered as text ('1,234' or '[c]')."""
    found = []
    for column in frame.columns:
        if column in NOT_DISCLOSURE_COUNTS:
            continue
        for cell in frame[column]:
            is_count = isinstance(cell, str) and COUNT_TEXT.match(cell)
            if is_count and 1 <= int(cell.replace(",", "")) <= 4:
                found.append((column, cell))
    return found


# --------------------------------------------------------------------------------------------
# Every page, both views


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_in_the_restricted_view(app_env, page):
    at = open_page(page)
    assert PAGES[page] in texts(at.title)
    assert any("SYNTHETIC DATA" in w for w in texts(at.warning)), "synthetic banner missing"
    assert any("View: restricted" in m for m in texts(at.sidebar.markdown))
    downloads = at.get("download_button")
    assert len(downloads) >= len(at.dataframe), "every table needs a CSV download"
    assert at.caption, "charts need text alternatives and tables their notes"
    if page not in ("methodology",):
        captions = " ".join(texts(at.caption))
        assert (
            "Text alternative" in captions
            or page == "data_quality"
            or not at.get("vega_lite_chart")
        )


@pytest.mark.parametrize("page", list(PAGES))
def test_public_view_shows_no_count_of_one_to_four(public_ready, page):
    at = open_page(page)
    assert PAGES[page] in texts(at.title)
    assert any("View: public" in m for m in texts(at.sidebar.markdown))
    for frame in frames(at):
        assert not small_counts(frame), small_counts(frame)[:5]
    if page == "force_comparison":
        # A withheld numerator withholds the value too, and both show the marker.
        table = frames(at)[-1]
        withheld = table[table["numerator"] == "[c]"]
        assert (withheld["value"] == "[c]").all()
        assert table["value"].notna().all()


def test_public_view_fails_clearly_without_a_published_schema(
    demo_pipeline, app_env, tmp_path, monkeypatch
):
    copy = tmp_path / "data"
    (copy / "serving").mkdir(parents=True)
    shutil.copy(demo_pipeline.root / "serving" / "public.duckdb", copy / "serving")
    with duckdb.connect(str(copy / "serving" / "public.duckdb")) as con:
        con.execute("drop schema if exists published cascade")
    monkeypatch.setenv("STALKING_DATA_DIR", str(copy))
    app_env("public")
    at = AppTest.from_file(APP, default_timeout=60).run()
    errors = " ".join(texts(at.error)).lower()
    assert "this snapshot has no published schema" in errors
    assert not at.dataframe, "the public view must never fall back to marts"


def test_an_unknown_view_fails_clearly(app_env):
    app_env("everything")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert "not a view of this app" in " ".join(texts(at.error))
    assert not at.dataframe


def test_restricted_view_shows_exact_counts(demo_pipeline, app_env):
    at = open_page("justice_outcomes", {"force": "K04000001", "period": "2025/26"})
    attrition = next(f for f in frames(at) if "step" in f.columns)
    with duckdb.connect(str(demo_pipeline.restricted_db), read_only=True) as con:
        crimes = con.execute(
            "select sum(crimes) from marts.fct_recorded_crime_quarterly "
            "where offence_code = '8Q' and financial_year = '2025/26' and force_code in "
            "(select force_code from marts.dim_force where is_territorial)"
        ).fetchall()[0][0]
        small = con.execute(
            "select count(*) from marts.force_comparisons where metric_id = 'spo_grant_rate' "
            "and period = '2025/26' and numerator between 1 and 4"
        ).fetchall()[0][0]
    assert attrition["count"].iloc[0] == f"{crimes:,}"
    comparison = open_page(
        "force_comparison", {"force": KENT, "metric": "spo_grant_rate", "period": "2025/26"}
    )
    table = frames(comparison)[-1]
    shown_small = [c for c in table["numerator"] if COUNT_TEXT.match(c) and int(c) <= 4]
    assert len([c for c in shown_small if int(c) >= 1]) == small


# --------------------------------------------------------------------------------------------
# Controls and state in the URL


def test_force_comparison_controls_and_url_round_trip(app_env):
    at = open_page("force_comparison")
    at.selectbox(key="choice_force").select(KENT).run()
    at.selectbox(key="choice_metric").select("screening_rate").run()
    at.radio(key="period_type").set_value("quarter").run()
    quarters = at.selectbox(key="choice_period").options
    at.selectbox(key="choice_period").select(quarters[1]).run()
    assert not at.exception
    heading = texts(at.subheader)[0]
    assert heading.startswith("Kent: stalking crimes with the screening tool completed")
    assert heading.endswith(quarters[1])
    params = {k: at.query_params[k] for k in ("force", "metric", "period")}
    assert params == {"force": KENT, "metric": "screening_rate", "period": quarters[1]}

    # A copied link reopens the same view.
    again = open_page("force_comparison", params)
    assert texts(again.subheader)[0] == heading
    assert again.selectbox(key="choice_force").value == KENT
    assert again.radio(key="period_type").value == "quarter"
    assert len(again.get("vega_lite_chart")) >= 5 + (1 if BOUNDARIES.exists() else 0)


def test_state_carries_across_pages_and_bad_params_fall_back(app_env):
    at = open_page("protection", {"force": KENT, "period": "not-a-period"})
    assert at.selectbox(key="choice_force").value == KENT
    assert at.query_params["period"] != "not-a-period"
    at.switch_page("views/justice_outcomes.py").run()
    assert at.selectbox(key="choice_force").value == KENT
    assert texts(at.subheader)[0].endswith("Kent")


@pytest.mark.parametrize(
    ("page", "query", "expect"),
    [
        ("justice_outcomes", {"force": KENT, "period": "2025/26 Q2"}, "2025/26 Q2: Kent"),
        ("protection", {"force": KENT, "period": "2025/26"}, "Stalking Protection Orders: Kent"),
        ("hidden_stalking", {"force": KENT, "period": "2025/26"}, "2025/26"),
        ("service_demand", {"region": "E12000008"}, "Helpline contacts: South East"),
        ("data_quality", {"force": KENT, "period": "2025/26 Q1"}, "Coverage"),
    ],
)
def test_pages_open_from_a_link(app_env, page, query, expect):
    at = open_page(page, query)
    assert any(expect in s for s in texts(at.subheader)), texts(at.subheader)
    for key, value in query.items():
        assert at.query_params[key] == value


def test_service_demand_what_if_responds_to_its_sliders(app_env):
    at = open_page("service_demand")
    needed = next(m for m in at.metric if m.label.startswith("Extra advocate posts"))
    before = float(needed.value)
    at.slider(key="choice_caseload").set_value(50).run()
    after = float(next(m for m in at.metric if m.label.startswith("Extra advocate")).value)
    assert after == pytest.approx(before / 2, rel=0.05)
    assert at.query_params["caseload"] == "50"


def test_hex_layout_places_every_force_once(demo_pipeline):
    layout = pd.read_csv(PROJECT_ROOT / "reports_app" / "hex_layout.csv")
    assert len(layout) == 43 and layout["force_code"].is_unique
    assert not layout.duplicated(["q", "r"]).any()
    with duckdb.connect(str(demo_pipeline.restricted_db), read_only=True) as con:
        forces = {
            r[0]
            for r in con.execute(
                "select force_code from marts.dim_force where is_territorial"
            ).fetchall()
        }
    assert set(layout["force_code"]) == forces


# --------------------------------------------------------------------------------------------
# Server time per interaction


def test_each_page_runs_within_a_second(app_env, capsys):
    timings = {}
    for page in PAGES:
        at = open_page(page)
        start = time.perf_counter()
        at.run()
        timings[page] = time.perf_counter() - start
    with capsys.disabled():
        print(
            "\nserver time per interaction (warm cache):",
            ", ".join(f"{p} {t:.2f}s" for p, t in timings.items()),
        )
    assert max(timings.values()) < 2.0, timings
