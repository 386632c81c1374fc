"""Releases through the real pipeline: two runs with a resubmission between them give two
releases, the second lists exactly the cells that changed and marks them [r]; the first is
never touched; the public file holds only public schemas, opens in DuckDB 1.x, and the public
view cannot open the restricted file."""

from __future__ import annotations

import hashlib
import re
import stat
import subprocess
from pathlib import Path

import duckdb
import polars as pl
import pytest

from ingest.settings import DataPaths
from publish import releases, revisions
from publish.disclosure.relations import COUNTS, SERVICE_AREAS_TOTAL, TOTAL
from tests.conftest import PROJECT_ROOT, run_pipeline
from tests.test_pipeline import STANDARD_HEADER

DUCKDB_1X = PROJECT_ROOT / ".venv" / "bin" / "duckdb"
MANIFEST = PROJECT_ROOT / "dbt_project" / "target" / "manifest.json"


def kent_rows(reclassified: int = 0, extra: int = 0) -> str:
    rows = [
        f"Kent,R-{i},2025-05-0{1 + i % 5},8Q,,V-{i},,,F,,,stranger,N,N,Y,high,N,0,"
        for i in range(12)
    ]
    rows = [r.replace(",8Q,", ",8L,") if i < reclassified else r for i, r in enumerate(rows)]
    rows += [
        f"Kent,R-9{i},2025-06-01,8Q,,V-9{i},,,F,,,stranger,N,N,Y,high,N,0," for i in range(extra)
    ]
    return STANDARD_HEADER + "\n" + "\n".join(rows) + "\n"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# Two runs of the whole pipeline: its users are slow and share one worker, so it runs once.
@pytest.fixture(scope="module")
def two_releases(tmp_path_factory) -> dict:
    data_dir = tmp_path_factory.mktemp("releases") / "data"
    paths = DataPaths(data_dir)
    landing = data_dir / "landing" / "force_crimes"
    landing.mkdir(parents=True)
    (landing / "kent_q1_v1.csv").write_text(kent_rows())
    run_pipeline(data_dir)
    first = releases.latest_release_id(paths)
    first_file = paths.releases / first / releases.PUBLIC_FILE
    first_digest = digest(first_file)
    # The force sends Q1 again: two crimes reclassified as harassment, one more stalking.
    (landing / "kent_q1_v2.csv").write_text(kent_rows(reclassified=2, extra=1))
    run_pipeline(data_dir)
    second = releases.latest_release_id(paths)
    return {"paths": paths, "first": first, "second": second, "first_digest": first_digest}


def published_cells(db: Path, grains: dict[str, list[str]]) -> dict[tuple, tuple]:
    """(table, key values, column) -> (value, marker without [r]), read with polars."""
    cells = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for table, keys in grains.items():
            frame = con.sql(f'select * from published."{table}"').pl()
            for measure, marker in revisions.measure_pairs(frame.columns):
                for row in frame.select(*keys, measure, marker).iter_rows(named=True):
                    mark = (row[marker] or "").replace("[r]", "").strip() or None
                    value = None if row[measure] is None else float(row[measure])
                    cells[(table, tuple(row[k] for k in keys), measure)] = (value, mark)
    return cells


@pytest.mark.slow
@pytest.mark.xdist_group("two_releases")
def test_two_runs_give_two_releases_and_the_first_is_unchanged(two_releases):
    paths = two_releases["paths"]
    assert two_releases["first"] == "2025-26-Q1-r1"
    assert two_releases["second"] == "2025-26-Q1-r2"
    assert releases.release_ids(paths) == ["2025-26-Q1-r1", "2025-26-Q1-r2"]
    first_file = paths.releases / two_releases["first"] / releases.PUBLIC_FILE
    assert digest(first_file) == two_releases["first_digest"]
    assert not first_file.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert paths.public_db.resolve() == (
        paths.releases / two_releases["second"] / releases.PUBLIC_FILE
    )
    with duckdb.connect(str(paths.public_db), read_only=True) as con:
        info = con.sql("select * from release.release_info").pl().row(0, named=True)
    assert info["release_id"] == two_releases["second"]
    assert info["previous_release_id"] == two_releases["first"]
    assert info["period_covered"] == "2025/26 Q1"
    assert info["is_synthetic"] is False
    assert info["licence"].startswith("Open Government Licence v3.0")
    assert two_releases["second"] in info["citation"]


@pytest.mark.slow
@pytest.mark.xdist_group("two_releases")
def test_second_release_lists_exactly_the_changed_cells_marked_r(two_releases):
    paths = two_releases["paths"]
    grains = revisions.table_grains(MANIFEST)
    old = published_cells(paths.releases / two_releases["first"] / releases.PUBLIC_FILE, grains)
    new_db = paths.releases / two_releases["second"] / releases.PUBLIC_FILE
    new = published_cells(new_db, grains)
    expected = {
        cell: (before, new.get(cell)) for cell, before in old.items() if before != new.get(cell)
    }
    with duckdb.connect(str(new_db), read_only=True) as con:
        log = con.sql("select * from release.revisions").pl()
        markers = {}
        for table, keys in grains.items():
            frame = con.sql(f'select * from published."{table}"').pl()
            for measure, marker in revisions.measure_pairs(frame.columns):
                for row in frame.select(*keys, marker).iter_rows(named=True):
                    key = "|".join(f"{k}={'' if row[k] is None else row[k]}" for k in keys)
                    markers[(table, key, measure)] = row[marker] or ""
    assert len(expected) > 0
    assert log.height == len(expected), (log.height, len(expected))
    assert set(log["previous_release_id"]) == {two_releases["first"]}
    # The stalking crimes Kent resubmitted are among them, with both values.
    kent = log.filter(
        (pl.col("table_name") == "fct_recorded_crime_quarterly")
        & pl.col("cell_key").str.contains("force_code=E23000032")
        & pl.col("cell_key").str.contains("offence_code=8Q")
        & (pl.col("column_name") == "crimes")
    )
    assert kent.height == 1
    assert (kent["previous_value"][0], kent["value"][0]) in {(12.0, 11.0), (12.0, None)}
    assert set(log["reason"]) == {revisions.RESUBMISSION}
    revised = set()
    for row in log.iter_rows(named=True):
        cell = (row["table_name"], row["cell_key"], row["column_name"])
        revised.add(cell)
        if cell in markers:
            assert "[r]" in markers[cell], cell
    # No other cell carries [r].
    assert not [c for c, m in markers.items() if "[r]" in m and c not in revised]


@pytest.mark.slow
@pytest.mark.xdist_group("two_releases")
def test_a_run_with_nothing_new_publishes_no_release(two_releases):
    paths = two_releases["paths"]
    before = digest(paths.public_db.resolve())
    run_pipeline(paths.root)
    assert releases.release_ids(paths) == [two_releases["first"], two_releases["second"]]
    assert digest(paths.public_db.resolve()) == before


@pytest.mark.slow
@pytest.mark.xdist_group("two_releases")
def test_public_file_holds_only_public_schemas_and_opens_in_duckdb_1x(two_releases):
    paths = two_releases["paths"]
    with duckdb.connect(str(paths.public_db), read_only=True) as con:
        schemas = {r[0] for r in con.execute("select schema_name from duckdb_tables()").fetchall()}
    assert schemas == {"published", "reference", "release"}, schemas
    if not DUCKDB_1X.exists():
        pytest.skip("duckdb-cli (the 1.x client) is not installed: pip install duckdb-cli")
    result = subprocess.run(
        [
            str(DUCKDB_1X),
            "-readonly",
            "-csv",
            str(paths.public_db),
            "-c",
            "select version(), release_id from release.release_info",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith("v1.")
    assert two_releases["second"] in result.stdout


@pytest.mark.slow
@pytest.mark.xdist_group("two_releases")
def test_restricted_file_is_owner_only_with_marts_and_meta(two_releases):
    paths = two_releases["paths"]
    mode = stat.S_IMODE(paths.restricted_db.stat().st_mode)
    assert mode == 0o600, oct(mode)
    with duckdb.connect(str(paths.restricted_db), read_only=True) as con:
        schemas = {r[0] for r in con.execute("select schema_name from duckdb_tables()").fetchall()}
        crimes = con.execute(
            "select sum(crimes) from marts.fct_recorded_crime_quarterly"
        ).fetchall()[0][0]
    assert {"marts", "meta"} <= schemas
    assert not schemas & {"published", "release"}
    assert crimes == 13  # exact: the resubmission's 11 stalking and 2 harassment crimes
    # Nothing restricted is left beside it (no temporary folder, no write-ahead log).
    assert sorted(p.name for p in paths.restricted_db.parent.iterdir()) == [
        "public.duckdb",
        "restricted.duckdb",
    ]


@pytest.mark.slow
@pytest.mark.xdist_group("two_releases")
def test_the_public_view_cannot_open_the_restricted_file(two_releases, monkeypatch):
    from reports_app import data

    paths = two_releases["paths"]
    monkeypatch.setenv("STALKING_DATA_DIR", str(paths.root))
    monkeypatch.setenv("STALKING_APP_VIEW", "public")
    assert data.serving_path() == paths.public_db
    with data.connect() as con:
        assert con.execute("select count(*) from release.release_info").fetchall() == [(1,)]
        with pytest.raises(duckdb.PermissionException):
            con.execute(f"attach '{paths.restricted_db}' as leak (read_only)")
        with pytest.raises(duckdb.PermissionException):
            con.execute(f"select * from read_parquet('{paths.raw}/*/*/*.parquet')")
    # Even pointed at the restricted file by a stray link, the public view refuses it.
    stray = paths.root / "stray"
    (stray / "serving").mkdir(parents=True)
    (stray / "serving" / "public.duckdb").symlink_to(paths.restricted_db)
    (stray / "serving" / "restricted.duckdb").symlink_to(paths.restricted_db)
    monkeypatch.setenv("STALKING_DATA_DIR", str(stray))
    with pytest.raises(data.RestrictedFileRefused):
        data.connect()
    monkeypatch.setenv("STALKING_APP_VIEW", "restricted")
    assert data.download_name("table.csv") == "RESTRICTED_table.csv"
    monkeypatch.setenv("STALKING_APP_VIEW", "public")
    assert data.download_name("table.csv") == "table.csv"


RESEARCHERS_GUIDE = PROJECT_ROOT / "docs" / "RESEARCHERS.md"


@pytest.mark.xdist_group("demo_pipeline")
def test_every_researcher_query_runs_on_complete_periods(demo_pipeline):
    """Every ```sql block of docs/RESEARCHERS.md, against the demo's public file."""
    blocks = re.findall(r"```sql\n(.*?)```", RESEARCHERS_GUIDE.read_text(), re.S)
    assert len(blocks) >= 10
    with duckdb.connect(str(demo_pipeline.public_db), read_only=True) as con:
        for sql in blocks:
            frame = con.sql(sql).pl()
            assert frame.height > 0, sql
            if "from published." in sql:
                # Worked queries choose complete periods, never the latest part year.
                assert "reference.period_status" in sql, sql
                latest = ("is_latest_complete", "status = 'complete'")
                assert any(rule in sql for rule in latest), sql


APP = PROJECT_ROOT / "reports_app" / "app.py"


@pytest.mark.xdist_group("demo_pipeline")
@pytest.mark.parametrize("view", ["restricted", "public"])
def test_the_restricted_view_marks_every_page_in_its_body(demo_pipeline, monkeypatch, view):
    from streamlit.testing.v1 import AppTest

    from reports_app.data import RESTRICTED_BANNER

    monkeypatch.setenv("STALKING_DATA_DIR", str(demo_pipeline.root))
    monkeypatch.setenv("STALKING_APP_VIEW", view)
    pages = sorted(p.name for p in (APP.parent / "views").glob("*.py"))
    assert pages
    for file in pages:
        at = AppTest.from_file(str(APP), default_timeout=120).run()
        at.switch_page(f"views/{file}").run()
        assert not at.exception, (file, at.exception)
        banners = [e.value for e in at.main.error if e.value == RESTRICTED_BANNER]
        assert len(banners) == (1 if view == "restricted" else 0), file


# Period status, area codes and the comparison method columns (docs/WAREHOUSE.md, "Periods and
# area codes"), on the demo's serving files.

OUTCOME_BASED = {"fct_outcomes_quarterly"}


def year_end_tables() -> set[str]:
    """Counts as at a financial year's end (a training return): complete once reported,
    whatever quarters the crime data cover. Read from the published models that say so
    (period_type 'year_end' of macros/period_status.sql)."""
    found = set()
    for model in (PROJECT_ROOT / "dbt_project" / "models" / "published").glob("*.sql"):
        text = model.read_text()
        if "period_type='year_end'" in text:
            found.add(re.search(r"alias='(\w+)'", text)[1])
    return found


@pytest.mark.xdist_group("demo_pipeline")
def test_every_count_row_says_its_period_status(demo_pipeline):
    year_end = year_end_tables()
    assert "fct_training_yearly" in year_end
    with duckdb.connect(str(demo_pipeline.public_db), read_only=True) as con:
        status = con.sql("select * from reference.period_status").pl()
        for table in COUNTS:
            frame = con.sql(f"select * from published.{table}").pl()
            assert frame.height > 0, table
            if table.endswith("_monthly") or table in year_end:  # a whole month; year-end
                assert (frame["period_status"] == "complete").all(), table
                assert frame["period_status_marker"].null_count() == frame.height, table
                continue
            period_type = "financial_year" if table.endswith("_yearly") else "quarter"
            kind = "outcome_status" if table in OUTCOME_BASED else "status"
            on = ["financial_year"] + (["fy_quarter"] if period_type == "quarter" else [])
            expected = status.filter(pl.col("period_type") == period_type).select(
                *on, pl.col(kind).alias("expected")
            )
            checked = frame.join(expected, on=on, how="inner")
            assert checked.height == frame.height, table
            assert (checked["period_status"] == checked["expected"]).all(), table
            marked = checked["period_status_marker"].eq_missing("[p]")
            assert (marked == (checked["period_status"] != "complete")).all(), table
        response = con.sql(
            "select r.outcome_period_status, s.outcome_status "
            "from published.fct_stalking_response_quarterly as r "
            "inner join reference.period_status as s on s.period_type = 'quarter' "
            "and s.financial_year = r.financial_year and s.fy_quarter = r.fy_quarter"
        ).pl()
    assert (response["outcome_period_status"] == response["outcome_status"]).all()
    # The demo holds a part year and provisional outcome quarters, so the markers are used.
    assert (status["status"] == "part_year").any()
    assert (response["outcome_period_status"] == "provisional").any()


@pytest.mark.xdist_group("demo_pipeline")
def test_a_service_total_has_its_own_code(demo_pipeline):
    with duckdb.connect(str(demo_pipeline.public_db), read_only=True) as con:
        codes = con.sql(
            "select force_code, service_name = 'All services' as all_services, count(*) as n "
            "from published.fct_advocacy_monthly "
            f"where force_code in ('{TOTAL}', '{SERVICE_AREAS_TOTAL}') group by all"
        ).pl()
        kinds = dict(con.sql("select area_code, area_kind from reference.areas").fetchall())
        used = con.sql("select distinct force_code from published.fct_advocacy_monthly").fetchall()
    assert set(codes.filter(pl.col("all_services"))["force_code"]) == {TOTAL}
    assert set(codes.filter(~pl.col("all_services"))["force_code"]) == {SERVICE_AREAS_TOTAL}
    assert kinds[SERVICE_AREAS_TOTAL] == "service_areas_total"
    assert kinds[TOTAL] == "country_group"
    assert {code for (code,) in used} <= set(kinds)


@pytest.mark.xdist_group("demo_pipeline")
def test_force_comparisons_carry_period_status_and_method(demo_pipeline):
    with duckdb.connect(str(demo_pipeline.public_db), read_only=True) as con:
        fc = con.sql("select * from published.force_comparisons").pl()
    with duckdb.connect(str(demo_pipeline.restricted_db), read_only=True) as con:
        marts = con.sql(
            "select metric_id, force_code, period_type, period, period_status, funnel_method, "
            "funnel_tau2, funnel_phi, population_mid_year from marts.force_comparisons"
        ).pl()
    joined = fc.join(
        marts, on=["metric_id", "force_code", "period_type", "period"], suffix="_marts"
    )
    assert joined.height == fc.height > 0
    assert (joined["period_status"] == joined["period_status_marts"]).all()
    assert (joined["funnel_method"] == joined["funnel_method_marts"]).all()
    assert joined["funnel_method"].null_count() == 0
    assert set(joined["funnel_method"]) <= {"additive_random_effects", "exact_or_normal_unadjusted"}
    marked = joined["period_status_marker"].eq_missing("[p]")
    assert (marked == (joined["period_status"] != "complete")).all()
    withheld = joined["funnel_parameters_marker"].eq_missing("[c]")
    assert joined.filter(withheld)["funnel_tau2"].null_count() == withheld.sum()
    shown = joined.filter(~withheld)
    assert shown.height > 0
    assert shown["funnel_tau2"].eq_missing(shown["funnel_tau2_marts"]).all()
    assert shown["funnel_phi"].eq_missing(shown["funnel_phi_marts"]).all()
    rates = joined.filter(pl.col("population_mid_year_marts").is_not_null())
    assert rates.height > 0
    assert (rates["population_mid_year"] == rates["population_mid_year_marts"]).all()
