"""Action-plan returns (SOURCES.md §8): each force's quarterly progress on the recommendations
of the (synthetic) list in dbt_project/seeds/ref_recommendations.csv, and whether and when it
published its action plan.

Forces differ in pace: each quarter a recommendation not started may get under way, one under
way may be implemented (with an evidence reference), a few are declined. Most forces publish
their plan by the requested date (30 November 2024), some later, a few not at all; a couple
of forces send no returns and others miss the odd quarter, so the tracker shows gaps as well.
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
    "fy_quarter",
    "recommendation_id",
    "status",
    "status_date",
    "evidence_ref",
    "plan_published",
    "plan_published_date",
)
REQUESTED_BY = date(2024, 11, 30)  # the seed ref_action_plan_requests holds the fact
PUBLISHED_ON_TIME_SHARE = 0.55
PUBLISHED_LATE_SHARE = 0.30  # the rest have not published within the window
SILENT_FORCES = 2  # forces that send no return at all
MISSED_RETURN_SHARE = 0.05  # of the other forces' quarters
DECLINED_SHARE = 0.04  # of force x recommendation pairs, declined in the first quarter
PACE_RANGE = (0.15, 0.55)  # per quarter: chance a recommendation moves on one step


def recommendations() -> pl.DataFrame:
    return pl.read_csv(SEEDS_DIR / "ref_recommendations.csv", infer_schema=False)


def _day_in(rng, start: date, end: date) -> date:
    return start + timedelta(days=int(rng.integers(0, (end - start).days + 1)))


def generate_action_plans(
    seed: int, forces: ForceTable, quarters: list[FinancialQuarter]
) -> pl.DataFrame:
    """One row per returning force, quarter and recommendation, with `quarter_idx`; values in
    the standard form (dates as ISO text)."""
    ids = recommendations()["recommendation_id"].to_list()
    chooser = stream(seed, "action_plans", "forces")
    silent = set(chooser.choice(forces.codes, SILENT_FORCES, replace=False).tolist())
    window_end = quarters[-1].end
    rows = []
    for force_code in forces.codes:
        if force_code in silent:
            continue
        rng = stream(seed, "action_plans", force_code)
        pace = float(rng.uniform(*PACE_RANGE))
        draw = rng.random()
        if draw < PUBLISHED_ON_TIME_SHARE:
            plan_date = _day_in(rng, date(2024, 10, 1), REQUESTED_BY)
        elif draw < PUBLISHED_ON_TIME_SHARE + PUBLISHED_LATE_SHARE:
            plan_date = _day_in(rng, REQUESTED_BY + timedelta(days=1), date(2025, 9, 30))
        else:
            plan_date = None
        status = dict.fromkeys(ids, "not_started")
        changed = dict.fromkeys(ids, quarters[0].start)
        evidence: dict[str, str | None] = dict.fromkeys(ids)
        serial = 0
        for q_idx, quarter in enumerate(quarters):
            for rec in ids:
                step = rng.random()
                if q_idx == 0 and rng.random() < DECLINED_SHARE:
                    status[rec], changed[rec] = (
                        "not_accepted",
                        _day_in(rng, quarter.start, quarter.end),
                    )
                elif status[rec] == "not_started" and step < pace:
                    status[rec], changed[rec] = (
                        "in_progress",
                        _day_in(rng, quarter.start, quarter.end),
                    )
                elif status[rec] == "in_progress" and step < pace * 0.8:
                    serial += 1
                    day = _day_in(rng, quarter.start, quarter.end)
                    status[rec], changed[rec] = "implemented", day
                    evidence[rec] = f"EV-{day.year}-{serial:04d}"
            if rng.random() < MISSED_RETURN_SHARE:
                continue  # progress goes on; the return for this quarter never came
            published = plan_date is not None and plan_date <= min(quarter.end, window_end)
            for rec in ids:
                rows.append(
                    (
                        q_idx,
                        force_code,
                        quarter.financial_year,
                        quarter.fy_quarter,
                        rec,
                        status[rec],
                        changed[rec].isoformat(),
                        evidence[rec],
                        "Y" if published else "N",
                        plan_date.isoformat() if published else None,
                    )
                )
    return pl.DataFrame(
        rows, schema=["quarter_idx", *STANDARD_COLUMNS], orient="row", infer_schema_length=None
    )
