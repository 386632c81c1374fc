"""The audit's relations for the yearly tables (publish/disclosure/relations.py): a year's cell
is its quarters' (or months') cells summed, same other keys, and a month lands in its
April-March financial year."""

from __future__ import annotations

import polars as pl

from publish.disclosure.relations import (
    COUNTS,
    YEARLY_OF,
    Relations,
    add_year_equations,
    financial_year_of_month,
)


def test_months_fall_in_april_to_march_years():
    months = pl.DataFrame({"month": ["2024-03", "2024-04", "2025-12", "2026-01", "1999-06"]})
    years = months.select(financial_year_of_month(pl.col("month")))["month"].to_list()
    assert years == ["2023/24", "2024/25", "2025/26", "2025/26", "1999/00"]


def test_every_yearly_table_keeps_its_periodic_keys_without_the_period():
    for yearly, (periodic, periods) in YEARLY_OF.items():
        keys, measures = COUNTS[yearly]
        periodic_keys, periodic_measures = COUNTS[periodic]
        assert keys[-1] == "financial_year"
        assert set(keys) == (set(periodic_keys) - set(periods)) | {"financial_year"}
        assert set(measures) <= set(periodic_measures)
    # Month-end caseloads are stocks: no yearly sum of them.
    assert "open_cases_end" not in COUNTS["fct_advocacy_yearly"][1]


def _empty(table: str) -> pl.DataFrame:
    keys, measures = COUNTS[table]
    return pl.DataFrame(
        schema={**dict.fromkeys(keys, pl.Utf8), **dict.fromkeys(measures, pl.Int64)}
    )


def test_a_year_equation_is_the_year_minus_each_of_its_quarters():
    tables = {t: _empty(t) for pair in YEARLY_OF.items() for t in (pair[0], pair[1][0])}
    tables["fct_spo_quarterly"] = pl.DataFrame(
        {
            "force_code": ["E23000001"] * 3,
            "financial_year": ["2025/26"] * 3,
            "fy_quarter": ["Q1", "Q2", "Q3"],
            **{m: [10, 20, 30] for m in COUNTS["fct_spo_quarterly"][1]},
        }
    )
    tables["fct_spo_yearly"] = pl.DataFrame(
        {
            "force_code": ["E23000001"],
            "financial_year": ["2025/26"],
            **{m: [60] for m in COUNTS["fct_spo_yearly"][1]},
        }
    )
    relations = Relations(tables, ["E23000001"])
    add_year_equations(relations, tables)
    terms = pl.concat(relations.terms)
    applications = terms.filter(
        pl.col("eq") == "fct_spo_yearly~year|applications|E23000001|2025/26"
    )
    coefficients = dict(applications.select("cell", "coeff").iter_rows())
    assert coefficients == {
        "fct_spo_yearly|applications|E23000001|2025/26": 1.0,
        "fct_spo_quarterly|applications|E23000001|2025/26|Q1": -1.0,
        "fct_spo_quarterly|applications|E23000001|2025/26|Q2": -1.0,
        "fct_spo_quarterly|applications|E23000001|2025/26|Q3": -1.0,
    }


def test_monthly_rows_join_the_year_of_their_month():
    tables = {t: _empty(t) for pair in YEARLY_OF.items() for t in (pair[0], pair[1][0])}
    keys, measures = COUNTS["fct_helpline_monthly"]
    tables["fct_helpline_monthly"] = pl.DataFrame(
        {
            "month": ["2025-03", "2025-04"],
            "force_code": ["E23000001"] * 2,
            "channel": ["phone"] * 2,
            "region_code": ["E12000001"] * 2,
            **{m: [5, 7] for m in measures},
        }
    )
    relations = Relations(tables, ["E23000001"])
    add_year_equations(relations, tables)
    terms = pl.concat(relations.terms).filter(pl.col("eq").str.contains("|contacts|", literal=True))
    by_year = dict(terms.select("cell", "eq").iter_rows())
    assert by_year["fct_helpline_monthly|contacts|2025-03|E23000001|phone|E12000001"].endswith(
        "2024/25"
    )
    assert by_year["fct_helpline_monthly|contacts|2025-04|E23000001|phone|E12000001"].endswith(
        "2025/26"
    )
