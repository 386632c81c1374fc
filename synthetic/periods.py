"""Financial quarters (April-March years, April-June is Q1), as the Home Office publishes them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, order=True)
class FinancialQuarter:
    """One financial quarter: `fy_start` is the calendar year the financial year starts in."""

    fy_start: int
    quarter: int

    def __post_init__(self) -> None:
        if self.quarter not in (1, 2, 3, 4):
            raise ValueError(f"quarter must be 1-4, got {self.quarter}")

    @property
    def financial_year(self) -> str:
        """`2025/26`, as in Home Office publications."""
        return f"{self.fy_start}/{(self.fy_start + 1) % 100:02d}"

    @property
    def fy_quarter(self) -> str:
        return f"Q{self.quarter}"

    @property
    def label(self) -> str:
        """`2025/26-Q1`, the form the CLI accepts."""
        return f"{self.financial_year}-{self.fy_quarter}"

    @property
    def file_label(self) -> str:
        """`2025-26_Q1`, safe in file names."""
        return f"{self.financial_year.replace('/', '-')}_{self.fy_quarter}"

    @property
    def start(self) -> date:
        month = 4 + 3 * (self.quarter - 1)
        year = self.fy_start
        if month > 12:
            month -= 12
            year += 1
        return date(year, month, 1)

    @property
    def end(self) -> date:
        """Last day of the quarter."""
        return self.next().start - timedelta(days=1)

    @property
    def months(self) -> list[str]:
        """The three months as `YYYY-MM`."""
        start = self.start
        out = []
        for i in range(3):
            month = start.month + i
            year = start.year + (month - 1) // 12
            out.append(f"{year}-{(month - 1) % 12 + 1:02d}")
        return out

    def next(self) -> FinancialQuarter:
        if self.quarter == 4:
            return FinancialQuarter(self.fy_start + 1, 1)
        return FinancialQuarter(self.fy_start, self.quarter + 1)

    def previous(self) -> FinancialQuarter:
        if self.quarter == 1:
            return FinancialQuarter(self.fy_start - 1, 4)
        return FinancialQuarter(self.fy_start, self.quarter - 1)

    @classmethod
    def containing(cls, day: date) -> FinancialQuarter:
        fy_start = day.year if day.month >= 4 else day.year - 1
        quarter = ((day.month - 4) % 12) // 3 + 1
        return cls(fy_start, quarter)

    @classmethod
    def parse(cls, text: str) -> FinancialQuarter:
        """Accept `2026/27-Q2`, `2026-27-Q2`, `2026/27 Q2` or `2026-27_Q2`."""
        match = re.fullmatch(r"\s*(\d{4})[/-](\d{2})[\s_-]*[Qq]([1-4])\s*", text)
        if not match:
            raise ValueError(
                f"cannot read financial quarter {text!r}: write it like 2026/27-Q2 "
                "(financial year April-March, April-June is Q1)"
            )
        fy_start, fy_end, quarter = int(match[1]), int(match[2]), int(match[3])
        if (fy_start + 1) % 100 != fy_end:
            raise ValueError(f"financial year in {text!r} must be consecutive years, e.g. 2026/27")
        return cls(fy_start, quarter)


def latest_complete_quarter(today: date | None = None) -> FinancialQuarter:
    """The latest financial quarter that ended before `today` (default: today)."""
    return FinancialQuarter.containing(today or date.today()).previous()


def quarters_ending(end: FinancialQuarter, n_quarters: int) -> list[FinancialQuarter]:
    """The `n_quarters` quarters ending with `end`, oldest first."""
    if n_quarters < 1:
        raise ValueError("need at least one quarter")
    out = [end]
    while len(out) < n_quarters:
        out.append(out[-1].previous())
    return out[::-1]
