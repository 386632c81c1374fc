"""publish.shorthand: the markers, the suppressed-sum rule (plain values and polars frames,
which must agree), number formats; and that no export or app module defines a marker of its
own."""

from __future__ import annotations

import random
import re
from pathlib import Path

import polars as pl
import pytest

from publish import shorthand
from publish.shorthand import (
    LOW_RELIABILITY,
    NOT_AVAILABLE,
    PROVISIONAL,
    REVISED,
    SUPPRESSED,
)
from tests.unit.publish.code_literals import beyond_allowance, literals, scanned_files

PROJECT_ROOT = Path(__file__).resolve().parents[3]


def test_the_six_gss_markers_each_with_a_meaning():
    assert list(shorthand.MARKERS) == ["[c]", "[x]", "[z]", "[u]", "[p]", "[r]"]
    for marker in shorthand.MARKERS.values():
        assert marker.label and len(marker.meaning) > 20
    replacing = [m.symbol for m in shorthand.MARKERS.values() if m.replaces_value]
    assert replacing == [SUPPRESSED, NOT_AVAILABLE, shorthand.NOT_APPLICABLE]


def test_marker_cells_may_hold_several_markers_in_canonical_order():
    assert shorthand.markers_in(None) == ()
    assert shorthand.markers_in("[r] [c]") == (SUPPRESSED, REVISED)
    assert shorthand.join_markers("[r]", None, "[p]", "[r]") == "[p] [r]"
    assert shorthand.join_markers(None, None) is None
    assert shorthand.is_suppressed("[c] [r]") and not shorthand.is_suppressed("[u]")
    assert shorthand.replacing_marker("[r] [c]") == SUPPRESSED
    assert shorthand.qualifying_markers("[r] [c] [p]") == "[p] [r]"
    for bad in ("[q]", "c", "suppressed"):
        with pytest.raises(ValueError, match="GSS shorthand"):
            shorthand.markers_in(bad)


def test_marker_column_pattern_accepts_markers_and_nothing_else():
    pattern = re.compile(shorthand.MARKER_COLUMN_PATTERN)
    for good in ("[c]", "[p] [r]", "[c] [p] [r]"):
        assert pattern.match(good), good
    for bad in ("", "[c][r]", "[q]", "c", "[c] ", "1"):
        assert not pattern.match(bad), bad


def test_a_sum_that_includes_a_suppressed_cell_is_suppressed():
    assert shorthand.suppressed_sum([3, 4, 5]) == (12, None)
    assert shorthand.suppressed_sum([3, None, 5], [None, SUPPRESSED, None]) == (None, SUPPRESSED)
    # Missing for another reason: not available, never a partial total.
    assert shorthand.suppressed_sum([3, None], [None, None]) == (None, NOT_AVAILABLE)
    # Suppression wins over missing; qualifiers of the parts are carried to the total.
    assert shorthand.suppressed_sum([None, None, 1], [SUPPRESSED, None, REVISED]) == (
        None,
        "[c] [r]",
    )
    assert shorthand.suppressed_sum([1, 2], [PROVISIONAL, REVISED]) == (3, "[p] [r]")
    assert shorthand.suppressed_sum([], []) == (None, NOT_AVAILABLE)
    with pytest.raises(ValueError):
        shorthand.suppressed_sum([1, 2], [None])


def test_polars_sums_agree_with_the_plain_rule():
    rng = random.Random(7)
    rows = []
    for group in range(40):
        for _ in range(rng.randint(1, 6)):
            roll = rng.random()
            value, marker = rng.randint(0, 50), None
            if roll < 0.15:
                value, marker = None, rng.choice([SUPPRESSED, "[c] [r]"])
            elif roll < 0.2:
                value = None
            elif roll < 0.3:
                marker = rng.choice([REVISED, PROVISIONAL, "[p] [r]"])
            rows.append({"g": group, "n": value, "n_marker": marker})
    frame = pl.DataFrame(rows, schema={"g": pl.Int64, "n": pl.Int64, "n_marker": pl.String})
    summed = shorthand.sum_with_markers(frame, ["n"], ["g"])
    assert summed.columns == ["g", "n", "n_marker"] and summed.height == 40
    for group, total, marker in summed.iter_rows():
        part = frame.filter(pl.col("g") == group)
        assert (total, marker) == shorthand.suppressed_sum(
            part["n"].to_list(), part["n_marker"].to_list()
        ), group
    assert summed["n_marker"].drop_nulls().str.contains(r"\[c\]").any()


def test_polars_replacing_marker_agrees_with_the_plain_one():
    cells = [None, "[c]", "[r]", "[c] [r]", "[x] [p]", "[z]", "[p] [r]"]
    frame = pl.DataFrame({"m": cells}, schema={"m": pl.String})
    found = frame.select(shorthand.replacing_marker_expr(pl.col("m")).alias("r"))["r"].to_list()
    assert found == [shorthand.replacing_marker(c) for c in cells]


def test_polars_sum_without_a_marker_column_and_without_groups():
    frame = pl.DataFrame({"n": [1, 2, None]})
    assert shorthand.sum_with_markers(frame, ["n"], []).row(0) == (None, NOT_AVAILABLE)
    assert shorthand.sum_with_markers(frame.drop_nulls(), ["n"], []).row(0) == (3, None)
    assert shorthand.sum_with_markers(frame.clear(), ["n"], []).row(0) == (None, NOT_AVAILABLE)


def test_number_formats():
    assert shorthand.format_count(1234) == "1,234"
    assert shorthand.format_count(None, SUPPRESSED) == "[c]"
    assert shorthand.format_count(None) == NOT_AVAILABLE
    assert shorthand.format_count(12, "[r]") == "12 [r]"
    assert shorthand.format_rate(0.4567, percent=True) == "45.7%"
    assert shorthand.format_rate(12.345, digits=2) == "12.35"
    assert shorthand.format_rate(0.5, percent=True, events=9) == f"50.0% {LOW_RELIABILITY}"
    assert shorthand.format_rate(0.5, percent=True, events=10) == "50.0%"
    assert shorthand.format_rate(None, "[c] [r]") == SUPPRESSED
    assert shorthand.EXCEL_COUNT_FORMAT == "#,##0"


# ------------------------------------------------------------ one definition only ----

MARKER_LITERAL = re.compile(r"\[[cxzupr]\]")
# App views written before publish.shorthand existed, with the marker literals they still
# spell (the app's own rewrite replaces them). The count may only go down: a file not listed,
# or a listed file with more literals than here, fails.
NOT_YET_CONVERTED = {
    "reports_app/views/methodology.py": 1,  # prose about the markers, beside MARKERS' table
}


def _marker_literals(path: Path) -> list[tuple[int, str]]:
    """String constants in code (docstrings excepted) that spell a marker."""
    return literals(path, MARKER_LITERAL.search)


def test_the_scan_finds_a_marker_literal():
    # The check below must be able to fail: a module defining its own marker is caught.
    source = 'SUPPRESSED = "[c]"\n\n\ndef f():\n    """Shows [c]."""\n    return f"{x} [u]"\n'
    path = PROJECT_ROOT / "tests" / "unit" / "publish" / "_scan_sample.py"
    try:
        path.write_text(source, encoding="utf-8")
        assert [line for line, _ in _marker_literals(path)] == [1, 6]
    finally:
        path.unlink(missing_ok=True)


def test_no_module_of_the_app_or_the_exports_defines_a_marker():
    files = scanned_files()
    assert any(p.name == "spreadsheet.py" for p in files) and any(
        p.name == "data.py" for p in files
    )
    defining = beyond_allowance(files, _marker_literals, NOT_YET_CONVERTED)
    assert not defining, f"markers must come from publish.shorthand: {defining}"
