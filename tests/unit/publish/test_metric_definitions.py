"""One definition of each metric: its label and unit come from the seed ref_metrics.csv (read
through reference.ref_metrics), never spelled again by the app, the spreadsheet or the report.

Two things are scanned in the string constants of their code (docstrings excepted): a metric's
label written out (alone, or with " (%)" or a full stop after it), and a rate base ("per
1,000", "per 100,000") in other words than the seed's ("residents"), the disagreement issue 10
found ("per 1,000 population" beside "per 1,000 residents")."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from ingest.settings import PROJECT_ROOT, SEEDS_DIR
from tests.unit.publish.code_literals import literals, scanned_files

METRICS = list(csv.DictReader((SEEDS_DIR / "ref_metrics.csv").open(encoding="utf-8")))
RATE_BASE = re.compile(r"\bper (1,000|100,000)\b(?! residents)")
# Literals that spell a metric's label but are not that metric, each with its reason. The
# count may only go down: a file not listed, or more literals than here, fails.
NOT_THE_METRIC = {
    # The national count of convictions over time, whose words conviction_rate's label shares.
    "reports_app/views/overview.py": 1,
}


def _label_pattern() -> re.Pattern[str]:
    labels = sorted((re.escape(m["metric_label"]) for m in METRICS), key=len, reverse=True)
    return re.compile(rf"^\s*({'|'.join(labels)})(\s*\(%\)|\.)?\s*$")


def metric_literals(path: Path) -> list[tuple[int, str]]:
    """String constants (docstrings excepted) that spell a metric label or another rate base;
    in a template, its lines that do."""
    label = _label_pattern()
    return literals(path, lambda text: label.match(text) or RATE_BASE.search(text))


def test_the_scan_finds_a_metric_label_and_another_rate_base(tmp_path):
    # The check below must be able to fail.
    first = METRICS[0]["metric_label"]
    source = (
        f'TITLE = "{first} (%)"\n'
        'NOTE = "Contacts per 100,000 people"\n'
        'FINE = "Contacts per 100,000 residents"\n'
        f'LONGER = "{first} by quarter"\n'
        f'def f(m):\n    """{first}."""\n    return f"{{m}} per 1,000 population"\n'
    )
    path = tmp_path / "sample.py"
    path.write_text(source, encoding="utf-8")
    assert [line for line, _ in metric_literals(path)] == [1, 2, 7]
    template = tmp_path / "sample.html.j2"
    template.write_text("<p>per 1,000 residents</p>\n<p>per 100,000 people</p>\n")
    assert [line for line, _ in metric_literals(template)] == [2]


def test_no_module_of_the_app_or_the_exports_defines_a_metric():
    files = scanned_files()
    assert any(p.name == "spreadsheet.py" for p in files)
    assert any(p.name == "report.html.j2" for p in files)
    found = {
        str(p.relative_to(PROJECT_ROOT)): literals
        for p in files
        if (literals := metric_literals(p))
    }
    defining = {
        path: literals
        for path, literals in found.items()
        if len(literals) > NOT_THE_METRIC.get(path, 0)
    }
    assert not defining, f"metric labels and units must come from ref_metrics: {defining}"


def test_the_comparison_macro_spells_the_seeds_inputs():
    # dbt loops over metrics at compile time, so macros/disclosure.sql holds the inputs as a
    # Jinja dict; the seed is the definition (the audit's relations read it), and this keeps
    # the dict equal to it.
    text = (PROJECT_ROOT / "dbt_project" / "macros" / "disclosure.sql").read_text()
    body = text[text.index("macro comparison_metric_inputs") :].split("endmacro")[0]
    pairs = re.findall(r"'(\w+)': \('(\w+)', (?:none|'(\w+)')\)", body)
    macro = {metric: (numerator, denominator or None) for metric, numerator, denominator in pairs}
    seed = {
        m["metric_id"]: (
            m["numerator_column"],
            None if m["denominator_column"] == "population_years" else m["denominator_column"],
        )
        for m in METRICS
    }
    assert macro and macro == seed
