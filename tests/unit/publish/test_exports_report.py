"""The report's figures (totals and ratios under the suppressed-sum rule, [u] on few events)
and its templates, rendered from figures made here."""

from __future__ import annotations

import re

from publish.exports.release import Publisher, ReleaseInfo
from publish.exports.report import Demand, Figure, nice_max, ratio, render_report, window

C = "[c]"


def test_totals_and_ratios_keep_disclosure_control():
    shown, hidden = Figure(40.0), Figure(None, C)
    assert Figure.total([shown, hidden]) == Figure(None, C)
    assert Figure.total([shown, Figure(2.0)]) == Figure(42.0)
    assert Figure.total([]).marker == "[x]"
    assert ratio(hidden, shown).marker == C
    assert ratio(shown, Figure(0.0)).marker == "[x]"
    assert ratio(Figure(9.0), Figure(100.0)).rate(1, True) == "9.0% [u]"
    assert ratio(Figure(30.0), Figure(100.0)).rate(1, True) == "30.0%"
    series = {"2025-04": {"n": shown}, "2025-05": {"n": hidden}}
    assert window(series, ["2025-04"], "n") == shown
    assert window(series, ["2025-04", "2025-05"], "n").marker == C
    assert window(series, ["2025-04", "2025-06"], "n").marker == "[x]"  # a month missing


def test_axis_tops():
    assert [nice_max(v) for v in (0, 0.7, 1.0, 1.2, 2.2, 4.9, 730)] == [1.0, 1, 1, 2, 2.5, 5, 1000]


def _release(synthetic: bool) -> ReleaseInfo:
    return ReleaseInfo(
        release_id="2026-Q2-r1",
        published_at="2026-12-01T09:00:00",
        period_covered="2024/25 Q3 to 2026/27 Q2",
        next_release="1 March 2027",
        licence="Open Government Licence v3.0",
        citation="Cite this.",
        is_synthetic=synthetic,
    )


def test_the_templates_render_a_month_with_hidden_and_shown_figures():
    months = ["2026-08", "2026-09"]
    helpline = {
        "2026-08": {
            "contacts": Figure(120.0),
            "answered": Figure(100.0),
            "unanswered": Figure(20.0),
        },
        "2026-09": {
            "contacts": Figure(None, C),
            "answered": Figure(90.0),
            "unanswered": Figure(None, C),
        },
    }
    advocacy = {
        m: {
            "referrals_received": Figure(30.0),
            "cases_opened": Figure(10.0),
            "cases_closed": Figure(8.0),
            "open_cases_end": Figure(50.0),
            "waiting_list_end": Figure(25.0),
        }
        for m in months
    }
    demand = Demand(
        months=months,
        national=helpline,
        regions={"E12000001": "North East"},
        regional={"E12000001": helpline},
        population={"E12000001": 2_700_000.0, "K04000001": 60_000_000.0},
        advocacy=advocacy,
        advocacy_fte={"2026-08": 4.0, "2026-09": None},
        advocacy_regions={"E12000001": advocacy},
        services=3,
    )
    text = render_report(demand, _release(False), Publisher("Team", "team@example.org", None))
    assert text.count("<svg") == 5 and "SYNTHETIC" not in text
    assert "Release 2026-Q2-r1, published" in text
    assert "1 December 2026" in text and "team@example.org" in text
    headlines = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", text))
    assert headlines["Helpline contacts, Aug 2026 to Sep 2026"] == C
    assert headlines["Advocacy referrals (12 months)"] == "60"
    assert headlines["Share of caseload waiting (month end)"] == "33.3%"
    assert headlines["Advocates in post (FTE, month end)"] == "[x]"
    # The table beside the first chart: one month shown, one withheld.
    assert '<th scope="row">Aug 2026</th><td>120</td>' in text
    assert '<th scope="row">Sep 2026</th><td>[c]</td>' in text
    synthetic = render_report(demand, _release(True), Publisher("Team", None, None))
    assert "SYNTHETIC DATA" in synthetic and "set STALKING_CONTACT_EMAIL" in synthetic
