"""Training returns (SOURCES.md §10): each force's officers and staff in scope of each stalking
course type (seed ref_training_courses) and how many of them were trained, as at the end of
each financial year the window covers to its end (31 March).

The values are synthetic. A force's workforce in scope follows its resident population (it is
a workforce, not a volume of events, so it does not follow --scale: the demo's coverage is as
precise at every scale); coverage varies by force and rises year on year. E-learning reaches
most of the force; specialist training a smaller group, split between the two specialist
course types. One force sends no return, so the comparison shows a force without one.
"""

from __future__ import annotations

import polars as pl

from ingest.settings import SEEDS_DIR
from synthetic.common import ForceTable, stream
from synthetic.periods import FinancialQuarter

STANDARD_COLUMNS = ("force_code", "financial_year", "course_type", "in_scope", "trained")
SPECIALIST_PER_100K = 20.0  # officers and staff whose role needs specialist training
ELEARNING_PER_100K = 140.0  # officers and staff whose role needs the e-learning course
CODELIVERED_SHARE = (0.3, 0.7)  # of the specialist scope, in scope of the co-delivered course
FIRST_YEAR_COVERAGE = (0.15, 0.6)  # specialist coverage in a force's first year
YEARLY_GAIN = (0.06, 0.15)  # added coverage per year, capped below 1
ELEARNING_COVERAGE = (0.6, 0.95)
MAX_COVERAGE = 0.97
SILENT_FORCES = 1  # forces that send no training return
COURSE_TYPES = ("specialist_codelivered", "specialist_internal", "elearning")


def course_types() -> pl.DataFrame:
    return pl.read_csv(SEEDS_DIR / "ref_training_courses.csv", infer_schema=False)


def years_ended(quarters: list[FinancialQuarter]) -> list[str]:
    """The financial years whose last quarter (Q4, to 31 March) the window holds."""
    return [q.financial_year for q in quarters if q.quarter == 4]


def generate_training(
    seed: int, forces: ForceTable, quarters: list[FinancialQuarter]
) -> pl.DataFrame:
    """One row per returning force, year ended in the window and course type; counts as text
    in the standard form. Trained is cumulative, so a force's coverage never falls."""
    missing = set(COURSE_TYPES) - set(course_types()["course_type"].to_list())
    if missing:
        raise ValueError(f"ref_training_courses lacks the course types {sorted(missing)}")
    years = years_ended(quarters)
    chooser = stream(seed, "training", "forces")
    silent = set(chooser.choice(forces.codes, SILENT_FORCES, replace=False).tolist())
    rows = []
    for force_code, population in zip(forces.codes, forces.population, strict=True):
        if force_code in silent:
            continue
        rng = stream(seed, "training", force_code)
        specialist = max(60, int(round(population / 1e5 * SPECIALIST_PER_100K)))
        codelivered = int(round(specialist * rng.uniform(*CODELIVERED_SHARE)))
        scope = {
            "specialist_codelivered": codelivered,
            "specialist_internal": specialist - codelivered,
            "elearning": max(100, int(round(population / 1e5 * ELEARNING_PER_100K))),
        }
        first = {
            "specialist_codelivered": rng.uniform(*FIRST_YEAR_COVERAGE),
            "specialist_internal": rng.uniform(*FIRST_YEAR_COVERAGE),
            "elearning": rng.uniform(*ELEARNING_COVERAGE),
        }
        gain = rng.uniform(*YEARLY_GAIN)
        for i, year in enumerate(years):
            for course_type in COURSE_TYPES:
                n = scope[course_type]
                trained = int(n * min(MAX_COVERAGE, first[course_type] + i * gain))
                rows.append((force_code, year, course_type, str(n), str(trained)))
    return pl.DataFrame(rows, schema=list(STANDARD_COLUMNS), orient="row")
