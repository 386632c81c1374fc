"""The service demand report's clearing-cost section (issue 18 item 5), rendered from rows
made here: the cost beside the national ask with both parameters and their sources printed,
and a year whose waiting list is withheld shows its cost withheld."""

from __future__ import annotations

import re

from publish.exports.release import Publisher
from publish.exports.report import Demand, render_report
from tests.unit.publish.test_exports_report import _release

PARAMETERS = {
    "advocate_cost_per_fte": 45_000.0,
    "cases_cleared_per_fte_year": 60.0,
    "national_ask_gbp": 243_810_000.0,
    "advocate_cost_source": "assumption, stated: cost source",
    "cases_cleared_source": "assumption, stated: cases source",
    "national_ask_source": "the campaign's ask",
}


def year(fy: str, waiting: int | None, marker: str | None, cost: float | None) -> dict:
    return PARAMETERS | {
        "financial_year": fy,
        "period_status_marker": None,
        "waiting_list_end": waiting,
        "waiting_list_end_marker": marker,
        "advocate_fte": 12.5,
        "caseload_capacity": 312,
        "capacity_marker": None,
        "clearing_cost_gbp": cost,
        "clearing_cost_gbp_marker": marker,
        "clearing_cost_share_of_ask": None if cost is None else cost / 243_810_000.0,
    }


def demand(clearing: list[dict]) -> Demand:
    return Demand(
        months=[],
        national={},
        regions={},
        regional={},
        population={"K04000001": 60_000_000.0},
        advocacy={},
        advocacy_fte={},
        advocacy_regions={},
        services=0,
        clearing=clearing,
    )


def test_the_cost_is_printed_beside_the_ask_with_its_assumptions():
    rows = [year("2024/25", None, "[c]", None), year("2025/26", 560, None, 420_000.0)]
    text = render_report(demand(rows), _release(True), Publisher("Team", "t@example.org", None))
    section = text[text.index('id="clearing"') : text.index('id="notes"')]
    assert "£243.81m" in section and "the campaign&#39;s ask" in section
    assert "£45,000" in section and "assumption, stated: cost source" in section
    assert "60" in section and "assumption, stated: cases source" in section
    cells = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", section)
    assert [c[0] for c in cells] == ["2024/25", "2025/26"]
    assert cells[0][1].count("<td>[c]</td>") == 3  # waiting list, cost and share withheld
    assert "<td>£420,000</td>" in cells[1][1] and "<td>0.17%</td>" in cells[1][1]


def test_without_funding_rows_the_section_is_left_out():
    text = render_report(demand([]), _release(True), Publisher("Team", "t@example.org", None))
    assert 'id="clearing"' not in text
