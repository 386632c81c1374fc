"""Find your area: from a council (local authority district) or force name to its force's
figures, profile and comparison."""

from __future__ import annotations

import polars as pl
import streamlit as st

from reports_app import queries
from reports_app.components import default_period, show_tidy, url_choice
from reports_app.figures import metric_figures

HEADLINES = [
    "stalking_rate",
    "charge_rate",
    "screening_rate",
    "spo_application_rate",
    "helpline_contacts_rate",
]


def area_options() -> tuple[list[str], dict[str, str], dict[str, str]]:
    """Search entries (district and force codes), their labels and the force of each."""
    force_table = queries.forces()
    district_table = queries.districts()
    labels: dict[str, str] = {}
    force_of: dict[str, str] = {}
    for code, name in force_table.select("force_code", "force_name").iter_rows():
        labels[code] = f"{name} (police force area)"
        force_of[code] = code
    for lad_code, lad_name, force_code, force_name in district_table.iter_rows():
        labels[lad_code] = f"{lad_name} (council area, {force_name})"
        force_of[lad_code] = force_code
    options = sorted(labels, key=lambda c: labels[c].lower())
    return options, labels, force_of


def main() -> None:
    st.title("Find your area")
    st.write(
        "Type the name of your council (local authority district) or police force to find "
        "the force area it lies in, and that force's figures."
    )
    options, labels, force_of = area_options()
    area = url_choice(
        "Council or police force",
        options,
        "area",
        format_func=labels.get,
        help="Districts as of 2021 (ONS). Start typing to search.",
    )
    force_code = force_of[area]
    force = queries.forces().filter(pl.col("force_code") == force_code).row(0, named=True)
    st.subheader(f"{labels[area].split(' (')[0]} is in {force['force_name']}")
    st.write(
        f"Police force area **{force['force_name']}** ({force_code}), region "
        f"**{force['region_name']}**."
    )
    periods = queries.comparison_periods()
    years = periods.filter(pl.col("period_type") == "financial_year")["period"].to_list()
    period = default_period(years)
    figures = metric_figures([period]).filter(pl.col("force_code") == force_code)
    headline = figures.filter(pl.col("metric_id").is_in(HEADLINES))
    columns = st.columns(min(len(headline), 3) or 1)
    for i, row in enumerate(headline.iter_rows(named=True)):
        columns[i % len(columns)].metric(
            row["metric_label"],
            row["value_text"],
            help=f"{period}. {row['class_label'] or 'Not classed'}.",
        )
    st.caption(f"{period}, the latest complete financial year.")
    links = st.columns(3)
    query = {"force": force_code, "period": period}
    links[0].page_link(
        "views/force_profile.py", label="Every metric: force profile", query_params=query
    )
    links[1].page_link(
        "views/compare_forces.py",
        label="Compare with its region",
        query_params={"group": force["region_code"], "period": period},
    )
    links[2].page_link(
        "views/force_comparison.py", label="Funnel plot and trend", query_params=query
    )
    districts = queries.districts().filter(pl.col("force_code") == force_code)
    st.subheader(f"Council areas in {force['force_name']}")
    st.dataframe(
        districts.select(
            pl.col("lad_code").alias("District code"), pl.col("lad_name").alias("District")
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(
        "Source: ONS Open Geography lookup of local authority districts to community safety "
        "partnerships and police force areas (2021). Contains public sector information "
        "licensed under the Open Government Licence v3.0."
    )
    show_tidy(headline, f"Headline figures {force['force_name']} {period}")


if __name__ == "__main__":
    main()
