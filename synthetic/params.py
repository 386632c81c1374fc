"""Each force's planted character: rates and shares drawn once per seed, independent of scale
and window, so a force keeps its character whatever volume or period is generated. Written to
synthetic_truth/force_parameters.csv: these are the "true" values the statistics should find.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from synthetic.common import ForceTable, stream
from synthetic.periods import FinancialQuarter

# National calibration (see docs/SYNTHETIC_DATA.md).
NATIONAL_SH_CRIMES_PER_YEAR = 600_000  # stalking and harassment subgroup, 43 forces, 2025/26
STALKING_RATE_RANGE = (1.5, 2.5)  # 8Q per 1,000 population a year
ANCHOR_QUARTER = FinancialQuarter(2025, 1)  # volumes above are for the year starting here
STALKING_TREND_PER_YEAR = 0.04  # recorded stalking keeps rising
HARASSMENT_TREND_PER_YEAR = -0.01
SEASON = {1: 1.04, 2: 1.03, 3: 0.98, 4: 0.95}  # summer peak in recorded crime


def force_parameters(seed: int, forces: ForceTable) -> pl.DataFrame:
    rng = stream(seed, "force_parameters")
    n = len(forces)
    pop = forces.population
    sh_factor = rng.lognormal(0.0, 0.2, n)
    sh_total = NATIONAL_SH_CRIMES_PER_YEAR * pop * sh_factor / (pop * sh_factor).sum()
    stalking_rate = rng.uniform(*STALKING_RATE_RANGE, n)
    stalking = pop * stalking_rate / 1000.0
    other = np.maximum(sh_total - stalking, 1.5 * stalking)
    share_8m = rng.uniform(0.03, 0.07, n)
    share_8r = rng.uniform(0.35, 0.50, n)
    share_8l = 1.0 - share_8m - share_8r
    has_masip = rng.random(n) < 0.7
    charge_8q = rng.uniform(0.05, 0.15, n)
    return pl.DataFrame(
        {
            "force_code": forces.codes,
            "population_mid2023": forces.frame["population_mid2023"],
            "stalking_rate_per_1000": stalking_rate.round(4),
            "stalking_per_year": stalking.round(2),
            "harassment_8l_per_year": (other * share_8l).round(2),
            "harassment_8m_per_year": (other * share_8m).round(2),
            "malicious_comms_8r_per_year": (other * share_8r).round(2),
            "course_crime_share": rng.uniform(0.05, 0.10, n).round(4),
            "course_recognised_share": rng.uniform(0.35, 0.70, n).round(4),
            "blank_suspect_share": rng.uniform(0.10, 0.25, n).round(4),
            "dob_missing_share": rng.uniform(0.03, 0.20, n).round(4),
            "screening_rate_stalking": rng.uniform(0.40, 0.90, n).round(4),
            "screening_rate_other": rng.uniform(0.02, 0.12, n).round(4),
            "charge_rate_stalking": charge_8q.round(4),
            "charge_rate_harassment": (charge_8q * rng.uniform(0.4, 0.8, n)).round(4),
            "has_masip": has_masip,
            "masip_rate_high_risk": np.where(has_masip, rng.uniform(0.15, 0.5, n), 0.0).round(4),
            "spo_applications_per_100_stalking": rng.uniform(1.0, 3.0, n).round(4),
            "spo_linked_share": rng.uniform(0.5, 0.85, n).round(4),
            "spo_grant_rate": rng.uniform(0.65, 0.9, n).round(4),
            "helpline_contacts_per_100k": rng.uniform(30.0, 60.0, n).round(3),
            "advocacy_referrals_per_100_stalking": rng.uniform(6.0, 15.0, n).round(3),
            "advocacy_funding_ratio": rng.uniform(0.6, 1.35, n).round(3),
        }
    )


def quarter_multiplier(quarter: FinancialQuarter, trend_per_year: float) -> float:
    """Trend and seasonal multiplier for a quarter, relative to the anchor year's average."""
    quarters_from_anchor = (quarter.fy_start - ANCHOR_QUARTER.fy_start) * 4 + (
        quarter.quarter - ANCHOR_QUARTER.quarter
    )
    trend = (1.0 + trend_per_year) ** ((quarters_from_anchor - 1.5) / 4.0)
    return trend * SEASON[quarter.quarter]
