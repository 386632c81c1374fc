"""Published tables a researcher can add up (docs/WAREHOUSE.md, "Yearly tables" and "Periods
and area codes"), on the demo pipeline's serving files:
- every yearly count is the exact sum of its quarters (or months) from the restricted marts,
  wherever it is published, and is controlled as a cell of its own (a year can be shown when a
  quarter is suppressed);
- a total over areas that did not all submit is marked;
- every published count row says its period status, with [p] where reference.period_status
  says so;
- an advocacy service's total has its own code, never England and Wales;
- force_comparisons carries its period status and funnel method columns.
"""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from publish.disclosure.relations import COUNTS, SERVICE_AREAS_TOTAL, TOTAL, YEARLY_OF

# yearly table -> the mart its counts sum, and how a mart row finds its financial year.
MARTS = {
    "fct_recorded_crime_yearly": "fct_recorded_crime_quarterly",
    "fct_outcomes_yearly": "fct_outcomes_quarterly",
    "fct_stalking_response_yearly": "fct_stalking_response_quarterly",
    "fct_spo_yearly": "fct_spo_quarterly",
    "fct_prosecutions_yearly": "fct_prosecutions_quarterly",
    "fct_helpline_yearly": "fct_helpline_monthly",
    "fct_advocacy_yearly": "fct_advocacy_monthly",
}


def _read(path, sql: str) -> pl.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.sql(sql).pl()


@pytest.fixture(scope="module")
def territorial(demo_pipeline) -> list[str]:
    forces = _read(
        demo_pipeline.public_db, "select force_code from published.dim_force where is_territorial"
    )
    return forces["force_code"].to_list()


def exact_years(restricted_db, yearly: str, territorial: list[str]) -> pl.DataFrame:
    """The yearly table's rows recomputed from the marts' exact counts: force rows, and the
    K04000001 total over the territorial forces (per service for advocacy: X00000001)."""
    keys, measures = COUNTS[yearly]
    mart = MARTS[yearly]
    year = "financial_year"
    if "month" in COUNTS[YEARLY_OF[yearly][0]][0]:
        year = "(select c.financial_year from reference.calendar as c where c.month = m.month)"
    other = [k for k in keys if k != "financial_year"]
    frame = _read(
        restricted_db,
        f"select {', '.join(other)}, {year} as financial_year, "
        + ", ".join(f"sum({m})::bigint as {m}" for m in measures)
        + f" from marts.{mart} as m group by all",
    )
    # National totals are per the other keys (per channel only for the helpline).
    by = [k for k in keys if k not in ("force_code", "region_code")]
    total_code = SERVICE_AREAS_TOTAL if yearly == "fct_advocacy_yearly" else TOTAL
    totals = (
        frame.filter(pl.col("force_code").is_in(territorial))
        .group_by(by)
        .agg(pl.col(m).sum() for m in measures)
        .with_columns(force_code=pl.lit(total_code))
    )
    if "region_code" in keys:
        totals = totals.with_columns(region_code=pl.lit(None, dtype=pl.Utf8))
    if "service_name" in keys:  # and the all-services total for England and Wales
        everyone = (
            totals.group_by("financial_year")
            .agg(pl.col(m).sum() for m in measures)
            .with_columns(service_name=pl.lit("All services"), force_code=pl.lit(TOTAL))
        )
        totals = pl.concat([totals, everyone.select(totals.columns)])
    return pl.concat([frame, totals.select(frame.columns)])


@pytest.mark.parametrize("yearly", list(MARTS))
def test_yearly_counts_are_exact_sums_controlled_as_cells_of_their_own(
    demo_pipeline, territorial, yearly
):
    keys, measures = COUNTS[yearly]
    published = _read(demo_pipeline.public_db, f"select * from published.{yearly}")
    exact = exact_years(demo_pipeline.restricted_db, yearly, territorial)
    joined = published.join(exact, on=keys, how="left", suffix="_exact", nulls_equal=True)
    assert joined.height == published.height
    for measure in measures:
        shown = joined.filter(pl.col(f"{measure}_marker").is_null())
        wrong = shown.filter(pl.col(measure).ne_missing(pl.col(f"{measure}_exact")))
        assert wrong.is_empty(), f"{yearly}.{measure}: published year differs from exact sum"
        assert not shown[measure].is_between(1, 4).any()
        assert joined.filter(pl.col(f"{measure}_marker") == "[c]")[measure].null_count() == (
            joined.filter(pl.col(f"{measure}_marker") == "[c]").height
        )
    assert (published["force_code"] == TOTAL).any(), f"{yearly}: no England and Wales rows"


def test_a_year_is_shown_where_one_of_its_quarters_is_suppressed(demo_pipeline):
    """Not a sum of suppressed quarters: some published years hold a suppressed quarter."""
    years = _read(
        demo_pipeline.public_db,
        """
        select count(*) as shown_over_holes
        from published.fct_recorded_crime_yearly as y
        where y.crimes_marker is null and exists (
            select 1 from published.fct_recorded_crime_quarterly as q
            where q.force_code = y.force_code and q.offence_code = y.offence_code
              and q.financial_year = y.financial_year and q.crimes_marker = '[c]')
        """,
    )
    assert years["shown_over_holes"][0] > 0


def test_a_total_over_areas_that_did_not_all_submit_is_marked(demo_pipeline, territorial):
    spo = _read(demo_pipeline.public_db, "select * from published.fct_spo_yearly")
    coverage = _read(
        demo_pipeline.public_db,
        """
        select c.submitter as force_code, cal.financial_year, bool_and(c.submitted) as all_in
        from release.coverage as c
        inner join reference.calendar_quarters as cal on cal.quarter_label = c.period
        where c.source = 'force_spos'
        group by all
        """,
    )
    forces = spo.filter(pl.col("force_code") != TOTAL).join(
        coverage, on=["force_code", "financial_year"], how="inner"
    )
    assert forces.height > 0
    assert (forces["all_areas_submitted"] == forces["all_in"]).all()
    expected = (
        coverage.filter(pl.col("force_code").is_in(territorial))
        .group_by("financial_year")
        .agg(pl.col("all_in").all())
    )
    totals = spo.filter(pl.col("force_code") == TOTAL).join(expected, on="financial_year")
    assert totals.height > 0
    assert (totals["all_areas_submitted"] == totals["all_in"]).all()


def test_every_count_row_says_its_period_status(demo_pipeline):
    with duckdb.connect(str(demo_pipeline.public_db), read_only=True) as con:
        status = con.sql("select * from reference.period_status").pl()
        for table in COUNTS:
            if table.endswith("_monthly"):
                continue  # whole months; their yearly tables carry the year's status
            frame = con.sql(f"select * from published.{table}").pl()
            period_type = "financial_year" if table.endswith("_yearly") else "quarter"
            kind = "outcome_status" if table.startswith("fct_outcomes") else "status"
            on = ["financial_year"] + (["fy_quarter"] if period_type == "quarter" else [])
            expected = status.filter(pl.col("period_type") == period_type).select(
                *on, pl.col(kind).alias("expected")
            )
            checked = frame.join(expected, on=on, how="inner")
            assert checked.height == frame.height, table
            assert (checked["period_status"] == checked["expected"]).all(), table
            marked = checked["period_status_marker"].eq_missing("[p]")
            assert (marked == (checked["period_status"] != "complete")).all(), table
    # The demo holds a part year and provisional outcome quarters, so the markers are used.
    assert (status["status"] == "part_year").any()
    assert (status["outcome_status"] == "provisional").any()


def test_a_service_total_has_its_own_code(demo_pipeline):
    with duckdb.connect(str(demo_pipeline.public_db), read_only=True) as con:
        for table in ("fct_advocacy_monthly", "fct_advocacy_yearly"):
            codes = con.sql(
                f"select force_code, service_name = 'All services' as all_services, count(*) as n "
                f"from published.{table} where force_code in ('{TOTAL}', '{SERVICE_AREAS_TOTAL}') "
                "group by all"
            ).pl()
            assert set(codes.filter(pl.col("all_services"))["force_code"]) == {TOTAL}, table
            assert set(codes.filter(~pl.col("all_services"))["force_code"]) == {
                SERVICE_AREAS_TOTAL
            }, table
        kinds = dict(con.sql("select area_code, area_kind from reference.areas").fetchall())
        used = con.sql("select distinct force_code from published.fct_advocacy_monthly").fetchall()
    assert kinds[SERVICE_AREAS_TOTAL] == "service_areas_total"
    assert kinds[TOTAL] == "country_group"
    assert {code for (code,) in used} <= set(kinds)


def test_force_comparisons_carry_period_status_and_method(demo_pipeline):
    fc = _read(demo_pipeline.public_db, "select * from published.force_comparisons")
    marts = _read(
        demo_pipeline.restricted_db,
        "select metric_id, force_code, period_type, period, period_status, funnel_method, "
        "funnel_tau2, population_mid_year from marts.force_comparisons",
    )
    joined = fc.join(
        marts, on=["metric_id", "force_code", "period_type", "period"], suffix="_marts"
    )
    assert joined.height == fc.height
    assert (joined["period_status"] == joined["period_status_marts"]).all()
    assert (joined["funnel_method"] == joined["funnel_method_marts"]).all()
    marked = joined["period_status_marker"].eq_missing("[p]")
    assert (marked == (joined["period_status"] != "complete")).all()
    withheld = joined["funnel_parameters_marker"].eq_missing("[c]")
    assert joined.filter(withheld)["funnel_tau2"].null_count() == withheld.sum()
    shown = joined.filter(~withheld)
    assert shown["funnel_tau2"].eq_missing(shown["funnel_tau2_marts"]).all()
    assert joined["funnel_method"].null_count() == 0
    rates = joined.filter(pl.col("population_mid_year_marts").is_not_null())
    assert rates.height > 0
    assert (rates["population_mid_year"] == rates["population_mid_year_marts"]).all()
