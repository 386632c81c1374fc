"""Secondary suppression by least information lost, solved with HiGHS (docs/DISCLOSURE.md).

The published cells and the additive relations between them (disclosure_groups: each group is
sum(coefficient * cell) = 0) form one linear system. A primary cell (a count of 1 to 4) is
protected when the system, with every suppressed cell unknown, admits values for it spread over
at least PROTECTION_WIDTH: the pattern must leave a direction y (a change of the suppressed
cells that keeps every relation) moving the primary up by PROTECTION_WIDTH while no cell falls
below 1 (an outsider knows a [c] is not zero). For each primary in turn, one LP finds the
cheapest such direction (the network-flow heuristic of cell suppression, Kelly, Golden and
Assad 1992; tau-Argus's "hypercube" alternative protects less for more): cells already
suppressed cost nothing, any other cell costs its information loss per unit of change, and
the cells the direction moves join the suppression. A direction found for one primary that
moves another by the width protects that one too, without another LP. Independent blocks
(connected components of cells sharing a group) are solved separately, one HiGHS model per
block re-solved from its last basis.

Information lost by suppressing a cell: (1 + its value) x its weight; weight WEIGHT_TOTAL for
national totals (they carry the national values) and WEIGHT_HEADLINE for the inputs of the
headline comparison metrics, 1 otherwise; zeros are never suppressed as complements.
"""

from __future__ import annotations

import highspy
import numpy as np
import polars as pl
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from publish.disclosure.relations import SERVICE_AREAS_TOTAL, TOTAL

PRIMARY_LOW, PRIMARY_HIGH = 1, 4
PROTECTION_WIDTH = 5.0
WEIGHT_TOTAL = 20.0
WEIGHT_HEADLINE = 5.0
# Cells feeding published.force_comparisons' headline metrics: suppressing them withholds a
# metric, so they cost more than cells only shown in their own table.
HEADLINE_PREFIXES = (
    "fct_stalking_response_quarterly|",
    "fct_spo_quarterly|applications|",
    "fct_spo_quarterly|granted|",
    "fct_spo_quarterly|refused|",
    "fct_prosecutions_quarterly|convictions|",
    "fct_prosecutions_quarterly|prosecutions_completed|",
    "fct_helpline_monthly|contacts|",
    "fct_helpline_monthly|answered|",
    "fct_recorded_crime_quarterly|crimes|",
)
# Total rows: England and Wales, and an advocacy service's total over the areas it serves.
TOTAL_MARKERS = tuple(f"|{code}|" for code in (TOTAL, SERVICE_AREAS_TOTAL))
EPSILON = 1e-7


def information_loss(cell_ids: list[str], values: np.ndarray) -> np.ndarray:
    weights = np.ones(len(cell_ids))
    for i, cell_id in enumerate(cell_ids):
        if any(marker in f"|{cell_id}|" for marker in TOTAL_MARKERS):
            weights[i] = WEIGHT_TOTAL
        elif cell_id.startswith(HEADLINE_PREFIXES):
            weights[i] = WEIGHT_HEADLINE
    return (1.0 + values) * weights


def choose_suppression(cells: pl.DataFrame, groups: pl.DataFrame) -> pl.DataFrame:
    """cells: cell_id, cell_value; groups: group_id, cell_id, coefficient. Returns cell_id,
    cell_value, is_primary, is_suppressed and suppression_pass (0 primary, 1 secondary, NULL
    published)."""
    cells = cells.unique("cell_id").sort("cell_id").with_row_index("col")
    values = cells["cell_value"].fill_null(0).cast(pl.Float64).to_numpy()
    primary = (values >= PRIMARY_LOW) & (values <= PRIMARY_HIGH)
    terms = (
        groups.join(cells.select("cell_id", "col"), on="cell_id")
        .group_by("group_id", "col")
        .agg(pl.col("coefficient").sum())
        .filter(pl.col("coefficient").abs() > EPSILON)
        # group_by's order varies from run to run; the LPs' row order decides between
        # equally cheap complements, so it is fixed here (two runs, one pattern).
        .sort("group_id", "col")
    )
    rows = terms.select("group_id").unique(maintain_order=True).with_row_index("row")
    terms = terms.join(rows, on="group_id")
    n_cells, n_rows = cells.height, rows.height
    matrix = sparse.csr_matrix(
        (
            terms["coefficient"].cast(pl.Float64).to_numpy(),
            (terms["row"].to_numpy(), terms["col"].to_numpy()),
        ),
        shape=(n_rows, n_cells),
    )
    suppressed = primary.copy()
    cost = information_loss(cells["cell_id"].to_list(), values)

    incidence = sparse.bmat([[None, matrix.T], [matrix, None]], format="csr")
    n_blocks, labels = connected_components(incidence, directed=False)
    cell_labels, row_labels = labels[:n_cells], labels[n_cells:]
    cell_order = np.argsort(cell_labels, kind="stable")
    row_order = np.argsort(row_labels, kind="stable")
    cell_starts = np.searchsorted(cell_labels[cell_order], np.arange(n_blocks + 1))
    row_starts = np.searchsorted(row_labels[row_order], np.arange(n_blocks + 1))
    for block in range(n_blocks):
        block_cells = cell_order[cell_starts[block] : cell_starts[block + 1]]
        if not primary[block_cells].any():
            continue
        block_rows = row_order[row_starts[block] : row_starts[block + 1]]
        if block_rows.size == 0:
            continue  # a cell in no relation: suppressing it is enough
        suppressed[block_cells] = _protect_block(
            matrix[block_rows][:, block_cells],
            values[block_cells],
            cost[block_cells],
            primary[block_cells],
        )
    return cells.select(
        "cell_id",
        "cell_value",
        is_primary=pl.Series(primary),
        is_suppressed=pl.Series(suppressed),
        suppression_pass=pl.when(pl.Series(primary))
        .then(0)
        .when(pl.Series(suppressed))
        .then(1)
        .otherwise(None)
        .cast(pl.Int32),
    )


def _protect_block(matrix, values, cost, primary) -> np.ndarray:
    """The suppression of one block: primaries plus the complements their directions move.
    Columns 0..n-1 are the upward changes u, n..2n-1 the downward changes v (y = u - v)."""
    n = values.size
    suppressed = primary.copy()
    down_room = np.maximum(values - 1.0, 0.0)  # no suppressed cell below 1
    up_room = np.where(values > 0, highspy.kHighsInf, 0.0)  # zeros are not complements
    up_room[primary] = highspy.kHighsInf
    highs = _flow_model(matrix, np.where(suppressed, 0.0, cost), up_room, down_room)
    protected = np.zeros(n, dtype=bool)
    # Smallest primaries first: they need the largest moves; ties by position (cell_id).
    for p in np.lexsort((np.arange(n), values)):
        if not primary[p] or protected[p]:
            continue
        highs.changeColBounds(int(p), PROTECTION_WIDTH, float(up_room[p]))
        highs.run()
        status = highs.getModelStatus()
        highs.changeColBounds(int(p), 0.0, float(up_room[p]))
        if status != highspy.HighsModelStatus.kOptimal:
            continue  # cannot be protected inside this block: the audit will say so
        x = np.asarray(highs.getSolution().col_value)
        direction = x[:n] - x[n:]
        moved = np.flatnonzero(np.abs(direction) > EPSILON)
        new = moved[~suppressed[moved]]
        if new.size:
            suppressed[new] = True
            zero = np.zeros(new.size)
            index = np.concatenate([new, new + n]).astype(np.int32)
            highs.changeColsCost(index.size, index, np.concatenate([zero, zero]))
        protected |= primary & (direction >= PROTECTION_WIDTH - 1e-6)
        protected[p] = True
    return suppressed


def _flow_model(matrix, cost, up_room, down_room) -> highspy.Highs:
    """min cost . (u + v) subject to matrix . (u - v) = 0, 0 <= u <= up_room, 0 <= v <=
    down_room."""
    block = sparse.hstack([matrix, -matrix], format="csc")
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = block.shape[1], block.shape[0]
    lp.col_cost_ = np.concatenate([cost, cost])
    lp.col_lower_ = np.zeros(lp.num_col_)
    lp.col_upper_ = np.concatenate([up_room, down_room])
    lp.row_lower_ = np.zeros(lp.num_row_)
    lp.row_upper_ = np.zeros(lp.num_row_)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = block.indptr.astype(np.int32)
    lp.a_matrix_.index_ = block.indices.astype(np.int32)
    lp.a_matrix_.value_ = block.data.astype(float)
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.passModel(lp)
    return highs
