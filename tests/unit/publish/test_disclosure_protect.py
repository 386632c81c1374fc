"""Secondary suppression by least information lost (publish/disclosure/protect.py), checked
with the audit's own solver on small tables whose answer is known by hand."""

from __future__ import annotations

import polars as pl

from publish.disclosure.audit import solve_ranges
from publish.disclosure.protect import choose_suppression
from publish.disclosure.relations import System

# Three forces and England and Wales (N); SPO-like rows (applications = granted + refused) and
# a national total per column. Force A's 3 refused is the only count under 5.
SPO = {
    ("A", "applications"): 9,
    ("A", "granted"): 6,
    ("A", "refused"): 3,
    ("B", "applications"): 20,
    ("B", "granted"): 12,
    ("B", "refused"): 8,
    ("C", "applications"): 30,
    ("C", "granted"): 17,
    ("C", "refused"): 13,
    ("N", "applications"): 59,
    ("N", "granted"): 35,
    ("N", "refused"): 24,
}
MEASURES = ("applications", "granted", "refused")


def spo_groups() -> pl.DataFrame:
    rows = []
    for force in "ABCN":
        for measure in MEASURES:
            coefficient = 1 if measure == "applications" else -1
            rows.append((f"row_{force}", f"{force}_{measure}", coefficient))
    for measure in MEASURES:
        for force in "ABCN":
            rows.append((f"col_{measure}", f"{force}_{measure}", 1 if force == "N" else -1))
    return pl.DataFrame(rows, schema=["group_id", "cell_id", "coefficient"], orient="row")


def spo_cells(values: dict[tuple[str, str], int] = SPO) -> pl.DataFrame:
    return pl.DataFrame(
        {"cell_id": [f"{f}_{m}" for f, m in values], "cell_value": list(values.values())}
    )


def audit(cells: pl.DataFrame, groups: pl.DataFrame, suppressed: set[str]):
    """The audit's verdict on a pattern: the failing cells."""
    system = System(
        cells=cells.select(
            pl.col("cell_id").alias("cell"),
            pl.when(pl.col("cell_id").is_in(list(suppressed)))
            .then(None)
            .otherwise(pl.col("cell_value"))
            .cast(pl.Float64)
            .alias("value"),
            pl.col("cell_id").is_in(list(suppressed)).alias("suppressed"),
        ),
        terms=groups.select(
            pl.col("group_id").alias("eq"),
            pl.col("cell_id").alias("cell"),
            pl.col("coefficient").cast(pl.Float64).alias("coeff"),
        ),
        constants=pl.DataFrame(schema={"eq": pl.Utf8, "c": pl.Float64}),
    )
    truth = {c: float(v) for c, v in cells.select("cell_id", "cell_value").iter_rows()}
    ranges, _stats = solve_ranges(system, truth)
    return {r.cell for r in ranges if r.fails}


def test_primary_suppression_alone_fails_and_the_complements_protect():
    cells, groups = spo_cells(), spo_groups()
    assert audit(cells, groups, {"A_refused"}) == {"A_refused"}
    result = choose_suppression(cells, groups)
    suppressed = set(result.filter(pl.col("is_suppressed"))["cell_id"])
    assert "A_refused" in suppressed
    assert audit(cells, groups, suppressed) == set()
    # The cheapest protection is a rectangle of four cells inside the forces: the national
    # totals (which carry the national values) stay published.
    assert not {c for c in suppressed if c.startswith("N_")}
    assert len(suppressed) == 4
    passes = dict(result.select("cell_id", "suppression_pass").iter_rows())
    assert passes["A_refused"] == 0
    assert all(passes[c] == 1 for c in suppressed - {"A_refused"})
    assert all(passes[c] is None for c in set(passes) - suppressed)


def test_complements_are_the_smallest_cells_that_do_the_job():
    # B's row is the cheapest partner (8 + 12 against 13 + 17): information loss grows with
    # the value of a cell.
    result = choose_suppression(spo_cells(), spo_groups())
    suppressed = set(result.filter(pl.col("is_suppressed"))["cell_id"])
    assert suppressed == {"A_refused", "A_granted", "B_refused", "B_granted"}


def test_a_pair_of_small_cells_is_widened_beyond_the_primary_band():
    # A: 1 granted + 2 refused = 3 applications. Suppressing the row's cells alone would leave
    # granted in [1, 2]; the solver must also move applications (via the national column).
    values = dict(SPO)
    values.update(
        {
            ("A", "applications"): 3,
            ("A", "granted"): 1,
            ("A", "refused"): 2,
            ("N", "applications"): 53,
            ("N", "granted"): 30,
            ("N", "refused"): 23,
        }
    )
    cells, groups = spo_cells(values), spo_groups()
    assert audit(cells, groups, {"A_granted", "A_refused", "A_applications"})
    result = choose_suppression(cells, groups)
    suppressed = set(result.filter(pl.col("is_suppressed"))["cell_id"])
    assert audit(cells, groups, suppressed) == set()


def test_zeros_are_never_complements():
    # total 9 = 3 (primary) + 0 + 6: a suppressed zero would hide nothing (zeros are shown, so
    # an outsider knows a [c] is at least 1); the 6 is the complement: 3 + 6 = 9 leaves the 3
    # anywhere in [1, 8].
    cells = pl.DataFrame({"cell_id": ["t", "a", "z", "b"], "cell_value": [9, 3, 0, 6]})
    groups = pl.DataFrame(
        {"group_id": ["g"] * 4, "cell_id": ["t", "a", "z", "b"], "coefficient": [1, -1, -1, -1]}
    )
    result = choose_suppression(cells, groups)
    suppressed = set(result.filter(pl.col("is_suppressed"))["cell_id"])
    assert suppressed == {"a", "b"}
    assert audit(cells, groups, suppressed) == set()


def test_the_pattern_does_not_depend_on_the_order_relations_arrive_in():
    # B and C are equal, so either can protect A's 3: the choice between equally cheap
    # complements must not follow the row order of the relations (which varies run to run).
    tied = {**SPO, ("C", "applications"): 20, ("C", "granted"): 12, ("C", "refused"): 8}
    tied.update({("N", "applications"): 49, ("N", "granted"): 30, ("N", "refused"): 19})
    cells, groups = spo_cells(tied), spo_groups()
    patterns = set()
    for seed in range(12):
        shuffled = groups.sample(fraction=1.0, shuffle=True, seed=seed)
        chosen = choose_suppression(cells.sample(fraction=1.0, shuffle=True, seed=seed), shuffled)
        patterns.add(tuple(sorted(chosen.filter(pl.col("is_suppressed"))["cell_id"])))
    assert len(patterns) == 1, patterns
