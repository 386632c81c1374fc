"""The reports app under Streamlit's AppTest, on the real demo pipeline's serving snapshot.

Every page and its controls, state in the URL, the public view's disclosure control (no count
of 1 to 4 in any table), the restricted view's exact counts, and per-page server time.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
APP_DIR = PROJECT_ROOT / "reports_app"
APP = str(APP_DIR / "app.py")
BOUNDARIES = (
    PROJECT_ROOT.parent / "shared" / "realdata" / ("Police_Force_Areas_PFA_DEC_2023_EW_BUC.geojson")
)
PAGES = {
    "overview": "Stalking in England and Wales: overview",
    "find_area": "Find your area",
    "compare_forces": "Compare forces",
    "force_profile": "Force profile",
    "table_builder": "Table builder",
    "force_comparison": "Force comparison",
    "justice_outcomes": "Justice outcomes",
    "protection": "Protection",
    "hidden_stalking": "Hidden stalking",
    "service_demand": "Service demand",
    "action_plans": "Action plans",
    "survey_records": "Survey and police records",
    "funding_capacity": "Funding and capacity",  # issue 18 item 5
    "masips": "MASIPs",
    "data_quality": "Data quality and coverage",
    "methodology": "Methodology and downloads",
}
KENT = "E23000032"
CITY = "E23000034"
BARNET = "E09000003"
COUNT_TEXT = re.compile(r"^\d{1,3}(,\d{3})*$")
# Shown with the counts but not counts of people: the Home Office's own published figures and
# the signed difference between them and a force's extract.
NOT_DISCLOSURE_COUNTS = {"home_office_offences", "difference"}
# Issue 18 item 5: caseload places a service's funding pays for, not a count of people.
NOT_DISCLOSURE_COUNTS |= {"caseload_capacity"}

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


def test_state_carries_across_pages_and_a_bad_param_is_reported(app_env):
    # The page the link opens reports the bad period (the overview's accountability panel
    # reads force and period too) and corrects it; later pages get the corrected state.
    at = open_page("overview", {"force": KENT, "period": "not-a-period"})
    assert any("not-a-period" in w for w in texts(at.warning)), texts(at.warning)
    assert at.query_params["period"] != "not-a-period"
    at.switch_page("views/protection.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="choice_force").value == KENT
    at.switch_page("views/justice_outcomes.py").run()
    assert at.selectbox(key="choice_force").value == KENT
    assert texts(at.subheader)[0].endswith("Kent")


def test_the_chosen_period_is_kept_across_pages(app_env):
    at = open_page("force_comparison", {"force": KENT, "period": "2024/25 Q4"})
    assert at.selectbox(key="choice_period").value == "2024/25 Q4"
    at.switch_page("views/justice_outcomes.py").run()
    assert at.selectbox(key="choice_period").value == "2024/25 Q4"
    assert at.query_params["period"] == "2024/25 Q4"
    # A page with financial years only shows the quarter's year, and says nothing is wrong.
    at.switch_page("views/hidden_stalking.py").run()
    assert at.selectbox(key="choice_period").value == "2024/25"
    assert not [w for w in texts(at.warning) if "This link asked" in w]


def complete_years(root: Path) -> list[str]:
    # Counted from the exact counts, independently of the release's own period status.
    with duckdb.connect(str(root / "serving" / "restricted.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select financial_year from marts.fct_recorded_crime_quarterly group by 1 "
            "having count(distinct fy_quarter) = 4 order by 1"
        ).fetchall()
    return [r[0] for r in rows]


@pytest.mark.parametrize(
    "page",
    [
        "force_comparison",
        "justice_outcomes",
        "protection",
        "hidden_stalking",
        "service_demand",
        "compare_forces",
        "force_profile",
        "masips",
        "funding_capacity",
    ],
)
def test_year_selectors_open_on_the_latest_complete_year(demo_pipeline, app_env, page):
    at = open_page(page)
    chosen = at.selectbox(key="choice_period").value
    assert chosen == complete_years(demo_pipeline.root)[-1], chosen


def test_a_bad_metric_in_a_link_is_reported(app_env):
    at = open_page("force_comparison", {"metric": "nonsense"})
    assert any("nonsense" in w for w in texts(at.warning)), texts(at.warning)


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


# Regions with a month in which every advocacy service wholly inside them published its waiting
# list: the what-if can be worked out for these from the public file (a case's length comes from
# England and Wales where the region's flows are withheld).
REGIONS_WITH_PUBLISHED_STOCKS = """
    with service_region as (
        select a.service_name,
               case when count(distinct f.region_code) = 1 then any_value(f.region_code) end
                   as region_code
        from published.fct_advocacy_monthly as a
        join published.dim_force as f using (force_code)
        where f.is_territorial and a.service_name <> 'All services'
        group by a.service_name
    ), monthly as (
        select s.region_code, a.month,
               bool_and(a.waiting_list_end is not null) as ok
        from published.fct_advocacy_monthly as a
        join service_region as s using (service_name)
        where a.force_code = 'X00000001' and s.region_code is not null
        group by all
    )
    select distinct region_code from monthly where ok order by 1
"""


def what_if_blocked(at: AppTest, regions: list[str]) -> list[str]:
    blocked = []
    for region in regions:
        at.selectbox(key="choice_region").select(region).run()
        assert not at.exception, [e.value for e in at.exception]
        needed = [m.value for m in at.metric if m.label.startswith("Extra advocate posts")]
        if not needed or needed[0] == "n/a":
            blocked.append(region)
    return blocked


def territorial_regions(con) -> list[str]:
    rows = con.execute(
        "select distinct region_code from marts.dim_force where is_territorial order by 1"
    ).fetchall()
    return [r[0] for r in rows]


def test_the_what_if_works_for_every_region(demo_pipeline, app_env):
    """Funders compare regions: at exact counts nothing withholds a region's estimate."""
    with duckdb.connect(str(demo_pipeline.restricted_db), read_only=True) as con:
        regions = territorial_regions(con)
    assert len(regions) == 10
    assert not what_if_blocked(open_page("service_demand"), regions)


def test_the_public_what_if_is_blocked_only_where_every_month_is_withheld(
    demo_pipeline, public_ready
):
    """In the public view a withheld month must not block a region whose services published
    their stocks in another recent month (the defect: blocked for 6 of 10 regions)."""
    with duckdb.connect(str(demo_pipeline.restricted_db), read_only=True) as con:
        regions = territorial_regions(con)
    with duckdb.connect(str(demo_pipeline.root / "serving" / "public.duckdb"), read_only=True) as c:
        possible = [r[0] for r in c.execute(REGIONS_WITH_PUBLISHED_STOCKS).fetchall()]
    assert possible, "the demo has no region whose stocks are published"
    blocked = what_if_blocked(open_page("service_demand"), regions)
    assert not set(blocked) & set(possible), sorted(set(blocked) & set(possible))


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
# Downloads: names, marks and tidy columns, read from Streamlit's own media store


@pytest.fixture
def kept_media(monkeypatch):
    """AppTest's media file managers, kept after each run so a test can read what every
    download button would save (file name and bytes): the real store, not a stand-in."""
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.testing.v1 import app_test

    managers: list[MediaFileManager] = []

    class Kept(MediaFileManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            managers.append(self)

    monkeypatch.setattr(app_test, "MediaFileManager", Kept)
    return managers


def saved_files(at: AppTest, managers) -> list[dict]:
    """Every download button of the last run: its key, label, help, file name and bytes."""
    manager = managers[-1]
    found = []
    for button in at.get("download_button"):
        proto = button.proto
        if proto.HasField("deferred_file_id"):
            entry = manager._deferred_callables[proto.deferred_file_id]
            name, data = entry["filename"], entry["callable"]()
            data = data.encode("utf-8") if isinstance(data, str) else data
        else:
            stored = manager._storage.get_file(proto.url.rsplit("/", 1)[-1])
            name, data = stored.filename, stored.content
        found.append(
            {"id": proto.id, "label": proto.label, "help": proto.help, "name": name, "data": data}
        )
    return found


@pytest.mark.parametrize("page", list(PAGES))
def test_restricted_view_marks_every_page_and_every_download(app_env, kept_media, page):
    from reports_app.data import RESTRICTED_BANNER

    at = open_page(page)
    # In the page body, not only the sidebar (hidden on a phone).
    assert RESTRICTED_BANNER in texts(at.main.error), texts(at.main.error)
    files = saved_files(at, kept_media)
    assert files, f"{page} offers no download"
    for file in files:
        assert file["name"].startswith("RESTRICTED_"), (page, file["label"], file["name"])
        assert file["help"] == f"Saves as {file['name']}", (page, file["label"])
        if file["name"].endswith(".png"):
            assert file["data"][:4] == b"\x89PNG"
    # Every chart, so an image saved from its own menu is marked too.
    from reports_app.charts import RESTRICTED_IMAGE_MARK

    for spec in chart_specs(at):
        assert spec["title"]["text"][0] == RESTRICTED_IMAGE_MARK, (page, spec.get("title"))


TIDY_HEADER = "area_code,area_name,period,measure,unit,value,marker,release_id"
# Tables with no figure in them (definitions, not statistics), written as shown.
VERBATIM_FILES = {"metric_definitions.csv", "recommendations.csv"}


@pytest.mark.parametrize("page", list(PAGES))
def test_every_csv_download_is_tidy_with_whole_counts(public_ready, kept_media, page):
    """Counts whole (no 840.0), per cent to 1 decimal and rates to 2 (no float noise)."""
    from reports_app.format import decimals_for

    at = open_page(page)
    checked = 0
    for file in saved_files(at, kept_media):
        assert not file["name"].startswith("RESTRICTED_"), file["name"]
        if not file["name"].endswith(".csv") or file["name"].startswith("published_"):
            # The methodology page's "every table" files are the published tables verbatim.
            continue
        if file["name"] in VERBATIM_FILES:
            continue
        text = file["data"].decode("utf-8")
        header, *lines = text.splitlines()
        assert header.startswith(TIDY_HEADER), (page, file["label"], header)
        rows = list(csv.DictReader(io.StringIO(text)))
        assert rows, (page, file["label"])
        for row in rows:
            assert row["release_id"], (page, file["label"], row)
            value = row["value"]
            if not value:
                assert row["marker"], (page, file["label"], "a missing value needs its marker")
                continue
            places = decimals_for(row["unit"])
            pattern = re.compile(rf"^-?\d+(\.\d{{1,{places}}})?$" if places else r"^-?\d+$")
            assert pattern.match(value), (page, file["label"], row["measure"], value)
        checked += 1
    if page != "methodology":  # its files are the tables themselves and the definitions
        assert checked, f"{page} offers no tidy CSV"


# --------------------------------------------------------------------------------------------
# Server time per interaction


def test_app_timings_open_every_page_and_change_a_control(public_ready):
    """bench.app_timings (make bench) times each page itself, not the home page it passes
    through, and changes a real control where the page has one."""
    from bench import app_timings

    rows = app_timings.measure()
    assert [r["page"] for r in rows] == app_timings.pages()
    assert {f"{r['page']}.py" for r in rows} == {p.name for p in (APP_DIR / "views").glob("*.py")}
    assert not [r for r in rows if r["errors"]], [r["errors"] for r in rows if r["errors"]]
    changed = {r["page"] for r in rows if r["control"] != "(rerun)"}
    assert {"force_comparison", "force_profile", "service_demand", "compare_forces"} <= changed
    assert all(r["first_render_s"] > 0 and r["interaction_s"] > 0 for r in rows)
    assert "target" in app_timings.summary(rows)


# --------------------------------------------------------------------------------------------
# The comparison pages


def test_compare_forces_shows_any_forces_side_by_side_from_a_link(app_env):
    at = open_page("compare_forces", {"forces": f"{KENT},{CITY},E99999999", "period": "2025/26"})
    assert at.multiselect(key="choice_forces").value == [KENT, CITY]
    assert any("E99999999" in w for w in texts(at.warning)), "an unknown force is reported"
    assert texts(at.subheader)[0] == "2 forces on every metric, 2025/26"
    side = next(f for f in frames(at) if "Metric" in f.columns)
    assert {"England and Wales", "Kent", "City of London"} <= set(side.columns)
    metrics = metric_count(at)
    assert len(side) == metrics
    assert at.query_params["forces"] == f"{KENT},{CITY}"
    # A peer group: the region's forces, with the region's value beside them.
    group = open_page("compare_forces", {"group": "E12000008", "period": "2025/26"})
    side = next(f for f in frames(group) if "Metric" in f.columns)
    assert "Region: South East" in side.columns and "Kent" in side.columns


def metric_count(at: AppTest) -> int:
    from reports_app.data import metrics

    return metrics().height


def test_force_profile_has_one_row_per_metric_and_its_downloads(demo_pipeline, app_env):
    at = open_page("force_profile", {"force": KENT, "period": "2025/26"})
    table = frames(at)[0]
    with duckdb.connect(
        str(demo_pipeline.root / "serving" / "public.duckdb"), read_only=True
    ) as con:
        metric_ids = con.execute("select count(*) from reference.ref_metrics").fetchall()[0][0]
    assert len(table) == metric_ids
    assert list(table.columns) == [
        "Metric",
        "Kent",
        "England and Wales",
        "Range across forces",
        "Compared with national",
        "Change since a year before",
    ]
    labels = [b.label for b in at.get("download_button")]
    assert any("(CSV)" in label for label in labels) and any("(PNG)" in label for label in labels)
    assert at.get("vega_lite_chart"), "the spine chart"


def test_find_your_area_from_a_council(app_env):
    at = open_page("find_area", {"area": BARNET})
    assert texts(at.subheader)[0] == "Barnet is in Metropolitan Police"
    links = at.get("page_link")
    assert len(links) == 3
    assert at.query_params["area"] == BARNET


def test_table_builder_rebuilds_from_its_link(app_env):
    query = {
        "measures": "stalking_rate,charge_rate",
        "areas": f"K04000001,{KENT}",
        "periods": "2025/26,2024/25",
        "breakdown": "interval",
    }
    at = open_page("table_builder", query)
    table = frames(at)[0]
    assert len(table) == 4  # 2 areas x 2 periods
    assert "Stalking crimes per 1,000 residents: 95% low" in table.columns
    assert set(table["Area code"]) == {"K04000001", KENT}
    for key, value in query.items():
        assert at.query_params[key] == value
    labels = [b.label for b in at.get("download_button")]
    assert any("(xlsx)" in label for label in labels)


# --------------------------------------------------------------------------------------------
# Defects that must not come back


def chart_specs(at: AppTest) -> list[dict]:
    """Each chart's Vega-Lite spec, with its datasets (Streamlit sends them as Arrow) put
    back under ``datasets`` as lists of rows."""
    import json

    import pyarrow as pa

    specs = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        spec["datasets"] = {
            d.name: pa.ipc.open_stream(d.data.data).read_all().to_pylist()
            for d in chart.proto.datasets
        }
        specs.append(spec)
    return specs


def line_layers(spec: dict) -> list[dict]:
    found = []
    for layer in spec.get("layer", [spec]):
        mark = layer.get("mark")
        kind = mark.get("type") if isinstance(mark, dict) else mark
        if kind == "line":
            found.append(layer)
    return found


def dataset(spec: dict, layer: dict) -> list[dict]:
    name = (layer.get("data") or spec.get("data") or {}).get("name")
    return spec["datasets"].get(name) or next(iter(spec["datasets"].values()), [])


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("overview", {}),
        ("service_demand", {"region": "E12000001"}),
        ("protection", {"force": CITY}),
        ("force_comparison", {"force": CITY, "metric": "stalking_rate"}),
    ],
)
def test_every_line_over_time_is_on_a_time_axis_in_order(app_env, page, query):
    at = open_page(page, query)
    checked = 0
    for spec in chart_specs(at):
        for layer in line_layers(spec):
            x = layer["encoding"]["x"]
            if x["type"] == "quantitative":
                continue  # a funnel plot's denominator axis, not time
            assert x["type"] == "temporal", (page, x)
            starts = [row[x["field"].split(":")[0]] for row in dataset(spec, layer)]
            assert starts == sorted(starts), (page, x["field"])
            checked += 1
    assert checked, f"{page} has no line over time to check"


def test_a_withheld_month_is_a_gap_not_a_jump(public_ready):
    at = open_page("service_demand", {"region": "E12000001"})
    spec = next(s for s in chart_specs(at) if "answered" in json_text(s))
    rows = dataset(spec, spec)
    months = [r["month"] for r in rows if r["status"] == "Answered"]
    assert months == sorted(months) and len(months) == 24  # every demo month, withheld too
    assert any(r["contacts"] is None for r in rows), "withheld months stay as gaps"


def json_text(spec: dict) -> str:
    import json

    return json.dumps(spec, default=str).lower()


def test_one_national_helpline_total(demo_pipeline, public_ready):
    """The app's England and Wales helpline row is the tables' one national total: the
    K04000001 rows of published.fct_helpline_monthly over the year (the service demand report
    reads the same rows); the regions also hold contacts whose force area is not known."""
    at = open_page("service_demand", {"period": "2025/26"})
    by_region = next(f for f in frames(at) if "region" in f.columns and "contacts" in f.columns)
    national = by_region[by_region["region_code"] == "K04000001"]["contacts"].item()
    with duckdb.connect(str(demo_pipeline.public_db), read_only=True) as con:
        rows = con.execute(
            "select contacts, contacts_marker from published.fct_helpline_monthly "
            "where force_code = 'K04000001' and month between '2025-04' and '2026-03'"
        ).fetchall()
    assert len(rows) >= 12
    if any(marker == "[c]" for _, marker in rows):
        assert national == "[c]"
    else:
        assert int(national.replace(",", "")) == sum(contacts for contacts, _ in rows)


def test_city_of_london_charts_have_whole_count_axes(demo_pipeline, app_env):
    at = open_page("justice_outcomes", {"force": CITY, "period": "2025/26"})
    for spec in chart_specs(at):
        x = spec.get("encoding", {}).get("x", {})
        if x.get("axis", {}).get("format") == ",.0f":
            assert x["axis"].get("tickMinStep") == 1
    attrition = next(f for f in frames(at) if "step" in f.columns)
    with duckdb.connect(str(demo_pipeline.restricted_db), read_only=True) as con:
        numerator = con.execute(
            "select numerator from marts.force_comparisons where metric_id = 'stalking_rate' "
            "and period = '2025/26' and force_code = ?",
            [CITY],
        ).fetchall()[0][0]
    # The restricted view: the same exact figure the force comparison page shows.
    assert attrition["count"].iloc[0] == f"{int(numerator):,}"


def test_city_of_london_is_the_same_on_every_page_and_has_no_empty_chart(public_ready):
    """The public view: the City's stalking crimes for a year are one figure (or one [c])
    on the outcomes and comparison pages, and no chart is drawn with no data in it."""
    justice = open_page("justice_outcomes", {"force": CITY, "period": "2025/26"})
    attrition = next(f for f in frames(justice) if "step" in f.columns)
    comparison = open_page(
        "force_comparison", {"force": CITY, "metric": "stalking_rate", "period": "2025/26"}
    )
    table = frames(comparison)[-1]
    city = table[table["force_code"] == CITY]
    assert attrition["count"].iloc[0] == city["numerator"].item()
    for spec in chart_specs(justice):
        assert any(spec["datasets"].values()), spec.get("title")


def test_no_icons_from_a_font_host():
    app = (PROJECT_ROOT / "reports_app" / "app.py").read_text()
    assert ":material/" not in app
    config = (PROJECT_ROOT / ".streamlit" / "config.toml").read_text()
    assert "http" not in config.split("[theme]", 1)[-1].split("[client]")[0]


@pytest.mark.parametrize("page", list(PAGES))
def test_public_view_reads_neither_marts_nor_meta(
    demo_pipeline, app_env, tmp_path, monkeypatch, page
):
    """Every page renders from a snapshot that has no marts and no ledger or quarantine: the
    public view reads only published and reference (and the snapshot's own facts)."""
    if not has_published(demo_pipeline.root):
        pytest.skip("this snapshot has no published schema yet")
    copy = tmp_path / "data"
    (copy / "serving").mkdir(parents=True)
    shutil.copy(demo_pipeline.root / "serving" / "public.duckdb", copy / "serving")
    with duckdb.connect(str(copy / "serving" / "public.duckdb"), read_only=True) as con:
        schemas = {r[0] for r in con.execute("select schema_name from duckdb_schemas()").fetchall()}
    assert not {"marts", "meta"} & schemas, "the public file holds no marts and no meta"
    monkeypatch.setenv("STALKING_DATA_DIR", str(copy))
    app_env("public")
    at = open_page(page)
    assert PAGES[page] in texts(at.title)
