"""The self-describing exports on a small public file built here (real DuckDB, real
frictionless validation): the CSV data package, Parquet key-value metadata, and the release
facts they carry (from release.release_info, or the fallback when it is absent)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from frictionless import validate

from publish import shorthand
from publish.exports.datapackage import DESCRIPTOR, export_datapackage
from publish.exports.parquet import export_parquet
from publish.exports.release import OGL_URL, read_release_info

C = shorthand.SUPPRESSED


def _public_file(path: Path, *, synthetic: bool | None = True, release: bool = False) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema published")
    con.execute(
        "create table published.fct_spo_quarterly (force_code varchar, financial_year varchar, "
        "fy_quarter varchar, applications bigint, applications_marker varchar, "
        "is_revised boolean)"
    )
    con.execute(
        "insert into published.fct_spo_quarterly values "
        "('E23000001', '2025/26', 'Q1', 12, null, false), "
        f"('E23000002', '2025/26', 'Q1', null, '{C}', false), "
        "('E23000003', '2025/26', 'Q2', 0, '[r]', true)"
    )
    con.execute("comment on table published.fct_spo_quarterly is 'One row per force and quarter.'")
    con.execute("comment on column published.fct_spo_quarterly.applications is 'SPO applications.'")
    con.execute(
        "create table published.dim_force (force_code varchar, population bigint, "
        "advocate_fte decimal(10, 2), share double, as_of date)"
    )
    con.execute(
        "insert into published.dim_force values ('E23000001', 1200, 2.50, 0.25, '2025-06-30')"
    )
    if synthetic is not None:
        con.execute("create schema meta")
        con.execute("create table meta.snapshot_info (key varchar, value varchar)")
        con.execute(
            "insert into meta.snapshot_info values ('published_at', '2026-11-30T09:00:00+00:00'),"
            f" ('contains_synthetic_data', '{synthetic}')"
        )
    if release:
        con.execute("create schema release")
        con.execute(
            "create table release.release_info as select '2026-Q2-r1' as release_id, "
            "timestamp '2026-12-01 09:30:00' as published_at, '2024/25 Q3 to 2026/27 Q2' as "
            "period_covered, date '2027-03-01' as next_release, 'Open Government Licence v3.0' as "
            "licence, 'Cite me as this.' as citation, 'false' as is_synthetic"
        )
    con.close()
    return path


def test_the_data_package_validates_and_describes_itself(tmp_path):
    public = _public_file(tmp_path / "public.duckdb")
    result = export_datapackage(public, tmp_path / "csv")
    assert result["rows"] == {"dim_force": 1, "fct_spo_quarterly": 3}
    report = validate(result["path"])
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = json.loads(Path(result["path"]).read_text())
    assert package["is_synthetic"] is True
    assert package["licenses"][0]["title"].lower().startswith("synthetic data")
    assert set(package["markers"]) == set(shorthand.MARKERS)
    spo = next(r for r in package["resources"] if r["name"] == "fct_spo_quarterly")
    assert spo["description"] == "One row per force and quarter."
    fields = {f["name"]: f for f in spo["schema"]["fields"]}
    assert fields["applications"] == {
        "name": "applications",
        "type": "integer",
        "description": "SPO applications.",
        "unit": "count",
    }
    assert fields["applications_marker"]["constraints"]["pattern"]
    assert fields["is_revised"]["type"] == "boolean"
    types = {f["name"]: f["type"] for r in package["resources"] for f in r["schema"]["fields"]}
    assert (types["advocate_fte"], types["share"], types["as_of"]) == ("number", "number", "date")
    # A suppressed count is an empty cell; its marker says why.
    lines = (tmp_path / "csv" / "fct_spo_quarterly.csv").read_text().splitlines()
    assert f"E23000002,2025/26,Q1,,{C},false" in lines


def test_validation_fails_on_a_marker_that_is_not_gss_shorthand(tmp_path):
    public = _public_file(tmp_path / "public.duckdb")
    result = export_datapackage(public, tmp_path / "csv")
    csv = tmp_path / "csv" / "fct_spo_quarterly.csv"
    csv.write_text(csv.read_text().replace(C, "suppressed"))
    report = validate(result["path"])
    assert not report.valid
    assert {row[0] for row in report.flatten(["type"])} == {"constraint-error"}


def test_a_release_with_release_info_names_itself_everywhere(tmp_path):
    public = _public_file(tmp_path / "public.duckdb", synthetic=False, release=True)
    package = json.loads(Path(export_datapackage(public, tmp_path / "csv")["path"]).read_text())
    assert (package["id"], package["is_synthetic"]) == ("2026-Q2-r1", False)
    assert package["licenses"] == [
        {"name": "OGL-UK-3.0", "path": OGL_URL, "title": "Open Government Licence v3.0"}
    ]
    assert package["citation"] == "Cite me as this."
    assert package["next_release"] == "1 March 2027"
    assert validate(tmp_path / "csv" / DESCRIPTOR).valid
    export_parquet(public, tmp_path / "parquet")
    metadata = {
        k.decode(): v.decode()
        for k, v in pq.read_schema(
            tmp_path / "parquet" / "fct_spo_quarterly.parquet"
        ).metadata.items()
    }
    assert metadata["release_id"] == "2026-Q2-r1"
    assert metadata["is_synthetic"] == "false"
    assert metadata["period_covered"] == "2024/25 Q3 to 2026/27 Q2"


def test_parquet_files_carry_their_descriptions(tmp_path):
    public = _public_file(tmp_path / "public.duckdb")
    (tmp_path / "parquet").mkdir()
    (tmp_path / "parquet" / "dropped_table.parquet").write_bytes(b"old")
    written = export_parquet(public, tmp_path / "parquet")
    assert set(written) == {"dim_force", "fct_spo_quarterly"}
    assert not (tmp_path / "parquet" / "dropped_table.parquet").exists()
    schema = pq.read_schema(tmp_path / "parquet" / "fct_spo_quarterly.parquet")
    metadata = {k.decode(): v.decode() for k, v in schema.metadata.items()}
    assert "release_id" not in metadata  # no release.release_info in this file
    assert metadata["is_synthetic"] == "true"
    assert metadata["licence"].lower().startswith("synthetic data")
    assert metadata["description"] == "One row per force and quarter."
    assert json.loads(metadata["column_descriptions"])["applications"] == "SPO applications."
    assert json.loads(metadata["column_units"]) == {"applications": "count"}
    assert set(json.loads(metadata["markers"])) == set(shorthand.MARKERS)
    table = pq.read_table(tmp_path / "parquet" / "fct_spo_quarterly.parquet")
    assert table.column("applications").to_pylist() == [12, None, 0]


@pytest.mark.parametrize(("synthetic", "expected"), [(True, True), (False, False), (None, True)])
def test_release_facts_fall_back_to_the_snapshot_and_then_to_synthetic(
    tmp_path, synthetic, expected
):
    public = _public_file(tmp_path / "public.duckdb", synthetic=synthetic)
    with duckdb.connect(str(public), read_only=True) as con:
        info = read_release_info(con)
    assert info.is_synthetic is expected
    assert info.release_id is None
    assert info.period_covered == "not recorded"  # this file has no recorded crime table
    assert info.citation.startswith("National stalking statistics warehouse (")
    if synthetic is not None:
        assert info.published_on == "30 November 2026"
