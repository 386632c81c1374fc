"""End to end through the real pipeline: files in landing/, Dagster, dbt, the serving file."""

from __future__ import annotations

import re
import subprocess

import duckdb
import polars as pl
import pytest

from ingest.settings import SEEDS_DIR, DataPaths
from tests.conftest import PROJECT_ROOT, pipeline_env, run_pipeline

STANDARD_HEADER = (
    "force_code,crime_ref,recorded_date,offence_code,offence_subcode,victim_ref,victim_name,"
    "victim_dob,victim_sex,suspect_ref,suspect_name,relationship,domestic_flag,cyber_flag,"
    "screening_completed,risk_level,masip_referral,outcome_type,outcome_date"
)


def financial_period(date: str) -> tuple[str, str]:
    year, month = int(date[:4]), int(date[5:7])
    start = year - (1 if month < 4 else 0)
    return f"{start}/{str(start + 1)[2:]}", f"Q{((month + 8) % 12) // 3 + 1}"


def foreign_extract() -> tuple[str, pl.DataFrame]:
    """An extract written by hand, not by our generator: three forces, odd force spellings."""
    plan = [  # (expected code, force as written, recorded date, offence, crimes)
        ("E23000032", "Kent", "2025-04-03", "8Q", 7),
        ("E23000032", "kent police", "2025-07-15", "8L", 5),
        ("W15000003", "W15000003", "2025-05-20", "8Q", 3),
        ("W15000003", "South Wales", "2025-06-30", "8M", 2),
        ("E23000001", "Met Police", "2025-09-30", "8Q", 4),
        ("E23000001", "E23000001", "2025-10-01", "8Q", 6),
    ]
    lines, expected = [STANDARD_HEADER], []
    n = 0
    for code, written, date, offence, count in plan:
        for _ in range(count):
            n += 1
            subcode = "8/66" if offence == "8Q" else ""
            lines.append(
                f"{written},FOREIGN-{n:04d},{date},{offence},{subcode},VIC-{n:04d},"
                f"Mary Foreign{n},1985-02-{(n % 27) + 1:02d},F,SUS-{n:04d},Peter Suspect{n},"
                "ex_partner,Y,N,Y,medium,N,0,"
            )
            expected.append((code, *financial_period(date), offence))
    counts = (
        pl.DataFrame(
            expected,
            schema=["force_code", "financial_year", "fy_quarter", "offence_code"],
            orient="row",
        )
        .group_by("force_code", "financial_year", "fy_quarter", "offence_code")
        .len("crimes")
        .with_columns(pl.col("crimes").cast(pl.Int64))
    )
    return "\n".join(lines) + "\n", counts


def serving(paths: DataPaths) -> duckdb.DuckDBPyConnection:
    """The restricted file: exact counts (marts) and the ledger (meta)."""
    return duckdb.connect(str(paths.restricted_db), read_only=True)


def public(paths: DataPaths) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(paths.public_db), read_only=True)


# The foreign extract's run is the whole pipeline: its users are slow and share one worker
# (xdist_group), so the run happens once.
@pytest.fixture(scope="module")
def foreign_run(tmp_path_factory) -> DataPaths:
    data_dir = tmp_path_factory.mktemp("foreign") / "data"
    landing = data_dir / "landing" / "force_crimes"
    landing.mkdir(parents=True)
    text, _ = foreign_extract()
    (landing / "kent_wales_met_extract.csv").write_text(text, encoding="utf-8")
    run_pipeline(data_dir)
    return DataPaths(data_dir)


@pytest.mark.slow
@pytest.mark.xdist_group("foreign_run")
def test_foreign_extract_is_counted_exactly(foreign_run):
    _, expected = foreign_extract()
    with serving(foreign_run) as con:
        got = con.sql(
            "select force_code, financial_year, fy_quarter, offence_code, crimes "
            "from marts.fct_recorded_crime_quarterly"
        ).pl()
    keys = ["force_code", "financial_year", "fy_quarter", "offence_code"]
    assert got.sort(keys).to_dicts() == expected.sort(keys).to_dicts()


@pytest.mark.slow
@pytest.mark.xdist_group("foreign_run")
def test_dim_force_has_the_43_territorial_forces_with_reference_populations(foreign_run):
    reference = pl.read_csv(SEEDS_DIR / "ref_forces.csv", infer_schema=False).filter(
        pl.col("is_territorial") == "true"
    )
    with serving(foreign_run) as con:
        forces = con.sql(
            "select force_code, population from marts.dim_force where is_territorial"
        ).pl()
    assert forces.height == 43
    expected = dict(
        zip(reference["force_code"], reference["population_mid2023"].cast(int), strict=True)
    )
    assert dict(forces.iter_rows()) == expected


@pytest.mark.slow
@pytest.mark.xdist_group("foreign_run")
def test_foreign_run_leaves_no_identifier_behind(foreign_run):
    text, _ = foreign_extract()
    frame = pl.read_csv(text.encode(), infer_schema=False)
    secrets = set()
    for column in (
        "crime_ref",
        "victim_ref",
        "suspect_ref",
        "victim_name",
        "suspect_name",
        "victim_dob",
    ):
        secrets.update(frame[column].to_list())
    assert_no_secret_under(foreign_run, secrets)


def string_values_in(paths: DataPaths) -> tuple[set[str], list[str]]:
    """Every string value stored under the zones downstream of the archive, and files read."""
    values: set[str] = set()
    read: list[str] = []
    zones = [
        paths.raw,
        paths.quarantine,
        paths.ledger,
        paths.warehouse_db.parent,
        paths.public_db.parent,
        paths.releases,
        paths.exports,
    ]
    for zone in zones:
        if not zone.exists():
            continue
        for file in zone.rglob("*"):
            if not file.is_file():
                continue
            read.append(str(file))
            if file.suffix == ".parquet":
                frame = pl.read_parquet(file)
                for column, dtype in frame.schema.items():
                    if dtype == pl.String:
                        values.update(v for v in frame[column].drop_nulls().to_list())
            elif file.suffix == ".duckdb":
                with duckdb.connect(str(file), read_only=True) as con:
                    columns = con.execute(
                        "select schema_name, table_name, column_name from duckdb_columns() "
                        "where data_type = 'VARCHAR' and not internal"
                    ).fetchall()
                    for schema, table, column in columns:
                        rows = con.execute(
                            f'select distinct "{column}" from "{schema}"."{table}" '
                            f'where "{column}" is not null'
                        ).fetchall()
                        values.update(r[0] for r in rows)
            elif file.suffix in (".csv", ".html", ".json", ".txt"):
                values.add(file.read_text(errors="replace"))
    return values, read


WORD = re.compile(r"\w+")


def secrets_in_texts(secrets: set[str], texts: list[str]) -> set[str]:
    """The secrets whose words stand as a run of words in a text, whatever separates them there
    ("Jane Doe", "KNT-2024-000123"): one pass over each text's words, looking up the secrets
    that start with each word (a substring search of every secret in every text took
    minutes on the demo)."""
    starting: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for secret in secrets:
        words = tuple(WORD.findall(secret))
        if words:
            starting.setdefault(words[0], []).append((words, secret))
    found: set[str] = set()
    for text in texts:
        words = WORD.findall(text)
        for i, word in enumerate(words):
            for run, secret in starting.get(word, ()):
                if tuple(words[i : i + len(run)]) == run:
                    found.add(secret)
    return found


def assert_no_secret_under(paths: DataPaths, secrets: set[str]) -> None:
    secrets = {s for s in secrets if s and len(s) >= 5}
    values, read = string_values_in(paths)
    assert read, "nothing was read"
    leaked = {s for s in secrets if s in values}
    # Also inside longer texts (messages, HTML, CSV files).
    leaked |= secrets_in_texts(secrets, [v for v in values if len(v) > 40])
    assert not leaked, f"identifiers found downstream of ingest: {sorted(leaked)[:10]}"


@pytest.mark.xdist_group("demo_pipeline")
def test_demo_leaves_no_identifier_behind(demo_pipeline):
    """Names, dates of birth and raw references of every standard-profile CSV extract."""
    secrets: set[str] = set()
    for file in sorted((demo_pipeline.landing / "force_crimes").glob("*.csv"))[:60]:
        try:
            frame = pl.read_csv(file, infer_schema=False)
        except pl.exceptions.ComputeError:
            continue
        for column in (
            "crime_ref",
            "victim_ref",
            "suspect_ref",
            "victim_name",
            "suspect_name",
            "victim_dob",
        ):
            if column in frame.columns:
                secrets.update(frame[column].drop_nulls().to_list())
    assert len(secrets) > 1000
    assert_no_secret_under(demo_pipeline, secrets)


@pytest.mark.xdist_group("demo_pipeline")
def test_serving_files_hold_only_their_schemas(demo_pipeline):
    with public(demo_pipeline) as con:
        public_schemas = {
            r[0] for r in con.execute("select distinct schema_name from duckdb_tables()").fetchall()
        }
        synthetic = con.execute("select is_synthetic from release.release_info").fetchone()[0]
        # Coverage is submitted yes/no: no column that could hold a row count.
        coverage_types = dict(
            con.execute(
                "select column_name, data_type from duckdb_columns() "
                "where schema_name = 'release' and table_name = 'coverage'"
            ).fetchall()
        )
    with serving(demo_pipeline) as con:
        restricted_schemas = {
            r[0] for r in con.execute("select distinct schema_name from duckdb_tables()").fetchall()
        }
        ledger_balance = con.execute(
            "select count(*) from meta.ingest_ledger "
            "where rows_read != rows_accepted + rows_rejected"
        ).fetchone()[0]
    assert public_schemas == {"published", "reference", "release"}
    assert restricted_schemas == {"marts", "meta", "reference"}
    assert ledger_balance == 0
    assert synthetic is True
    assert coverage_types["submitted"] == "BOOLEAN"
    assert not [c for c, t in coverage_types.items() if t in ("BIGINT", "INTEGER", "HUGEINT")]


@pytest.mark.xdist_group("demo_pipeline")
def test_every_source_lands_in_its_marts(demo_pipeline):
    with serving(demo_pipeline) as con:
        counts = {
            table: con.execute(f"select count(*) from marts.{table}").fetchone()[0]
            for table in (
                "fct_recorded_crime_quarterly",
                "fct_outcomes_quarterly",
                "fct_spo_quarterly",
                "fct_prosecutions_quarterly",
                "fct_courses_of_conduct_yearly",
                "fct_helpline_monthly",
                "fct_advocacy_monthly",
                "home_office_recorded_crime",
                "ons_pfa_recorded_crime",
                "reconciliation_home_office",
                "force_comparisons",
            )
        }
        profiles = {
            r[0]
            for r in con.execute(
                "select distinct profile from meta.ingest_ledger where status = 'accepted'"
            ).fetchall()
        }
    assert all(n > 0 for n in counts.values()), counts
    # The demo exercises every profile shipped (national standard and legacy).
    shipped = {p.stem for p in (PROJECT_ROOT / "ingest" / "profiles").glob("*.yaml")}
    assert shipped <= profiles, shipped - profiles


@pytest.mark.xdist_group("dagster_definitions")
def test_definitions_load_with_assets_checks_sensor_schedule(dagster_facts):
    keys = set(dagster_facts["assets"])
    for key in (
        "raw/force_crimes",
        "raw/ons_pfa_tables",
        "serving/snapshot",
        "ingest/ledger",
        "marts/force_comparisons",
        "marts/fct_recorded_crime_quarterly",
        "published/force_comparisons",
    ):
        assert key in keys
    assert dagster_facts["checks"] >= 8
    assert "full_pipeline" in dagster_facts["jobs"]
    assert "landing_sensor" in dagster_facts["sensors"]
    assert "quarterly_publication" in dagster_facts["schedules"]


def test_workspace_yaml_loads_the_code_location(tmp_path):
    """What `dagster dev -w workspace.yaml` loads, checked without starting the UI."""
    dagster = str(PROJECT_ROOT / ".venv" / "bin" / "dagster")
    result = subprocess.run(
        [dagster, "definitions", "validate", "-w", "workspace.yaml"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=pipeline_env(tmp_path / "data", DAGSTER_HOME=str(tmp_path)),
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]


@pytest.mark.slow
def test_resubmission_replaces_the_period_and_is_flagged(tmp_path):
    data_dir = tmp_path / "data"
    landing = data_dir / "landing" / "force_crimes"
    landing.mkdir(parents=True)
    first = [
        f"Kent,R-{i},2025-05-0{1 + i % 5},8Q,,V-{i},,,F,,,stranger,N,N,Y,high,N,0,"
        for i in range(12)
    ]
    (landing / "kent_q1_v1.csv").write_text(STANDARD_HEADER + "\n" + "\n".join(first) + "\n")
    run_pipeline(data_dir)
    # The force sends Q1 again: two crimes reclassified as harassment, one more stalking.
    second = [r.replace(",8Q,", ",8L,") if i < 2 else r for i, r in enumerate(first)]
    second.append("Kent,R-99,2025-06-01,8Q,,V-99,,,F,,,stranger,N,N,Y,high,N,0,")
    (landing / "kent_q1_v2.csv").write_text(STANDARD_HEADER + "\n" + "\n".join(second) + "\n")
    run_pipeline(data_dir)
    with duckdb.connect(str(data_dir / "serving" / "restricted.duckdb"), read_only=True) as con:
        cells = {
            r[0]: (r[1], r[2])
            for r in con.execute(
                "select offence_code, crimes, is_revised from marts.fct_recorded_crime_quarterly"
            ).fetchall()
        }
        statuses = dict(con.execute("select file_name, status from meta.ingest_ledger").fetchall())
    assert cells == {"8Q": (11, True), "8L": (2, True)}
    assert statuses == {"kent_q1_v1.csv": "superseded", "kent_q1_v2.csv": "accepted"}


@pytest.mark.slow
@pytest.mark.xdist_group("foreign_run")
def test_same_file_twice_changes_nothing(foreign_run):
    before = sorted(p.name for p in foreign_run.ledger.glob("*.parquet"))
    text, _ = foreign_extract()
    (foreign_run.landing / "force_crimes" / "same_bytes_again.csv").write_text(text)
    run_pipeline(foreign_run.root)
    after = sorted(p.name for p in foreign_run.ledger.glob("*.parquet"))
    # Every arrival is recorded: the copy as a duplicate of the first, changing nothing.
    (added,) = set(after) - set(before)
    record = pl.read_parquet(foreign_run.ledger / added).row(0, named=True)
    assert (record["status"], record["duplicate_of"] in {p[:-8] for p in before}) == (
        "duplicate",
        True,
    )
    test_foreign_extract_is_counted_exactly(foreign_run)


def test_a_test_not_marked_slow_may_not_run_the_pipeline(tmp_path):
    # make test-fast stays fast: the harness refuses, by the test's name, before any run.
    with pytest.raises(pytest.fail.Exception, match="is not marked slow"):
        run_pipeline(tmp_path / "data")
    assert not (tmp_path / "data").exists()
