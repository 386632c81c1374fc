"""Survey estimates (SOURCES.md §9): a national survey's estimate of the share of adults who
experienced stalking in the last 12 months, for each 12 months ending on a quarter's last month
that the window covers whole, with a 95% interval and the population base.

The values are synthetic: near the published order of magnitude (a few per cent of adults),
with a population base of the forces' residents aged 16 and over, scaled like every other
volume by --scale, so recorded crimes per estimated victim keep a realistic size in the demo.
"""

from __future__ import annotations

import polars as pl

from synthetic.common import ForceTable, stream
from synthetic.periods import FinancialQuarter

STANDARD_COLUMNS = (
    "survey",
    "period_end",
    "estimate_pct",
    "lower_pct",
    "upper_pct",
    "population_base",
)
ADULT_SHARE = 0.8  # residents aged 16 and over, roughly, in England and Wales
ESTIMATE_PCT = 2.8  # centre of the synthetic estimates
ESTIMATE_SD = 0.15
HALF_WIDTH_PCT = (0.2, 0.35)  # half-width of the synthetic 95% intervals


def generate_survey_estimates(
    seed: int, scale: float, forces: ForceTable, quarters: list[FinancialQuarter]
) -> pl.DataFrame:
    """One row per 12 months ending at the end of the 4th quarter of the window or later."""
    rng = stream(seed, "survey_estimates")
    adults = forces.population.sum() * ADULT_SHARE * scale
    rows = []
    for quarter in quarters[3:]:
        estimate = round(float(rng.normal(ESTIMATE_PCT, ESTIMATE_SD)), 1)
        half = round(float(rng.uniform(*HALF_WIDTH_PCT)), 1)
        rows.append(
            (
                "csew",
                f"{quarter.end:%Y-%m}",
                f"{estimate:.1f}",
                f"{estimate - half:.1f}",
                f"{estimate + half:.1f}",
                str(int(round(adults, -2))),
            )
        )
    return pl.DataFrame(rows, schema=list(STANDARD_COLUMNS), orient="row")
