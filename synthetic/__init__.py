"""Deterministic synthetic demo data for every source (force crime extracts, SPOs, CPS returns,
helpline contacts, advocacy caseload), in the national standard and legacy export profiles,
with the planted truth (courses of conduct, force parameters) kept outside landing/.

    python -m synthetic --seed 42 --scale 1.0 --years 2

Everything written is marked SYNTHETIC. See docs/SYNTHETIC_DATA.md.
"""

from synthetic.generator import GenerationResult, GeneratorConfig, generate
from synthetic.periods import FinancialQuarter, latest_complete_quarter

__all__ = [
    "FinancialQuarter",
    "GenerationResult",
    "GeneratorConfig",
    "generate",
    "latest_complete_quarter",
]
