"""The disclosure audit (STATISTICS.md, "Disclosure control"): every suppressed cell's range of
values consistent with everything the public release shows, solved with HiGHS.

The relations come from publish.disclosure.relations (written from the published rows only).
The suppressed cells are the unknowns; every published figure is a constant; counts are
non-negative, and a suppressed count is at least 1 (zeros are shown, so an outsider knows a
`[c]` is not zero; a suppressed true zero keeps 0 as its bound). The system is split into
independent blocks (connected components of unknowns sharing a relation) and each block's
cells are bounded by linear programs solved with HiGHS (highspy, the solver behind
scipy.optimize.linprog's "highs" method, used directly to re-solve from the last basis). Every LP
solution is a feasible point, so it widens the range seen for every cell of its block; a cell
is done once that range proves the rule. Witnesses push all open cells at once, then each
cell still open gets its own LPs, which are exact for every cell that fails
(docs/DISCLOSURE.md, "The audit"). A relation that the true values break is reported and
fails the audit.

Pass: every relation holds for the true values, no suppressed count is determined exactly
(its range holds one integer only), and every primary cell (true value 1 to 4, or a count
whose true value is not known) has a range at least 5 wide. A withheld comparison figure
(force_comparisons' numerator or denominator) is a sum of counts: pinning it is no failure
when every count in it stays protected (the counts are cells of the same system), but one of
1 to 4 must keep a range 5 wide like a count.
Run it with `python -m publish.disclosure.audit` (STALKING_DATA_DIR) or through the Dagster
asset check; it writes <data dir>/warehouse/disclosure_audit.json.
"""

from __future__ import annotations

import json
import logging
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

log = logging.getLogger(__name__)

PRIMARY_LOW, PRIMARY_HIGH = 1, 4
MIN_PRIMARY_WIDTH = 5.0
# Relations built from derived statistics hold up to floating-point error.
RELATIVE_TOLERANCE = 1e-9
# How far beyond that the true values may miss a relation before it counts as false (HiGHS's
# own primal feasibility tolerance).
FEASIBILITY_SLACK = 1e-7
SIGNED_MEASURES = ("|difference|",)
DERIVED_PREFIX = "force_comparisons|"
AUDIT_FILE = "disclosure_audit.json"
# Witnesses run until this many in a row each prove fewer than this share of the open cells
# (and never fewer than WITNESS_MIN_PROVED), or WITNESS_MAX_ROUNDS have run in the block; the
# cell LPs then settle what is left. A witness moves every open cell's bound, so a run of
# witnesses proving one cell each is far slower than the cell LPs (it once took 30 minutes on
# one block of the demo that the cell LPs settle in seconds).
WITNESS_STALL_ROUNDS = 3
WITNESS_MIN_SHARE = 0.01
WITNESS_MIN_PROVED = 2
WITNESS_MAX_ROUNDS = 100
# A failing release is reported with the exact range of this many failing cells (as many as
# the JSON keeps); cells still open after that are counted as unresolved, with no witnesses
# or cell LPs spent on them (the release has failed already).
MAX_EXACT_FAILURES = 100
# Each solve changes the objective and a few bounds: re-solved from the last basis without
# presolve; one thread (the blocks are small).
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
    # Left undecided because the release had already failed on MAX_EXACT_FAILURES cells.
    unresolved: bool = False

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
        if self.unresolved:
            return False  # not shown to fail; counted apart, and the release fails anyway
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
    false_relations: list[str]  # relations the true values break (a defect of the model)
    exact_cells: int
    derived_cells: int
    narrow_primary_cells: int
    unresolved_cells: int
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
        if self.unresolved_cells:
            lines.append(
                f"cells left unresolved after {MAX_EXACT_FAILURES} failing cells were found "
                f"(the release fails either way): {self.unresolved_cells}"
            )
        if self.false_relations:
            lines.append(
                f"relations the true values break (the audit's model of the release is wrong, "
                f"so it cannot pass): {len(self.false_relations)}, e.g. "
                + ", ".join(self.false_relations[:5])
            )
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
    # Unknowns and relations in a fixed order (by name), so the same release always gets the
    # same LPs: the witnesses' random signs go to the same cells, HiGHS sees the same rows.
    unknown = cells.filter(pl.col("suppressed")).select("cell").sort("cell").with_row_index("var")
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
        .unique()
        .sort("eq")
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

    # A relation the true values break is not one the data obeys: the relations' model of the
    # release is wrong there, and its block would be infeasible. It is left out of the LPs and
    # reported; the audit cannot pass while any remains (a correct version of it may disclose).
    known_truth = np.nan_to_num(true_values)
    residual = matrix @ known_truth - rhs
    complete = np.asarray(
        (abs(matrix) @ np.isnan(true_values).astype(float)) == 0, dtype=bool
    ).ravel()
    broken = complete & (np.abs(residual) > tolerance + FEASIBILITY_SLACK)
    false_relations = eqs.filter(pl.Series(broken))["eq"].to_list()
    if broken.any():
        log.warning(
            "disclosure audit: %d relations do not hold for the true values, e.g. %s",
            len(false_relations),
            false_relations[:3],
        )
        keep = np.flatnonzero(~broken)
        matrix, rhs, tolerance = matrix[keep], rhs[keep], tolerance[keep]
        n_rows = keep.size

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
    failure_budget = [MAX_EXACT_FAILURES]  # exact failing cells still to find, over all blocks
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
        low, high, solved, unresolved, lps = _block_ranges(
            matrix[block_rows][:, block_vars],
            rhs[block_rows],
            tolerance[block_rows],
            lows[block_vars],
            true_values[block_vars],
            derived[block_vars],
            failure_budget,
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
                    unresolved=bool(unresolved[position]),
                )
            )
    stats = {
        "relations": relations,
        "relations_with_unknowns": n_rows,
        "blocks": used_blocks,
        "largest_block": largest,
        "linear_programs": programs,
        "false_relations": false_relations,
    }
    return ranges, stats


def _is_primary(cell: str, true_value: float | None) -> bool:
    if true_value is None:
        return not cell.startswith(DERIVED_PREFIX)  # unknown truth: protect it as primary
    return PRIMARY_LOW <= round(true_value) <= PRIMARY_HIGH


def _block_ranges(matrix, rhs, tolerance, lows, true_values, derived, failure_budget):
    """Bounds of each unknown of one block, as far as the rule needs them. Returns low, high,
    solved flags (both bounds exact) and the number of LPs solved.

    Every LP solution is a feasible point and widens the range seen for every cell of the
    block; a cell is done once the seen range proves it (5 wide for a primary, two integers
    for another count). First, witnesses: LPs whose objective pushes every open cell up or
    down (random signs and weights) with the cell's bound moved in to the value that would
    prove it, so no cell runs off at the expense of the others and no LP is unbounded (a
    point of the tighter system is a point of the real one). When witnesses stop proving
    cells, each open cell is solved on its own, again with only its own bound moved in to
    its target: an optimum short of the target is its exact bound, so every failing cell
    gets its exact range, up to failure_budget[0] failing cells over the whole audit (then the
    release has failed, and cells still open are left unresolved)."""
    started = time.perf_counter()
    n = matrix.shape[1]
    primary = (np.round(true_values) >= PRIMARY_LOW) & (np.round(true_values) <= PRIMARY_HIGH)
    primary |= np.isnan(true_values) & ~derived
    highs = _highs_model(matrix, rhs, tolerance, lows)
    programs = 0
    cost = np.zeros(n)
    upper = np.full(n, np.inf)
    bounds = (lows.copy(), upper.copy())  # the column bounds the model holds now

    def solve(objective: np.ndarray, col_lower: np.ndarray, col_upper: np.ndarray):
        """The optimum of objective . x within the given column bounds (each within the real
        ones); a solver failure is an error, never a pass."""
        nonlocal programs
        programs += 1
        changed = np.flatnonzero((objective != cost) | (cost != 0))
        highs.changeColsCost(changed.size, changed.astype(np.int32), objective[changed])
        cost[:] = objective
        changed = np.flatnonzero((col_lower != bounds[0]) | (col_upper != bounds[1]))
        highs.changeColsBounds(
            changed.size, changed.astype(np.int32), col_lower[changed], col_upper[changed]
        )
        bounds[0][changed], bounds[1][changed] = col_lower[changed], col_upper[changed]
        highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            highs.clearSolver()  # numerical trouble from a warm start: solve once afresh
            highs.run()
        status = highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(
                f"disclosure audit: HiGHS returned {highs.modelStatusToString(status)}"
            )
        x = np.asarray(highs.getSolution().col_value)
        seen_low[:] = np.minimum(seen_low, x)
        seen_high[:] = np.maximum(seen_high, x)
        return x

    # A feasible point to start from: the true values (or, if any is unknown, any point).
    if np.isnan(true_values).any():
        seen_low, seen_high = np.full(n, np.inf), np.full(n, -np.inf)
        point = solve(np.zeros(n), lows, upper)
    else:
        point = true_values.copy()
        seen_low, seen_high = point.copy(), point.copy()

    def targets():
        """For each cell, the value above (below) which the seen range would prove it."""
        up = np.where(primary, seen_low + MIN_PRIMARY_WIDTH, np.ceil(seen_low - 1e-6) + 1)
        down = np.where(primary, seen_high - MIN_PRIMARY_WIDTH, np.floor(seen_high + 1e-6) - 1)
        # Never tighter than the starting point, which keeps every bounded system feasible.
        return np.maximum(up, point), np.maximum(np.minimum(down, point), lows)

    def is_open() -> np.ndarray:
        width = seen_high - seen_low
        integers = np.floor(seen_high + 1e-6) - np.ceil(seen_low - 1e-6)
        proven = np.where(primary, width >= MIN_PRIMARY_WIDTH - 1e-6, derived | (integers >= 1))
        return ~proven

    rng = np.random.default_rng(0)  # reproducible witnesses
    # Once the release has failed on MAX_EXACT_FAILURES cells, a block's open cells are only
    # counted (unresolved), so no witness is spent on them.
    stalled = 0 if failure_budget[0] > 0 else WITNESS_STALL_ROUNDS
    while (
        (open_ := is_open()).any()
        and stalled < WITNESS_STALL_ROUNDS
        and programs < WITNESS_MAX_ROUNDS
    ):
        cells = np.flatnonzero(open_)
        sign = rng.choice((-1.0, 1.0), cells.size)
        up_target, down_target = targets()
        col_lower, col_upper = lows.copy(), upper.copy()
        rising, falling = cells[sign > 0], cells[sign < 0]
        col_upper[rising] = up_target[rising]
        col_lower[falling] = down_target[falling]
        objective = np.zeros(n)
        objective[cells] = -sign * rng.uniform(0.5, 1.5, cells.size)  # HiGHS minimises
        solve(objective, col_lower, col_upper)
        proved = cells.size - int(is_open().sum())
        log.debug("block of %d: witness %d proved %d of %d open", n, programs, proved, cells.size)
        enough = max(WITNESS_MIN_PROVED, WITNESS_MIN_SHARE * cells.size)
        stalled = stalled + 1 if proved < enough else 0

    witnesses = programs
    low = np.full(n, np.nan)
    high = np.full(n, np.nan)
    unresolved = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(is_open())[np.argsort(~primary[is_open()], kind="stable")]:
        if not is_open()[i]:
            continue
        if failure_budget[0] <= 0:
            unresolved[i] = True
            continue
        objective = np.zeros(n)
        col_upper = upper.copy()
        col_upper[i] = targets()[0][i]
        objective[i] = -1.0
        x = solve(objective, lows, col_upper)
        if x[i] < col_upper[i] - 1e-6:
            high[i] = x[i]  # short of the target: the exact maximum
        if not is_open()[i]:
            continue
        col_lower = lows.copy()
        col_lower[i] = targets()[1][i]
        objective[i] = 1.0
        x = solve(objective, col_lower, upper)
        if x[i] > col_lower[i] + 1e-6 or col_lower[i] == lows[i]:
            low[i] = x[i]
        if is_open()[i]:
            failure_budget[0] -= 1  # both bounds exact and still short of the rule: it fails
    log.debug(
        "block of %d: %d witnesses, %d cell LPs, %.1f s",
        n,
        witnesses,
        programs - witnesses,
        time.perf_counter() - started,
    )
    solved = ~np.isnan(low) & ~np.isnan(high)
    final_low = np.where(np.isnan(low), seen_low, low)
    final_high = np.where(np.isnan(high), seen_high, high)
    return final_low, final_high, solved, unresolved, programs


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
        exact_cells=sum(r.fails and r.is_exact and not r.is_derived for r in ranges),
        derived_cells=sum(r.is_derived for r in ranges),
        narrow_primary_cells=sum(r.fails and r.is_primary for r in ranges),
        unresolved_cells=sum(r.unresolved for r in ranges),
        narrowest_primary_range=min((r.width for r in primary if not r.unresolved), default=None),
        seconds=round(time.perf_counter() - started, 2),
        cpu_seconds=round(time.process_time() - cpu_started, 2),
        passed=not failures
        and not stats["false_relations"]
        and not any(r.unresolved for r in ranges),
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
