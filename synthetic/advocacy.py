"""Advocacy caseload: a few independent stalking advocacy services per region, each serving one
or more force areas; monthly referrals, cases opened and closed, caseload and waiting list.
Where funded capacity is below demand the waiting list grows."""

from __future__ import annotations

import numpy as np
import polars as pl

from synthetic.common import ForceTable, stream
from synthetic.params import STALKING_TREND_PER_YEAR, quarter_multiplier
from synthetic.periods import FinancialQuarter

STANDARD_COLUMNS = (
    "service_name",
    "month",
    "force_code",
    "referrals_received",
    "cases_opened",
    "cases_closed",
    "open_cases_end",
    "waiting_list_end",
    "advocate_fte",
)
SERVICE_WORDS = (
    "Beacon",
    "Lantern",
    "Compass",
    "Harbour",
    "Waymark",
    "Keystone",
    "Anchor",
    "Northstar",
    "Bridge",
    "Haven",
    "Pathway",
    "Clearview",
    "Lighthouse",
    "Signpost",
    "Threshold",
)
CASES_PER_FTE = 25.0  # open cases one full-time advocate carries
MONTHLY_CLOSE_SHARE = 0.2  # cases last about five months
MONTHLY_WAITING_DROPOUT = 0.05
WARM_UP_MONTHS = 12  # simulated before the window so it opens in a steady state
FUNDING_CUT_SHARE = 0.25  # services whose funded posts are cut part-way through the window


def services(seed: int, forces: ForceTable) -> pl.DataFrame:
    """(service_name, force_code): each force is served by one service; a region has one to
    three services."""
    rng = stream(seed, "advocacy_services")
    rows = []
    words = list(rng.permutation(SERVICE_WORDS))
    word_i = 0
    regions = forces.frame.select("region_name").unique(maintain_order=True)["region_name"]
    for region in regions.to_list():
        region_forces = forces.frame.filter(pl.col("region_name") == region)["force_code"]
        n_services = int(min(region_forces.len(), rng.integers(1, 4)))
        shuffled = rng.permutation(region_forces.to_numpy())
        for i, code in enumerate(shuffled):
            word = words[(word_i + i % n_services) % len(words)]
            rows.append((f"{word} Stalking Advocacy - {region} (synthetic)", str(code)))
        word_i += n_services
    return pl.DataFrame(rows, schema=["service_name", "force_code"], orient="row").sort(
        "service_name", "force_code"
    )


def generate_advocacy(
    seed: int,
    scale: float,
    forces: ForceTable,
    params: pl.DataFrame,
    quarters: list[FinancialQuarter],
) -> pl.DataFrame:
    rng = stream(seed, "advocacy_caseload")
    served = services(seed, forces)
    force_pos = {code: i for i, code in enumerate(forces.codes)}
    idx = np.array([force_pos[c] for c in served["force_code"].to_list()])
    n_rows = idx.size
    stalking_per_month = params["stalking_per_year"].to_numpy()[idx] / 12 * scale
    referral_rate = params["advocacy_referrals_per_100_stalking"].to_numpy()[idx] / 100
    funding = params["advocacy_funding_ratio"].to_numpy()[idx]
    demand = stalking_per_month * referral_rate  # referrals a month at the anchor year

    # funded posts: enough to carry the expected caseload times the funding ratio
    fte = np.maximum(np.round(demand / MONTHLY_CLOSE_SHARE / CASES_PER_FTE * funding, 1), 0.1)
    months = [m for q in quarters for m in q.months]
    month_quarter = [q for q in quarters for _ in range(3)]
    n_months = len(months)
    cut_at = np.where(
        rng.random(n_rows) < FUNDING_CUT_SHARE, rng.integers(1, max(n_months, 2), n_rows), -1
    )
    open_cases = np.round(fte * CASES_PER_FTE * 0.9).astype(np.int64)
    waiting = np.zeros(n_rows, dtype=np.int64)
    out = []
    for m in range(-WARM_UP_MONTHS, n_months):
        quarter = month_quarter[max(m, 0)]
        trend = quarter_multiplier(quarter, STALKING_TREND_PER_YEAR)
        month_fte = np.where((cut_at >= 0) & (m >= cut_at), np.round(fte * 0.7, 1), fte)
        capacity = np.floor(month_fte * CASES_PER_FTE).astype(np.int64)
        referrals = rng.poisson(demand * trend)
        closed = rng.binomial(open_cases, MONTHLY_CLOSE_SHARE)
        free = np.maximum(capacity - (open_cases - closed), 0)
        available = waiting + referrals
        opened = np.minimum(free, available)
        dropped = rng.binomial(available - opened, MONTHLY_WAITING_DROPOUT)
        waiting = available - opened - dropped
        open_cases = open_cases - closed + opened
        if m >= 0:
            out.append(
                pl.DataFrame(
                    {
                        "service_name": served["service_name"],
                        "month": [months[m]] * n_rows,
                        "force_code": served["force_code"],
                        "referrals_received": referrals,
                        "cases_opened": opened,
                        "cases_closed": closed,
                        "open_cases_end": open_cases,
                        "waiting_list_end": waiting,
                        "advocate_fte": month_fte,
                        "quarter_idx": np.full(n_rows, m // 3),
                    }
                )
            )
    return pl.concat(out).sort("month", "service_name", "force_code")
