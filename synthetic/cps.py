"""CPS quarterly returns: per force, quarter and Protection from Harassment Act offence, built
from the police charges (outcome 1) the crime generator produced, so the two sources agree
roughly, as real ones do."""

from __future__ import annotations

import numpy as np
import polars as pl

from synthetic.common import ForceTable, stream
from synthetic.crimes import PHA_ACTS
from synthetic.periods import FinancialQuarter

STANDARD_COLUMNS = (
    "cps_area",
    "force_code",
    "financial_year",
    "fy_quarter",
    "offence_act",
    "pre_charge_decisions",
    "charged",
    "prosecutions_completed",
    "convictions",
)
CHARGE_CAPTURE = 0.95  # share of police charges the CPS return counts in the same quarter
EXTRA_CHARGES = 0.05  # charges from other routes (e.g. cases recorded outside the window)
PROSECUTION_SHARE = 0.92  # share of last quarter's charges whose prosecution completes


def generate_cps_returns(
    seed: int,
    forces: ForceTable,
    quarters: list[FinancialQuarter],
    police_charges: np.ndarray,
) -> pl.DataFrame:
    """`police_charges[force, quarter, act]`: crimes with outcome 1 (charged/summonsed) whose
    outcome date falls in the quarter, by the Act section charged (PHA_ACTS order)."""
    rng = stream(seed, "cps_returns")
    n_forces, n_quarters, n_acts = police_charges.shape
    areas = forces.frame["cps_area"].to_list()
    unique_areas = sorted(set(areas))
    area_index = np.array([unique_areas.index(a) for a in areas])
    no_charge_ratio = rng.uniform(0.25, 0.6, len(unique_areas))[area_index]
    conviction_rate = rng.uniform(0.70, 0.85, len(unique_areas))[area_index]

    charged = rng.binomial(police_charges, CHARGE_CAPTURE) + rng.poisson(
        EXTRA_CHARGES * police_charges + 0.02
    )
    pre_charge = charged + rng.poisson(no_charge_ratio[:, None, None] * charged + 0.05)
    previous = np.concatenate([charged[:, :1, :], charged[:, :-1, :]], axis=1)
    prosecutions = rng.binomial(previous, PROSECUTION_SHARE) + rng.poisson(0.05 * previous + 0.02)
    convictions = rng.binomial(prosecutions, conviction_rate[:, None, None])

    f_idx, q_idx, a_idx = np.meshgrid(
        np.arange(n_forces), np.arange(n_quarters), np.arange(n_acts), indexing="ij"
    )
    return pl.DataFrame(
        {
            "cps_area": np.asarray(areas, dtype=object)[f_idx.ravel()].tolist(),
            "force_code": np.asarray(forces.codes, dtype=object)[f_idx.ravel()].tolist(),
            "financial_year": [quarters[q].financial_year for q in q_idx.ravel()],
            "fy_quarter": [quarters[q].fy_quarter for q in q_idx.ravel()],
            "offence_act": [PHA_ACTS[a] for a in a_idx.ravel()],
            "pre_charge_decisions": pre_charge.ravel(),
            "charged": charged.ravel(),
            "prosecutions_completed": prosecutions.ravel(),
            "convictions": convictions.ravel(),
            "quarter_idx": q_idx.ravel(),
        }
    ).sort("quarter_idx", "cps_area", "force_code", "offence_act", maintain_order=True)
