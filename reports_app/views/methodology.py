"""Methodology and downloads: definitions, methods, disclosure control, every table as CSV."""

from __future__ import annotations

import streamlit as st

from reports_app import queries
from reports_app.components import download, download_export, show_table, slug
from reports_app.data import (
    is_public,
    metrics,
    stats_schema,
    tables,
)


def main() -> None:
    st.title("Methodology and downloads")

    st.subheader("Definitions")
    definitions = metrics().select(
        "metric_id",
        "metric_label",
        "kind",
        "unit_label",
        "direction",
        "numerator_description",
        "denominator_description",
        "quarterly",
    )
    show_table(
        definitions,
        "Metric definitions",
        caption="From reference.ref_metrics. Direction 'none' means higher or lower is not in "
        "itself better or worse; proportions are shown as per cent",
    )

    st.subheader("Methods")
    st.markdown(
        """
**Periods.** Financial years (April to March) and quarters (April to June is Q1), as the Home
Office publishes. Crimes count by the date recorded; police outcomes by the quarter the crime
was recorded; CPS figures by the quarter the prosecution finished. A financial year with fewer
than four quarters is labelled *part year*.

**Intervals.** Proportions use the Wilson score interval. Rates use the exact Poisson interval
when the numerator is below 10 and Byar's approximation from 10 up. Both are given at 95% and
99.8%.

**Comparing forces.** Each force is compared with England and Wales, its region and its peers.
The Home Office's "most similar groups" are not public: until a peer-group file is supplied the
peers are the force's ONS region, and every chart says so.

**Funnel plots** (Spiegelhalter, 2005). Each force is a point at its denominator and value,
against control limits around the national value at 95% (about 1 in 20 forces outside by
chance) and 99.8% (about 1 in 500). When forces vary more than chance allows, the limits are
widened by a multiplicative overdispersion factor φ estimated from 10% winsorised z-scores; the
chart states φ and whether it was applied. A force is classed *above* or *below* only when it is
beyond a limit, and not classed when its numerator is below 10.

**Higher and lower.** A metric is only called better or worse when it has an agreed direction
(screening and helpline answer rates: higher is better; advocacy waiting share: lower is
better). A higher stalking rate may mean better recognition and recording, not worse policing.

**Hidden stalking.** Crimes are linked within a force by pseudonymised (victim, suspect) pairs;
two or more stalking and harassment crimes within 12 months make a course of conduct; a course
with no stalking crime recorded is a *possible* unrecognised case.

**Disclosure control.** Everything that leaves the building comes from the `published` schema:
counts of 1 to 4 are shown as **[c]** (zero stays 0), with secondary suppression so no
suppressed cell can be worked out from a total; rates and proportions whose numerator is below
10 are flagged **[u]** (low reliability). A total that includes a suppressed cell is itself
shown as [c] in this app. Other symbols: **[x]** not available, **[z]** not applicable.

**Revisions.** Forces resubmit data; the latest accepted submission for a force and quarter
replaces earlier ones, and revised figures are marked **[r]**. Figures for recent quarters
will change as outcomes are assigned and late returns arrive.
"""
    )
    if is_public():
        st.caption(
            "You are using the public view: every figure here has disclosure control applied."
        )
    else:
        st.warning(
            "Restricted view: these are exact counts from the marts schema. Do not release "
            "them outside the building.",
            icon="🔒",
        )

    st.subheader("Download every table")
    schema = stats_schema()
    st.write(
        f"Each table of the `{schema}` schema in this snapshot, as CSV. Researchers can also open "
        "the snapshot directly: `duckdb -readonly serving/public.duckdb`."
    )

    def table_csv(name: str) -> bytes:
        return queries.whole_table(name).write_csv().encode("utf-8")

    approx_rows = queries.table_sizes(schema)
    columns = st.columns(2)
    for i, name in enumerate(tables(schema)):
        with columns[i % 2]:
            download(
                f"{name} (about {approx_rows.get(name, 0):,} rows)",
                lambda name=name: table_csv(name),
                f"{schema}_{name}.csv",
                mime="text/csv",
                key=f"table_{slug(name)}",
                width="stretch",
            )

    download_export(
        "stalking_statistics.xlsx",
        "Download the accessible spreadsheet (stalking_statistics.xlsx, disclosure controlled)",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="download_workbook",
        what="The spreadsheet",
    )


if __name__ == "__main__":
    main()
