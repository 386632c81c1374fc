"""The disclosure audit (STATISTICS.md, "Disclosure control"): every suppressed cell's range of
values consistent with everything the public release shows, solved with HiGHS.

The relations come from publish.disclosure.relations (written from the published rows only).
The suppressed cells are the unknowns; every published figure is a constant; counts are
non-negative, and a suppressed count is at least 1 (zeros are shown, so an outsider knows a
`[c]` is not zero; a suppressed true zero keeps 0 as its bound). The system is split into
independent blocks (connected components of unknowns sharing a relation) and each block's
cells are bounded by linear programs solved with HiGHS (highspy, the solver behind
scipy.optimize.linprog's "highs" method, used directly to re-solve from the last basis). Every LP
solution is a feasible point, so it widens the known range of every cell of its block; a
cell is only solved for when the points found so far do not already show it wide enough.

Pass: no suppressed count is determined exactly (its range holds one integer only), and every
primary cell (true value 1 to 4, or a count whose true value is not known) has a range at
least 5 wide. A withheld comparison figure (force_comparisons' numerator or denominator) is a
sum of counts: pinning it is no failure when every count in it stays protected (the counts
are cells of the same system), but one of 1 to 4 must keep a range 5 wide like a count.
Run it with `python -m publish.disclosure.audit` (STALKING_DATA_DIR) or through the Dagster
asset check; it writes <data dir>/warehouse/disclosure_audit.json.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import highspy
import numpy as np
import polars as pl
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from publish.disclosure.relations import TOTAL, System, build_relations, load_published

PRIMARY_LOW, PRIMARY_HIGH = 1, 4
MIN_PRIMARY_WIDTH = 5.0
# Relations built from derived statistics hold up to floating-point error.
RELATIVE_TOLERANCE = 1e-9
SIGNED_MEASURES = ("|difference|",)
DERIVED_PREFIX = "force_comparisons|"
AUDIT_FILE = "disclosure_audit.json"
# Only the objective changes between solves: the last basis stays primal feasible, so the
# primal simplex re-solves from it without presolve; one thread (the blocks are small).
HIGHS_OPTIONS = {
    "output_flag": False,
    "presolve": "off",
    "simplex_strategy": 4,
    "threads": 1,
}


@dataclass
class CellRange:
    cell: str
    low: float
    high: float
    true_value: float | None
    is_primary: bool
    is_derived: bool  # a comparison figure, a sum of counts
    solved: bool  # both bounds solved (else: the range found so far, a lower bound on width)

    @property
    def width(self) -> float:
        return self.high - self.low

    @property
    def is_exact(self) -> bool:
        """Only one integer is consistent with the release."""
        if math.isinf(self.high) or math.isinf(self.low):
            return False
        return math.floor(self.high + 1e-6) - math.ceil(self.low - 1e-6) < 1

    @property
    def fails(self) -> bool:
        exact = self.is_exact and not self.is_derived
        return exact or (self.is_primary and self.width < MIN_PRIMARY_WIDTH - 1e-6)


@dataclass
class AuditSummary:
    cells: int
    suppressed_cells: int
    primary_cells: int
    relations: int
    relations_with_unknowns: int
    blocks: int
    largest_block: int
    linear_programs: int
    exact_cells: int
    derived_cells: int
    narrow_primary_cells: int
    narrowest_primary_range: float | None
    seconds: float
    cpu_seconds: float
    passed: bool
    failures: list[dict] = field(default_factory=list)
    utility: list[dict] = field(default_factory=list)

    def to_json(self) -> str:
        def finite(value):
            return None if isinstance(value, float) and math.isinf(value) else value

        data = asdict(self)
        data["narrowest_primary_range"] = finite(data["narrowest_primary_range"])
        for failure in data["failures"]:
            failure["high"] = finite(failure["high"])
        return json.dumps(data, indent=2)

    def lines(self) -> list[str]:
        narrowest = self.narrowest_primary_range
        lines = [
            f"disclosure audit {'PASSED' if self.passed else 'FAILED'} in {self.seconds:.1f} s "
            f"({self.cpu_seconds:.1f} s CPU): "
            f"{self.suppressed_cells:,} suppressed of {self.cells:,} cells "
            f"({self.primary_cells:,} primary), {self.relations:,} relations "
            f"({self.relations_with_unknowns:,} with unknowns), {self.blocks:,} blocks "
            f"(largest {self.largest_block:,} cells), {self.linear_programs:,} LPs",
            f"exact cells: {self.exact_cells} (withheld comparison figures, sums of counts, held "
            f"to the primary rule only: {self.derived_cells}); primary cells narrower than "
            f"{MIN_PRIMARY_WIDTH:g}: {self.narrow_primary_cells}; narrowest primary range: "
            + ("none" if narrowest is None else f"{narrowest:.2f}"),
        ]
        for failure in self.failures[:20]:
            lines.append(
                f"  FAIL {failure['cell']}: [{failure['low']:.2f}, {failure['high']:.2f}]"
                f" true {failure['true_value']}"
            )
        for row in self.utility:
            lines.append(
                f"  shown {row['metric_id']:<32} {row['period_type']:<15} "
                f"{row['shown']:>5}/{row['cells']:<5} {100 * row['share']:5.1f}%"
            )
        return lines


def cell_lower_bounds(cells: pl.DataFrame, truth: dict[str, float]) -> np.ndarray:
    """What an outsider knows of each suppressed cell before any relation: a count is at least
    1 (a suppressed true zero: 0); a signed difference is unbounded."""
    lows = []
    for cell in cells["cell"]:
        if any(marker in cell for marker in SIGNED_MEASURES):
            lows.append(-np.inf)
        elif truth.get(cell) == 0:
            lows.append(0.0)
        elif cell.startswith(DERIVED_PREFIX):
            lows.append(0.0)  # a derived numerator or denominator may be zero
        else:
            lows.append(1.0)
    return np.array(lows, dtype=float)


def solve_ranges(system: System, truth: dict[str, float]) -> tuple[list[CellRange], dict]:
    """Every suppressed cell's feasible range; and counts of relations, blocks and LPs."""
    cells = system.cells
    unknown = cells.filter(pl.col("suppressed")).select("cell").with_row_index("var")
    terms = system.terms.join(
        cells.select("cell", "value", "suppressed"), on="cell", how="left"
    ).with_columns(pl.col("suppressed").fill_null(False), pl.col("value").fill_null(0.0))
    known = (
        terms.filter(~pl.col("suppressed"))
        .group_by("eq")
        .agg((pl.col("coeff") * pl.col("value")).sum().alias("known"))
    )
    unknown_terms = terms.filter(pl.col("suppressed")).join(unknown, on="cell")
    relations = terms["eq"].n_unique()
    eqs = (
        unknown_terms.select("eq")
        .unique(maintain_order=True)
        .join(known, on="eq", how="left")
        .join(system.constants, on="eq", how="left")
        .with_columns(
            rhs=pl.col("c").fill_null(0.0) - pl.col("known").fill_null(0.0),
            scale=pl.col("c").fill_null(0.0).abs() + pl.col("known").fill_null(0.0).abs(),
        )
        .with_row_index("row")
    )
    unknown_terms = unknown_terms.join(eqs.select("eq", "row"), on="eq")
    n_vars, n_rows = unknown.height, eqs.height
    matrix = sparse.csr_matrix(
        (
            unknown_terms["coeff"].to_numpy(),
            (unknown_terms["row"].to_numpy(), unknown_terms["var"].to_numpy()),
        ),
        shape=(n_rows, n_vars),
    )
    rhs = eqs["rhs"].to_numpy()
    tolerance = RELATIVE_TOLERANCE * (1.0 + eqs["scale"].to_numpy())
    names = unknown["cell"].to_list()
    lows = cell_lower_bounds(unknown, truth)
    true_values = np.array([truth.get(name, np.nan) for name in names], dtype=float)
    derived = np.array([name.startswith(DERIVED_PREFIX) for name in names])

    # Blocks: connected components of the bipartite graph of unknowns and relations.
    incidence = sparse.bmat([[None, matrix.T], [matrix, None]], format="csr")
    n_blocks, labels = connected_components(incidence, directed=False)
    var_labels = labels[:n_vars]
    row_labels = labels[n_vars:]
    order = np.argsort(var_labels, kind="stable")
    row_order = np.argsort(row_labels, kind="stable")
    var_starts = np.searchsorted(var_labels[order], np.arange(n_blocks + 1))
    row_starts = np.searchsorted(row_labels[row_order], np.arange(n_blocks + 1))

    ranges: list[CellRange] = []
    programs = 0
    largest = 0
    used_blocks = 0
    for block in range(n_blocks):
        block_vars = order[var_starts[block] : var_starts[block + 1]]
        if block_vars.size == 0:
            continue  # a relation with no unknowns
        used_blocks += 1
        largest = max(largest, block_vars.size)
        block_rows = row_order[row_starts[block] : row_starts[block + 1]]
        low, high, solved, lps = _block_ranges(
            matrix[block_rows][:, block_vars],
            rhs[block_rows],
            tolerance[block_rows],
            lows[block_vars],
            true_values[block_vars],
            derived[block_vars],
        )
        programs += lps
        for position, var in enumerate(block_vars):
            true_value = None if np.isnan(true_values[var]) else float(true_values[var])
            ranges.append(
                CellRange(
                    cell=names[var],
                    low=float(low[position]),
                    high=float(high[position]),
                    true_value=true_value,
                    is_primary=_is_primary(names[var], true_value),
                    is_derived=bool(derived[var]),
                    solved=bool(solved[position]),
                )
            )
    stats = {
        "relations": relations,
        "relations_with_unknowns": n_rows,
        "blocks": used_blocks,
        "largest_block": largest,
        "linear_programs": programs,
    }
    return ranges, stats


def _is_primary(cell: str, true_value: float | None) -> bool:
    if true_value is None:
        return not cell.startswith(DERIVED_PREFIX)  # unknown truth: protect it as primary
    return PRIMARY_LOW <= round(true_value) <= PRIMARY_HIGH


def _block_ranges(matrix, rhs, tolerance, lows, true_values, derived):
    """Bounds of each unknown of one block. Returns low, high, solved flags and the number of
    LPs solved. The range found so far starts at the true values (a feasible point) and widens
    with every LP solution; a cell is solved for only while it still looks too narrow. One
    HiGHS model per block, re-solved from the last basis as only the objective changes."""
    n = matrix.shape[1]
    start = np.where(np.isnan(true_values), lows, true_values)
    seen_low, seen_high = start.copy(), start.copy()
    low = np.full(n, np.nan)
    high = np.full(n, np.nan)
    primary = (np.round(true_values) >= PRIMARY_LOW) & (np.round(true_values) <= PRIMARY_HIGH)
    primary |= np.isnan(true_values) & ~derived
    # The width each cell must be shown to have: 5 for a primary, 1 (not exact) for a count,
    # nothing for another comparison figure.
    need = np.where(primary, MIN_PRIMARY_WIDTH, np.where(derived, 0.0, 1.0))
    highs = _highs_model(matrix, rhs, tolerance, lows)
    programs = 0
    cost = np.zeros(n)

    def solve(objective: np.ndarray) -> np.ndarray | None:
        """The optimum of objective . x; None when unbounded (or, defensively, failed)."""
        nonlocal programs
        programs += 1
        changed = np.flatnonzero((objective != cost) | (cost != 0))
        highs.changeColsCost(changed.size, changed.astype(np.int32), objective[changed])
        cost[:] = objective
        highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        x = np.asarray(highs.getSolution().col_value)
        seen_low[:] = np.minimum(seen_low, x)
        seen_high[:] = np.maximum(seen_high, x)
        return x

    # Two cheap witnesses: everything as large, and as small, as possible (unbounded above,
    # the first tells nothing; its cells are then solved one by one).
    for sign in (-1.0, 1.0):
        solve(np.full(n, sign))
    for i in np.argsort(~primary, kind="stable"):
        if seen_high[i] - seen_low[i] >= need[i] - 1e-6:
            continue
        objective = np.zeros(n)
        objective[i] = -1.0
        x = solve(objective)
        if x is None:
            high[i] = np.inf
            continue
        high[i] = x[i]
        if seen_high[i] - seen_low[i] >= need[i] - 1e-6:
            continue
        objective[i] = 1.0
        x = solve(objective)
        low[i] = x[i] if x is not None else seen_low[i]
    solved = ~np.isnan(low) & ~np.isnan(high)
    final_low = np.where(np.isnan(low), seen_low, low)
    final_high = np.where(np.isnan(high), seen_high, high)
    return final_low, final_high, solved, programs


def _highs_model(matrix, rhs, tolerance, lows) -> highspy.Highs:
    """rhs - tolerance <= matrix . x <= rhs + tolerance, x >= lows, zero objective."""
    columns = sparse.csc_matrix(matrix)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = columns.shape[1], columns.shape[0]
    lp.col_cost_ = np.zeros(lp.num_col_)
    lp.col_lower_ = np.where(np.isinf(lows), -highspy.kHighsInf, lows)
    lp.col_upper_ = np.full(lp.num_col_, highspy.kHighsInf)
    lp.row_lower_ = rhs - tolerance
    lp.row_upper_ = rhs + tolerance
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = columns.indptr.astype(np.int32)
    lp.a_matrix_.index_ = columns.indices.astype(np.int32)
    lp.a_matrix_.value_ = columns.data.astype(float)
    highs = highspy.Highs()
    for option, value in HIGHS_OPTIONS.items():
        highs.setOptionValue(option, value)
    highs.passModel(lp)
    return highs


def utility_shares(tables: dict[str, pl.DataFrame]) -> list[dict]:
    """Per metric and period type, the share of territorial force cells with a value (not
    [c]); years only when they hold four quarters (full financial years)."""
    fc = tables["force_comparisons"]
    territorial = tables["dim_force"].filter(pl.col("is_territorial"))["force_code"].to_list()
    fc = fc.filter(pl.col("force_code").is_in(territorial))
    full_years = (
        fc.filter(pl.col("period_type") == "quarter")
        .group_by("financial_year")
        .agg(pl.col("fy_quarter").n_unique().alias("quarters"))
        .filter(pl.col("quarters") == 4)["financial_year"]
        .to_list()
    )
    fc = fc.filter(
        (pl.col("period_type") != "financial_year") | pl.col("financial_year").is_in(full_years)
    )
    shares = (
        fc.group_by("metric_id", "period_type")
        .agg(
            pl.len().alias("cells"),
            (pl.col("value_marker") != "[c]").fill_null(True).sum().alias("shown"),
        )
        .with_columns(share=pl.col("shown") / pl.col("cells"))
        .sort("period_type", "metric_id")
    )
    return shares.to_dicts()


def load_truth(con) -> dict[str, float]:
    """The true value behind every published cell, keyed like the relations' cells: the
    disclosure positions (before suppression) and the comparison figures of marts."""
    positions = con.sql(
        "select table_name || '|' || measure || '|' || row_key as cell, "
        "cast(cell_value as double) as value from disclosure.disclosure_positions"
    ).pl()
    comparisons = con.sql(
        "select 'force_comparisons|' || role || '|' || metric_id || '|' || force_code || '|' "
        "|| period_type || '|' || period as cell, value from ("
        "  select metric_id, force_code, period_type, period, 'numerator' as role, "
        "  cast(numerator as double) as value from marts.force_comparisons "
        "  union all select metric_id, force_code, period_type, period, 'denominator', "
        "  cast(denominator as double) from marts.force_comparisons)"
    ).pl()
    difference = con.sql(
        "select 'reconciliation_home_office|difference|' || row_key as cell, "
        "cast(difference as double) as value from disclosure.disclosure_rows__reconciliation"
    ).pl()
    truth = pl.concat([positions, comparisons, difference]).drop_nulls("value")
    return dict(truth.unique("cell").iter_rows())


def audit_tables(tables: dict[str, pl.DataFrame], truth: dict[str, float]) -> AuditSummary:
    started, cpu_started = time.perf_counter(), time.process_time()
    system = build_relations(tables).system()
    ranges, stats = solve_ranges(system, truth)
    failures = sorted((r for r in ranges if r.fails), key=lambda r: (r.width, r.cell))
    primary = [r for r in ranges if r.is_primary]
    return AuditSummary(
        cells=system.cells.height,
        suppressed_cells=len(ranges),
        primary_cells=len(primary),
        exact_cells=sum(r.is_exact and not r.is_derived for r in ranges),
        derived_cells=sum(r.is_derived for r in ranges),
        narrow_primary_cells=sum(r.width < MIN_PRIMARY_WIDTH - 1e-6 for r in primary),
        narrowest_primary_range=min((r.width for r in primary), default=None),
        seconds=round(time.perf_counter() - started, 2),
        cpu_seconds=round(time.process_time() - cpu_started, 2),
        passed=not failures,
        failures=[
            {"cell": r.cell, "low": r.low, "high": r.high, "true_value": r.true_value}
            for r in failures[:100]
        ],
        utility=utility_shares(tables),
        **stats,
    )


def audit_warehouse(warehouse_db: Path) -> AuditSummary:
    """Audit the published schema of the warehouse file (what the next release will show)."""
    import duckdb

    with duckdb.connect(str(warehouse_db), read_only=True) as con:
        tables = load_published(con)
        truth = load_truth(con)
    return audit_tables(tables, truth)


def write_summary(summary: AuditSummary, warehouse_db: Path) -> Path:
    path = warehouse_db.parent / AUDIT_FILE
    path.write_text(summary.to_json() + "\n", encoding="utf-8")
    return path


def main() -> int:
    from ingest.settings import data_paths

    warehouse_db = data_paths().warehouse_db
    summary = audit_warehouse(warehouse_db)
    print("\n".join(summary.lines()))
    print(f"written to {write_summary(summary, warehouse_db)}")
    return 0 if summary.passed else 1


__all__ = ["TOTAL", "AuditSummary", "CellRange", "audit_tables", "audit_warehouse", "main"]

if __name__ == "__main__":
    raise SystemExit(main())
