"""Disclosure control of the published schema (STATISTICS.md, "Disclosure control";
docs/DISCLOSURE.md), on the demo pipeline's serving file and warehouse:
- no count of 1 to 4 appears in any published table (every integer column is scanned except
  the ones listed in NOT_COUNTS, each with its reason);
- the audit (publish/disclosure/audit.py: every relation an outsider can form from the
  published rows, bounds by HiGHS) passes: no suppressed count determined exactly, every
  primary range at least 5 wide; and it is a real attacker: undoing one complement, or
  publishing the marts' region values, makes it fail (differencing, cross-table and derived
  statistics attacks);
- a second, simpler attacker (repeated substitution into any relation with one unknown)
  recovers nothing either;
- the Dagster check blocks: a release with a recoverable cell stops the run before anything
  downstream of the audit, and the public release is downstream of it in full_pipeline.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from orchestration.dbt_manifest import prepare_manifest
from publish.disclosure.audit import audit_tables, audit_warehouse, load_truth
from publish.disclosure.relations import (
    COUNTS,
    TOTAL,
    Relations,
    build_relations,
    cell_expr,
)
from publish.disclosure.relations import load_published as load_tables


def published_models() -> set[str]:
    """The tables dbt builds in the published schema (their aliases), from the manifest: the
    one list of what the public file holds."""
    manifest = json.loads(prepare_manifest().read_text())
    return {
        node["alias"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == "published"
    }


# Integer columns of published tables that are not counts under disclosure control.
NOT_COUNTS = {
    "dim_force": {
        "population": "resident population (public ONS estimate)",
        "households": "households (public ONS estimate)",
    },
    "funnel_limits": {"step": "grid step 0..59"},
    "fct_outcomes_quarterly": {"outcome_type": "Home Office outcome type code"},
    "force_comparisons": {
        "funnel_units": "forces in the funnel",
        "quarters_in_period": "quarters the period covers, 1 to 4",
        "population_mid_year": "mid-year of the population estimate",
    },
    "home_office_recorded_crime": {"offences": "already published by the Home Office"},
    "ons_pfa_recorded_crime": {
        "offences": "already published by ONS",
        "population": "resident population (public ONS estimate)",
    },
    "survey_against_records": {
        "population_base": "the survey's published population base (adults aged 16 and over)",
        "recorded_crimes": "the Home Office's published counts, summed (already public)",
    },
    # Issue 18 item 5: places a service's funding pays for, and months of data, not people.
    "service_funding_yearly": {"caseload_capacity": "cases the funded posts can hold at once"},
    "service_demand_capacity_yearly": {
        "caseload_capacity": "cases the funded posts can hold at once",
        "months_of_data": "months of the year with published advocacy figures, 1 to 12",
        # Demand read from published fct_advocacy_monthly: a cell copied, or a sum of cells
        # all shown (withheld when any is), so no new cell: tests/test_service_funding.py.
        "referrals_received": "sum of published advocacy cells, withheld when any one is",
        "waiting_list_end": "a published advocacy cell, copied with its marker",
        "open_cases_end": "a published advocacy cell, copied with its marker",
    },
    # MASIPs (issue 18 item 3): programme facts and reference figures, no counts of people.
    "masip_coverage": {
        "funded_places": "a programme's capacity (perpetrator cases a year), as returned",
        "forces_returned": "a count of forces, not of people",
        "forces_with_programme": "a count of forces, not of people",
        "population": "resident population (public ONS estimate)",
        "population_covered": "resident population (public ONS) of areas with a programme",
    },
    "reconciliation_home_office": {
        "home_office_offences": "already published by the Home Office",
        "difference": "a signed difference from a public count, not a count",
    },
}
INTEGER_TYPES = {
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
}


# ------------------------------------------------------------ the substitution attacker ----


def substitute(
    relations: Relations, reveal: set[str] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Solve every equation with exactly one unknown until none is left. Returns the
    recovered suppressed cells and all cells."""
    cells = pl.concat(relations.cells).unique("cell", keep="first")
    if reveal:
        cells = cells.with_columns(
            suppressed=pl.col("suppressed") & ~pl.col("cell").is_in(list(reveal))
        )
    terms = pl.concat(relations.terms).filter(pl.col("coeff").abs() > 1e-12)
    terms = terms.group_by("eq", "cell").agg(pl.col("coeff").sum())
    terms = terms.filter(pl.col("coeff").abs() > 1e-12)
    constants = (
        pl.concat(relations.constants).group_by("eq").agg(pl.col("c").sum())
        if relations.constants
        else pl.DataFrame(schema={"eq": pl.Utf8, "c": pl.Float64})
    )
    # Cells with no published row are zero (a known value); suppressed cells are unknown.
    known = cells.select(
        "cell",
        pl.when(pl.col("suppressed"))
        .then(None)
        .otherwise(pl.col("value").fill_null(0.0))
        .alias("value"),
    )
    unknown = set(cells.filter(pl.col("suppressed"))["cell"].to_list())
    recovered: dict[str, float] = {}
    while True:
        joined = (
            terms.join(known, on="cell", how="left")
            .with_columns(
                is_unknown=pl.col("cell").is_in(list(unknown - recovered.keys())),
            )
            .with_columns(
                value=pl.when(pl.col("is_unknown"))
                .then(None)
                .otherwise(pl.col("value").fill_null(0.0)),
            )
        )
        solvable = (
            joined.group_by("eq")
            .agg(
                pl.col("is_unknown").sum().alias("unknowns"),
                (pl.col("coeff") * pl.col("value")).sum().alias("known_sum"),
                pl.col("cell").filter(pl.col("is_unknown")).first().alias("target"),
                pl.col("coeff").filter(pl.col("is_unknown")).first().alias("target_coeff"),
            )
            .filter(pl.col("unknowns") == 1)
            .join(constants, on="eq", how="left")
            .with_columns(
                solved=(pl.col("c").fill_null(0.0) - pl.col("known_sum")) / pl.col("target_coeff")
            )
            .sort("eq")
            .unique("target", keep="first")
        )
        if solvable.is_empty():
            break
        for target, value in solvable.select("target", "solved").iter_rows():
            recovered[target] = value
        known = pl.concat(
            [
                known.filter(~pl.col("cell").is_in(solvable["target"].to_list())),
                solvable.select(pl.col("target").alias("cell"), pl.col("solved").alias("value")),
            ]
        )
    recovered_frame = pl.DataFrame(
        {"cell": list(recovered), "value": list(recovered.values())},
        schema={"cell": pl.Utf8, "value": pl.Float64},
    )
    return recovered_frame, cells


def load_published(serving_db: Path) -> dict[str, pl.DataFrame]:
    with duckdb.connect(str(serving_db), read_only=True) as con:
        return load_tables(con)


# ------------------------------------------------------------------------------ tests ----


@pytest.fixture(scope="module")
def published(demo_pipeline) -> dict[str, pl.DataFrame]:
    return load_published(demo_pipeline.public_db)


@pytest.mark.xdist_group("demo_pipeline")
def test_published_schema_has_every_contract_table(demo_pipeline):
    with duckdb.connect(str(demo_pipeline.public_db), read_only=True) as con:
        tables = {
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'published'"
            ).fetchall()
        }
        schemas = {
            r[0] for r in con.execute("select distinct schema_name from duckdb_tables()").fetchall()
        }
    assert tables == published_models()
    assert "disclosure" not in schemas, "the disclosure working tables must never be served"


@pytest.mark.xdist_group("demo_pipeline")
def test_no_count_from_1_to_4_in_any_published_table(demo_pipeline):
    with duckdb.connect(str(demo_pipeline.public_db), read_only=True) as con:
        columns = con.execute(
            "select table_name, column_name, data_type from duckdb_columns() "
            "where schema_name = 'published' order by 1, 2"
        ).fetchall()
        scanned, small = [], {}
        for table, column, data_type in columns:
            exempt = NOT_COUNTS.get(table, {})
            counts_here = data_type in INTEGER_TYPES or (
                table == "force_comparisons" and column in ("numerator", "denominator")
            )
            if not counts_here or column in exempt:
                continue
            if table in COUNTS:
                assert data_type == "BIGINT", f"{table}.{column} is {data_type}, not BIGINT"
            found = con.execute(
                f'select count(*) from published.{table} where "{column}" between 1 and 4'
            ).fetchone()[0]
            scanned.append(f"{table}.{column}")
            if found:
                small[f"{table}.{column}"] = found
    assert not small, f"counts of 1 to 4 published: {small}"
    # Every integer column is either a controlled count or listed in NOT_COUNTS.
    expected = {f"{t}.{m}" for t, (_keys, measures) in COUNTS.items() for m in measures}
    expected |= {"force_comparisons.numerator", "force_comparisons.denominator"}
    assert set(scanned) == expected


@pytest.mark.xdist_group("demo_pipeline")
def test_markers_match_suppressed_counts_and_totals_exist(published):
    for table, (_keys, measures) in COUNTS.items():
        frame = published[table]
        if "force_code" in frame.columns:
            totals = frame.filter(pl.col("force_code") == TOTAL)
            assert totals.height > 0, f"{table}: no national totals"
            if table != "fct_advocacy_monthly":
                assert set(totals["area_label"]) == {"England and Wales"}
        for measure in measures:
            mismatch = frame.filter(
                pl.col(measure).is_null() != (pl.col(f"{measure}_marker") == "[c]").fill_null(False)
            )
            assert mismatch.is_empty(), f"{table}.{measure}: value and marker disagree"
    for table in ("fct_recorded_crime_quarterly", "fct_spo_quarterly"):
        frame = published[table]
        bad = frame.filter(
            pl.col("is_revised") != (pl.col("revised_marker") == "[r]").fill_null(False)
        )
        assert bad.is_empty()
    fc = published["force_comparisons"]
    withheld = fc.filter(pl.col("value_marker") == "[c]")
    for column in (
        "numerator",
        "denominator",
        "value",
        "ci95_low",
        "ci95_high",
        "ci998_low",
        "ci998_high",
        "funnel_z",
    ):
        assert withheld[column].null_count() == withheld.height, column
    assert (withheld["funnel_class"] == "insufficient_data").all()
    low = fc.filter(pl.col("value_marker") == "[u]")
    assert (low["numerator"] < 10).all()
    # Low counts are flagged [u] but still classed (exact tails, STATISTICS_METHODS.md): only
    # a row without a denominator is off the funnel.
    has_denominator = low["denominator"].fill_null(0) > 0
    assert (low.filter(has_denominator)["funnel_class"] != "insufficient_data").all()
    assert (low.filter(~has_denominator)["funnel_class"] == "insufficient_data").all()
    assert fc.filter(pl.col("value_marker").is_null(), pl.col("numerator") < 10).is_empty()


@pytest.mark.xdist_group("demo_pipeline")
def test_recovery_attack_recovers_no_suppressed_cell(published):
    attack = build_relations(published)
    recovered, cells = substitute(attack)
    suppressed = cells.filter(pl.col("suppressed"))
    assert suppressed.height > 100, "the demo should have plenty of suppression to attack"
    leaked = recovered.join(suppressed.select("cell"), on="cell", how="semi").with_columns(
        table=pl.col("cell").str.split("|").list.first()
    )
    counts = leaked.filter(pl.col("table").is_in(list(COUNTS)))
    assert counts.is_empty(), f"suppressed counts recovered by subtraction:\n{counts.head(20)}"
    # A comparison withholds its numerator and denominator together; the attacker can rebuild
    # the half built from published counts (a sum of published cells, nothing new), but never
    # a small count.
    comparisons = leaked.filter(pl.col("table") == "force_comparisons")
    assert set(leaked["table"]) <= {"force_comparisons"}
    assert comparisons.filter(pl.col("value").round().is_between(1, 4)).is_empty()
    terms = pl.concat(attack.terms)
    flags = cells.select(
        "cell",
        confidential=pl.col("suppressed") & ~pl.col("cell").str.starts_with("force_comparisons|"),
    )
    source_terms = terms.filter(pl.col("eq").str.starts_with("fc_source|"), pl.col("coeff") < 0)
    quarter_flags = (
        terms.filter(pl.col("eq").str.starts_with("fc_source|"), pl.col("coeff") > 0)
        .join(
            source_terms.join(flags, on="cell", how="left")
            .group_by("eq")
            .agg(pl.col("confidential").fill_null(False).any()),
            on="eq",
        )
        .select("cell", "confidential")
    )
    year_terms = terms.filter(pl.col("eq").str.starts_with("fc_year|"))
    year_flags = (
        year_terms.filter(pl.col("coeff") > 0)
        .join(
            year_terms.filter(pl.col("coeff") < 0)
            .join(quarter_flags, on="cell", how="left")
            .group_by("eq")
            .agg(pl.col("confidential").fill_null(False).any()),
            on="eq",
        )
        .select("cell", "confidential")
    )
    built_from_suppressed = comparisons.join(
        pl.concat([quarter_flags, year_flags]).filter(pl.col("confidential")), on="cell", how="semi"
    )
    assert built_from_suppressed.is_empty(), built_from_suppressed


@pytest.mark.xdist_group("demo_pipeline")
def test_recovery_attack_works_when_secondary_suppression_is_undone(warehouse_release):
    """The attacker is real: in each force-by-offence group whose national total is shown,
    reveal every suppressed force cell but one at its true value (as if only one cell had
    been suppressed) and the attacker recovers the last one exactly."""
    tables, truth = warehouse_release
    crimes = tables["fct_recorded_crime_quarterly"]
    keys = COUNTS["fct_recorded_crime_quarterly"][0]
    group = ["financial_year", "fy_quarter", "offence_code"]
    shown_totals = crimes.filter(pl.col("force_code") == TOTAL, pl.col("crimes_marker").is_null())
    suppressed = (
        crimes.filter(pl.col("crimes_marker") == "[c]", pl.col("force_code") != TOTAL)
        .join(shown_totals.select(group), on=group, how="semi")
        .with_columns(cell=cell_expr("fct_recorded_crime_quarterly", "crimes", keys))
    )
    assert suppressed.height > 0, "the demo should suppress force cells under shown totals"
    hidden = suppressed.sort("force_code").group_by(group).agg(pl.col("cell").first())["cell"]
    complement = (pl.col("crimes_marker") == "[c]") & ~pl.col("cell").is_in(hidden.to_list())
    complement = complement & pl.col("cell").is_in(suppressed["cell"].to_list())
    revealed = (
        crimes.with_columns(cell=cell_expr("fct_recorded_crime_quarterly", "crimes", keys))
        .with_columns(
            crimes=pl.when(complement)
            .then(pl.col("cell").replace_strict(truth, default=None, return_dtype=pl.Float64))
            .otherwise(pl.col("crimes"))
            .cast(crimes.schema["crimes"]),
            crimes_marker=pl.when(complement).then(None).otherwise(pl.col("crimes_marker")),
        )
        .drop("cell")
    )
    recovered, _ = substitute(build_relations({**tables, "fct_recorded_crime_quarterly": revealed}))
    got = dict(recovered.filter(pl.col("cell").is_in(hidden.to_list())).iter_rows())
    assert len(got) == len(hidden), f"recovered {len(got)} of {len(hidden)} lone cells"
    assert all(abs(value - truth[cell]) < 1e-6 for cell, value in got.items())


@pytest.mark.xdist_group("demo_pipeline")
def test_recovery_attack_would_succeed_through_unwithheld_region_values(demo_pipeline, published):
    """Negative control for the comparison rules: with the marts' region values put back (the
    1-4 rule alone), the attacker recovers suppressed counts of the count tables."""
    with duckdb.connect(str(demo_pipeline.restricted_db), read_only=True) as con:
        region = con.sql(
            "select metric_id, force_code, period_type, period, "
            "region_value as marts_region_value from marts.force_comparisons"
        ).pl()
    tables = dict(published)
    tables["force_comparisons"] = (
        published["force_comparisons"]
        .join(region, on=["metric_id", "force_code", "period_type", "period"])
        .with_columns(region_value=pl.col("marts_region_value"))
        .drop("marts_region_value")
    )
    recovered, cells = substitute(build_relations(tables))
    counts = cells.filter(
        pl.col("suppressed"), ~pl.col("cell").str.starts_with("force_comparisons|")
    )
    assert recovered.join(counts, on="cell", how="semi").height > 0


# ------------------------------------------------------------------------ the audit ----

OUTCOME_KEYS = COUNTS["fct_outcomes_quarterly"][0]


@pytest.fixture(scope="module")
def warehouse_release(demo_pipeline) -> tuple[dict[str, pl.DataFrame], dict[str, float]]:
    """The warehouse's published tables (what the next release shows) and the true values."""
    with duckdb.connect(str(demo_pipeline.warehouse_db), read_only=True) as con:
        return load_tables(con), load_truth(con)


def reveal_outcome_complements(tables: dict[str, pl.DataFrame], truth: dict[str, float]):
    """The release as if the outcomes' secondary suppression had not been made: every
    suppressed outcome cell whose true value is not 1 to 4 shown at its true value."""
    outcomes = tables["fct_outcomes_quarterly"].with_columns(
        true_value=cell_expr("fct_outcomes_quarterly", "outcomes", OUTCOME_KEYS).replace_strict(
            truth, default=None, return_dtype=pl.Float64
        )
    )
    complement = (pl.col("outcomes_marker") == "[c]") & ~pl.col("true_value").is_between(1, 4)
    revealed = outcomes.with_columns(
        outcomes=pl.when(complement)
        .then(pl.col("true_value").cast(pl.Int64))
        .otherwise(pl.col("outcomes")),
        outcomes_marker=pl.when(complement).then(None).otherwise(pl.col("outcomes_marker")),
    ).drop("true_value")
    assert outcomes.filter(complement).height > 0, "the demo should need outcome complements"
    return {**tables, "fct_outcomes_quarterly": revealed}


@pytest.mark.xdist_group("demo_pipeline")
def test_audit_passes_on_the_demo_release(demo_pipeline):
    summary = audit_warehouse(demo_pipeline.warehouse_db)
    print("\n".join(summary.lines()))
    assert summary.suppressed_cells > 100 and summary.primary_cells > 50
    assert summary.blocks > 10 and summary.relations > 1000
    assert summary.exact_cells == 0
    assert summary.narrowest_primary_range >= 5 - 1e-6  # the rule's own tolerance
    assert summary.passed
    shares = {(r["metric_id"], r["period_type"]) for r in summary.utility}
    assert ("stalking_rate", "financial_year") in shares
    # The pipeline ran the same audit before publishing, and the release says it passed.
    with duckdb.connect(str(demo_pipeline.public_db), read_only=True) as con:
        info = con.sql("select disclosure_audit_passed from release.release_info").fetchall()
    assert info == [(True,)]


@pytest.mark.xdist_group("demo_pipeline")
def test_audit_catches_differencing_once_complements_are_undone(warehouse_release):
    tables, truth = warehouse_release
    summary = audit_tables(reveal_outcome_complements(tables, truth), truth)
    assert not summary.passed
    failing = {f["cell"].split("|")[0] for f in summary.failures}
    # Outcomes against recorded crimes and across forces pin the primaries again.
    assert "fct_outcomes_quarterly" in failing


@pytest.mark.xdist_group("demo_pipeline")
def test_audit_catches_inversion_of_region_values(demo_pipeline, warehouse_release):
    """Region values over every force of a region, withheld ones included, published: the
    audit inverts them into the withheld forces' numerators (a derived-statistics attack)."""
    tables, truth = warehouse_release
    with duckdb.connect(str(demo_pipeline.warehouse_db), read_only=True) as con:
        region = con.sql(
            "select metric_id, force_code, period_type, period, "
            "region_value as marts_region_value from marts.force_comparisons"
        ).pl()
    fc = (
        tables["force_comparisons"]
        .join(region, on=["metric_id", "force_code", "period_type", "period"])
        .with_columns(region_value=pl.col("marts_region_value"), region_value_marker=None)
        .drop("marts_region_value")
    )
    summary = audit_tables({**tables, "force_comparisons": fc}, truth)
    assert not summary.passed
    assert any(not f["cell"].startswith("force_comparisons|") for f in summary.failures)


@pytest.mark.xdist_group("demo_pipeline")
def test_audit_catches_years_published_over_withheld_quarters(demo_pipeline, warehouse_release):
    """Every force's yearly comparison figures published at their exact counts while their
    quarters stay withheld: a year minus its published quarters gives the withheld one."""
    tables, truth = warehouse_release
    keys = ["metric_id", "force_code", "period_type", "period"]
    with duckdb.connect(str(demo_pipeline.warehouse_db), read_only=True) as con:
        exact = con.sql(
            f"select {', '.join(keys)}, numerator as exact_numerator, "
            "denominator as exact_denominator from marts.force_comparisons "
            "where period_type = 'financial_year'"
        ).pl()
    fc = tables["force_comparisons"].join(exact, on=keys, how="left")
    year = pl.col("exact_numerator").is_not_null()
    fc = fc.with_columns(
        numerator=pl.when(year).then(pl.col("exact_numerator")).otherwise(pl.col("numerator")),
        denominator=pl.when(year)
        .then(pl.col("exact_denominator"))
        .otherwise(pl.col("denominator")),
        numerator_marker=pl.when(year).then(None).otherwise(pl.col("numerator_marker")),
        denominator_marker=pl.when(year).then(None).otherwise(pl.col("denominator_marker")),
    ).drop("exact_numerator", "exact_denominator")
    assert (
        tables["force_comparisons"]
        .filter(pl.col("period_type") == "financial_year", pl.col("numerator_marker") == "[c]")
        .height
        > 0
    )
    summary = audit_tables({**tables, "force_comparisons": fc}, truth)
    assert not summary.passed


@pytest.mark.xdist_group("demo_pipeline")
def test_dagster_audit_check_blocks_what_follows(demo_pipeline, tmp_path):
    """A warehouse whose outcome complements were undone: the blocking check fails, the
    summary is written and logged, and an asset depending on the audit does not run."""
    from orchestration.defs.disclosure_assets import DISCLOSURE_AUDIT, disclosure_audit
    from orchestration.defs.resources import DataDirResource

    data_dir = tmp_path / "data"
    (data_dir / "warehouse").mkdir(parents=True)
    warehouse_db = data_dir / "warehouse" / "stalking.duckdb"
    shutil.copy(demo_pipeline.warehouse_db, warehouse_db)
    keys = " and ".join(f"p.{k} is not distinct from d.{k}" for k in OUTCOME_KEYS)
    with duckdb.connect(str(warehouse_db)) as con:
        con.execute(
            "update published.fct_outcomes_quarterly as p "
            "set outcomes = d.outcomes, outcomes_marker = null "
            f"from disclosure.disclosure_rows__outcomes as d where {keys} "
            "and p.outcomes_marker = '[c]' and d.outcomes not between 1 and 4"
        ).fetchall()

    @dg.asset(deps=[DISCLOSURE_AUDIT])
    def after_the_audit() -> int:
        return 1

    result = dg.materialize(
        [disclosure_audit, after_the_audit],
        resources={"data_dir": DataDirResource(root=str(data_dir))},
        raise_on_error=False,
    )
    evaluations = result.get_asset_check_evaluations()
    assert [e.passed for e in evaluations] == [False]
    assert not result.asset_materializations_for_node("after_the_audit")
    summary = (data_dir / "warehouse" / "disclosure_audit.json").read_text()
    assert '"passed": false' in summary


def test_publication_waits_for_the_audit():
    """The public release depends on the audit, and both are in the job every run uses."""
    from orchestration.definitions import defs
    from orchestration.defs.disclosure_assets import DISCLOSURE_AUDIT
    from orchestration.defs.jobs import full_pipeline
    from orchestration.defs.publish_assets import serving_snapshot

    assert DISCLOSURE_AUDIT in serving_snapshot.asset_deps[serving_snapshot.key]
    selected = full_pipeline.selection.resolve(defs.resolve_asset_graph())
    assert {DISCLOSURE_AUDIT, serving_snapshot.key} <= selected


@pytest.mark.xdist_group("demo_pipeline")
def test_published_funnel_parameters_come_from_published_figures_only(demo_pipeline):
    """phi over every force, withheld ones included, solves a withheld numerator (the issue's
    attack found 9): the public funnel's phi is computed over the published forces, so it
    equals the marts' only where no force of the funnel is withheld."""
    funnel = ["metric_id", "period_type", "period"]
    with duckdb.connect(str(demo_pipeline.public_db), read_only=True) as con:
        public = con.sql(
            "select distinct metric_id, period_type, period, funnel_phi as phi "
            "from published.funnel_limits"
        ).pl()
        withheld = con.sql(
            "select metric_id, period_type, period, bool_or(numerator is null) as any_withheld "
            "from published.force_comparisons group by all"
        ).pl()
    with duckdb.connect(str(demo_pipeline.restricted_db), read_only=True) as con:
        marts = con.sql(
            "select distinct metric_id, period_type, period, funnel_phi as phi "
            "from marts.funnel_limits"
        ).pl()
    both = public.join(marts, on=funnel, suffix="_marts").join(withheld, on=funnel)
    both = both.filter(pl.col("phi").is_not_null(), pl.col("phi_marts").is_not_null())
    complete = both.filter(~pl.col("any_withheld"))
    partial = both.filter(pl.col("any_withheld"))
    assert partial.height > 0, "the demo should have funnels with a withheld force"
    assert ((complete["phi"] - complete["phi_marts"]).abs() < 1e-9).all()
    # (a withheld force with no z in the marts, e.g. a zero denominator, changes nothing)
    assert ((partial["phi"] - partial["phi_marts"]).abs() > 1e-9).mean() > 0.5, partial
