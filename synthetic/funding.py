"""Service funding and capacity (SOURCES.md §11): one row per advocacy service, force area
served, financial year and funder, the pounds that funder gave and the advocate posts and
caseload capacity they pay for.

Derived from the synthetic advocacy caseload so the two agree: a service area's funded FTE in
a year is the mean of its monthly funded posts (a cut part-way through the year shows), its
capacity the cases those posts hold at once (synthetic.advocacy.CASES_PER_FTE). Each service
area draws two to four funders from seed ref_funding_sources and splits its posts between them;
the pounds are the posts times a synthetic cost per post. All values are invented.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ingest.reference import funding_source_lookup
from synthetic.advocacy import CASES_PER_FTE
from synthetic.common import stream
from synthetic.periods import FinancialQuarter

STANDARD_COLUMNS = (
    "service_name",
    "force_code",
    "financial_year",
    "funding_source",
    "funding_gbp",
    "advocate_fte",
    "caseload_capacity",
)
COST_PER_FTE_GBP = (38_000, 50_000)  # synthetic cost of a post, drawn per service area
FUNDERS_PER_AREA = (2, 4)


def generate_funding(
    seed: int, caseload: pl.DataFrame, quarters: list[FinancialQuarter]
) -> pl.DataFrame:
    """The funding returns behind `caseload` (synthetic.advocacy.generate_advocacy)."""
    year_of_quarter = pl.DataFrame(
        {
            "quarter_idx": list(range(len(quarters))),
            "financial_year": [q.financial_year for q in quarters],
        },
        schema={"quarter_idx": caseload.schema["quarter_idx"], "financial_year": pl.String},
    )
    areas = (
        caseload.join(year_of_quarter, on="quarter_idx")
        .group_by("service_name", "force_code", "financial_year")
        .agg(pl.col("advocate_fte").mean().alias("fte"))
        .sort("service_name", "force_code", "financial_year")
    )
    funders = sorted(set(funding_source_lookup().values()))
    rows = []
    for service, force, year, fte in areas.iter_rows():
        rng = stream(seed, "service_funding", service, force, year)
        n = int(rng.integers(FUNDERS_PER_AREA[0], FUNDERS_PER_AREA[1] + 1))
        chosen = sorted(rng.choice(funders, size=n, replace=False))
        shares = rng.dirichlet(np.ones(n))
        cost = float(rng.uniform(*COST_PER_FTE_GBP))
        for funder, share in zip(chosen, shares, strict=True):
            share_fte = round(float(share * fte), 2)
            if share_fte == 0:  # a funder of nothing sends no row
                continue
            rows.append(
                (
                    service,
                    force,
                    year,
                    funder,
                    f"{round(share * fte * cost, -1):.0f}",
                    f"{share_fte:.2f}",
                    str(int(np.floor(share_fte * CASES_PER_FTE))),
                )
            )
    return pl.DataFrame(rows, schema=list(STANDARD_COLUMNS), orient="row")
