"""The audit's relations for training coverage (publish/disclosure/relations.py): a force's
yearly training_coverage numerator and denominator are the sums of its specialist rows'
trained and in_scope cells in fct_training_yearly; e-learning rows, other forces and other
years are not in the equation."""

from __future__ import annotations

import polars as pl

from publish.disclosure.relations import Relations, add_training_equations

FORCE, OTHER = "E23000001", "E23000002"


def _training() -> pl.DataFrame:
    rows = [
        (FORCE, "2024/25", "specialist_codelivered", True, 40, 10),
        (FORCE, "2024/25", "specialist_internal", True, 60, 20),
        (FORCE, "2024/25", "elearning", False, 900, 800),
        (FORCE, "2023/24", "specialist_internal", True, 55, 5),
        (OTHER, "2024/25", "specialist_internal", True, 70, 30),
    ]
    names = ["force_code", "financial_year", "course_type", "is_specialist", "in_scope", "trained"]
    return pl.DataFrame(rows, schema=names, orient="row")


def _comparisons() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "metric_id": ["training_coverage", "training_coverage", "charge_rate"],
            "force_code": [FORCE, FORCE, FORCE],
            "period_type": ["financial_year", "quarter", "financial_year"],
            "period": ["2024/25", "2024/25 Q1", "2024/25"],
            "financial_year": ["2024/25"] * 3,
        }
    )


def test_coverage_sums_the_forces_specialist_cells_of_its_year():
    relations = Relations(
        {"fct_training_yearly": _training(), "force_comparisons": _comparisons()}, [FORCE, OTHER]
    )
    add_training_equations(
        relations, relations.t, ["metric_id", "force_code", "period_type", "period"]
    )
    terms = pl.concat(relations.terms)
    equations = {
        eq: dict(group.select("cell", "coeff").iter_rows()) for (eq,), group in terms.group_by("eq")
    }
    key = f"training_coverage|{FORCE}|financial_year|2024/25"
    row = f"{FORCE}|2024/25|{{}}".format
    assert equations == {
        f"fc_training|numerator|{key}": {
            f"force_comparisons|numerator|{key}": 1.0,
            "fct_training_yearly|trained|" + row("specialist_codelivered"): -1.0,
            "fct_training_yearly|trained|" + row("specialist_internal"): -1.0,
        },
        f"fc_training|denominator|{key}": {
            f"force_comparisons|denominator|{key}": 1.0,
            "fct_training_yearly|in_scope|" + row("specialist_codelivered"): -1.0,
            "fct_training_yearly|in_scope|" + row("specialist_internal"): -1.0,
        },
    }
