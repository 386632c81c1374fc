"""The audit's relations for advocacy (publish/disclosure/relations.py): a service's total over
the force areas it serves has its own code (X00000001) and sums that service's force-area
rows, never K04000001 (England and Wales); a month lands in its April-March financial
year."""

from __future__ import annotations

import polars as pl

from publish.disclosure.relations import (
    COUNTS,
    SERVICE_AREAS_TOTAL,
    TOTAL,
    Relations,
    financial_year_of_month,
)

FORCES = ["E23000001", "E23000002"]


def test_months_fall_in_april_to_march_years():
    months = pl.DataFrame({"month": ["2024-03", "2024-04", "2025-12", "2026-01", "1999-06"]})
    years = months.select(financial_year_of_month(pl.col("month")))["month"].to_list()
    assert years == ["2023/24", "2024/25", "2025/26", "2025/26", "1999/00"]


def _advocacy() -> pl.DataFrame:
    """One month: service A serves both forces, service B one; their totals and everyone's."""
    rows = [
        ("A", FORCES[0], 6),
        ("A", FORCES[1], 7),
        ("A", SERVICE_AREAS_TOTAL, 13),
        ("B", FORCES[0], 5),
        ("B", SERVICE_AREAS_TOTAL, 5),
        ("All services", TOTAL, 18),
    ]
    measures = COUNTS["fct_advocacy_monthly"][1]
    return pl.DataFrame(
        {
            "month": ["2025-05"] * len(rows),
            "service_name": [r[0] for r in rows],
            "force_code": [r[1] for r in rows],
            **{m: [r[2] for r in rows] for m in measures},
            **{f"{m}_marker": [None] * len(rows) for m in measures},
        },
        schema_overrides={f"{m}_marker": pl.Utf8 for m in measures},
    )


def _equations(terms: pl.DataFrame, prefix: str) -> dict[str, dict[str, float]]:
    chosen = terms.filter(pl.col("eq").str.starts_with(prefix))
    return {
        eq: dict(group.select("cell", "coeff").iter_rows())
        for (eq,), group in chosen.group_by("eq")
    }


def test_a_service_total_sums_its_own_force_areas_under_its_own_code():
    table = "fct_advocacy_monthly"
    keys, measures = COUNTS[table]
    frame = _advocacy()
    relations = Relations({table: frame}, FORCES)
    # As build_relations forms them: per month and service, the service's own total.
    relations.across_forces(
        table,
        keys,
        measures,
        ["month", "service_name"],
        frame.filter(pl.col("service_name") != "All services"),
        SERVICE_AREAS_TOTAL,
    )
    terms = pl.concat(relations.terms)
    across = _equations(terms, "fct_advocacy_monthly~across|referrals_received|")
    cell = "fct_advocacy_monthly|referrals_received|2025-05|{}|{}".format
    assert across == {
        "fct_advocacy_monthly~across|referrals_received|2025-05|A": {
            cell("A", SERVICE_AREAS_TOTAL): 1.0,
            cell("A", FORCES[0]): -1.0,
            cell("A", FORCES[1]): -1.0,
        },
        "fct_advocacy_monthly~across|referrals_received|2025-05|B": {
            cell("B", SERVICE_AREAS_TOTAL): 1.0,
            cell("B", FORCES[0]): -1.0,
        },
    }
    # The England and Wales row is in none of them: a service's total is not a national one.
    assert not terms["cell"].str.contains(TOTAL, literal=True).any()


def test_the_default_total_is_england_and_wales():
    table = "fct_advocacy_monthly"
    keys, measures = COUNTS[table]
    frame = _advocacy().with_columns(
        force_code=pl.col("force_code").replace(SERVICE_AREAS_TOTAL, TOTAL)
    )
    relations = Relations({table: frame}, FORCES)
    relations.across_forces(table, keys, measures[:1], ["month", "service_name"])
    coefficients = dict(pl.concat(relations.terms).select("cell", "coeff").iter_rows())
    assert coefficients["fct_advocacy_monthly|referrals_received|2025-05|A|K04000001"] == 1.0
    assert coefficients["fct_advocacy_monthly|referrals_received|2025-05|A|E23000001"] == -1.0
