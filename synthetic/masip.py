"""MASIP returns (SOURCES.md §12): for each force and financial year of the window, whether a
Multi-Agency Stalking Intervention Programme is in place, since when, its funded places and its
lead agency (seed ref_masip_lead_agencies).

The forces the crime generator gives MASIP referrals (force_parameters `has_masip`) have a
programme from before the window, started in different years; two other forces start one in
the window's last year (so their referral rate is still near zero), and one force sends no
return. Funded places (perpetrator cases a year) follow the population, scaled like every
other volume by --scale.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from ingest.settings import SEEDS_DIR
from synthetic.common import ForceTable, stream
from synthetic.periods import FinancialQuarter

STANDARD_COLUMNS = (
    "force_code",
    "financial_year",
    "programme_in_place",
    "start_date",
    "funded_places",
    "lead_agency_code",
)
FIRST_START_YEAR = 2018  # the earliest financial year a synthetic programme starts in
NEW_PROGRAMMES = 2  # forces without referrals that start a programme in the last year
SILENT_FORCES = 1  # forces that send no return
PLACES_PER_100K = (4.0, 12.0)  # funded places a year per 100,000 residents


def lead_agencies() -> list[str]:
    return pl.read_csv(SEEDS_DIR / "ref_masip_lead_agencies.csv")["lead_agency_code"].to_list()


def _day_in(rng, start: date, end: date) -> date:
    return start + timedelta(days=int(rng.integers(0, (end - start).days + 1)))


def generate_masip_returns(
    seed: int,
    scale: float,
    forces: ForceTable,
    params: pl.DataFrame,
    quarters: list[FinancialQuarter],
) -> pl.DataFrame:
    """One row per returning force and financial year the window touches, in the standard
    form (dates as ISO text, blanks as nulls)."""
    years = sorted({q.fy_start for q in quarters})
    window_end = quarters[-1].end
    chooser = stream(seed, "masip_returns", "forces")
    has_masip = dict(zip(params["force_code"], params["has_masip"], strict=True))
    without = [code for code in forces.codes if not has_masip[code]]
    new = set(chooser.choice(without, min(NEW_PROGRAMMES, len(without)), replace=False).tolist())
    silent = set(chooser.choice(forces.codes, SILENT_FORCES, replace=False).tolist())
    agencies = lead_agencies()
    rows = []
    for force_code, population in zip(forces.codes, forces.population, strict=True):
        if force_code in silent:
            continue
        rng = stream(seed, "masip_returns", force_code)
        if has_masip[force_code]:
            start_year = int(rng.integers(FIRST_START_YEAR, years[0] + 1))
            start = _day_in(rng, date(start_year, 4, 1), date(start_year + 1, 3, 31))
            start = min(start, window_end)
        elif force_code in new:
            start = _day_in(rng, date(years[-1], 4, 1), min(date(years[-1] + 1, 3, 31), window_end))
        else:
            start = None
        places = max(1, round(population / 100_000 * rng.uniform(*PLACES_PER_100K) * scale))
        agency = str(rng.choice(agencies))
        for year in years:
            in_place = start is not None and start < date(year + 1, 4, 1)
            rows.append(
                (
                    force_code,
                    f"{year}/{(year + 1) % 100:02d}",
                    "Y" if in_place else "N",
                    start.isoformat() if in_place else None,
                    str(places) if in_place else None,
                    agency if in_place else None,
                )
            )
    return pl.DataFrame(rows, schema=list(STANDARD_COLUMNS), orient="row")
