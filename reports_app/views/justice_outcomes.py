"""Justice outcomes: what happens to recorded stalking, from police outcome to CPS conviction."""

from __future__ import annotations

import polars as pl
import streamlit as st

from reports_app import charts
from reports_app.components import (
    caveat,
    choose_area_and_period,
    fmt_count,
    fmt_pct,
    ratio_pct,
    show_table,
    text_alternative,
)
from reports_app.data import NATIONAL_CODE, area_counts, forces, metric_columns, period_where


def main() -> None:
    st.title("Justice outcomes")
    st.write(
        "Police outcomes assigned to stalking crimes (Home Office outcome types), and what the "
        "Crown Prosecution Service records for stalking offences (Protection from Harassment Act "
        "1997 s2A and s4A)."
    )

    force_code, period, area = choose_area_and_period()
    where, params = period_where(period)

    GROUP_LABELS = {
        "charge_summons": "Charged or summonsed",
        "out_of_court_formal": "Out of court (formal)",
        "out_of_court_informal": "Out of court (informal)",
        "diversionary": "Diversionary or educational",
        "taken_into_consideration": "Taken into consideration",
        "prosecution_prevented": "Prosecution prevented or not in the public interest",
        "evidential_difficulties": "Evidential difficulties (outcomes 14-16)",
        "no_suspect_identified": "Investigation complete, no suspect identified",
        "other_body": "Action by another body",
        "not_applicable": "Not applicable",
        "not_yet_assigned": "Not yet assigned an outcome",
    }

    # --- Outcome mix ------------------------------------------------------------------------------
    st.subheader(f"Outcomes of stalking crimes recorded in {period}: {area}")
    mix = area_counts(
        "fct_outcomes_quarterly",
        ["outcomes"],
        ["outcome_group"],
        force_code,
        where=f"offence_code = '8Q' and {where}",
        params=params,
    )
    # A force's stalking crimes for the period are the published numerator of its stalking rate
    # (disclosure control at the force-period grain), the figure every page shows for it; a sum
    # of its quarters would be withheld whenever one quarter is.
    if force_code == NATIONAL_CODE:
        crimes = area_counts(
            "fct_recorded_crime_quarterly",
            ["crimes"],
            [],
            force_code,
            where=f"offence_code = '8Q' and {where}",
            params=params,
        ).row(0, named=True)
    else:
        published = metric_columns(["stalking_rate"], period).filter(
            pl.col("force_code") == force_code
        )
        crimes = {
            "crimes": published["stalking_rate_numerator"][0] if published.height else None,
            "crimes_marker": published["stalking_rate_numerator_marker"][0]
            if published.height
            else None,
        }
    mix = mix.with_columns(
        pl.col("outcome_group").replace(GROUP_LABELS).alias("outcome"),
        ratio_pct(pl.col("outcomes"), pl.lit(crimes["crimes"])).alias("share_pct"),
    ).sort("outcomes", descending=True, nulls_last=True)
    plotted = mix.filter(pl.col("share_pct").is_not_null())
    if mix.is_empty():
        st.info("No outcomes published for this area and period.")
    elif plotted.is_empty():
        # A chart of nothing but an axis says less than a sentence (a small force's shares
        # are all withheld when its crimes are).
        st.info(
            f"Every outcome share for {area} in {period} is withheld or not available: the "
            "table below gives what is published."
        )
    else:
        charts.show(
            charts.bar_chart(
                plotted,
                x="share_pct",
                y="outcome",
                title=f"Outcome of stalking crimes recorded in {period}, {area} (% of crimes)",
                x_title="Per cent of stalking crimes recorded",
                y_title=None,
                x_format=".1f",
            )
        )
        text_alternative(
            f"{fmt_count(crimes['crimes'], crimes['crimes_marker'])} stalking crimes recorded. "
            + "; ".join(
                f"{r['outcome']}: {fmt_pct(r['share_pct'], r['outcomes_marker'])}"
                for r in mix.iter_rows(named=True)
            )
            + "."
        )
    if not mix.is_empty():
        show_table(
            mix.select("outcome", "outcome_group", "outcomes", "outcomes_marker", "share_pct"),
            f"Outcome mix {area} {period}",
            counts=["outcomes"],
            pct=["share_pct"],
            caption="Share of all stalking crimes recorded in the period, including those with no "
            "outcome yet",
        )
    caveat(
        "Outcomes are counted against the quarter the crime was recorded. Recent quarters have "
        "many crimes still under investigation ('not yet assigned'), so their charge rates will "
        "rise."
    )

    # --- Attrition --------------------------------------------------------------------------------
    st.subheader(f"From recorded crime to conviction, {period}: {area}")
    charged = area_counts(
        "fct_outcomes_quarterly",
        ["outcomes"],
        [],
        force_code,
        where=f"offence_code = '8Q' and outcome_type = 1 and {where}",
        params=params,
    ).row(0, named=True)
    cps = area_counts(
        "fct_prosecutions_quarterly",
        ["prosecutions_completed", "convictions"],
        [],
        force_code,
        where=f"is_stalking_offence and {where}",
        params=params,
    ).row(0, named=True)
    steps = pl.DataFrame(
        {
            "step": [
                "1. Stalking crimes recorded (police)",
                "2. Charged or summonsed (police outcome 1)",
                "3. Prosecutions completed (CPS)",
                "4. Convictions (CPS)",
            ],
            "count": [
                crimes["crimes"],
                charged["outcomes"],
                cps["prosecutions_completed"],
                cps["convictions"],
            ],
            "count_marker": [
                crimes["crimes_marker"],
                charged["outcomes_marker"],
                cps["prosecutions_completed_marker"],
                cps["convictions_marker"],
            ],
            "unit": ["crimes", "crimes", "defendants", "defendants"],
        },
        schema={"step": pl.String, "count": pl.Int64, "count_marker": pl.String, "unit": pl.String},
    )
    charts.show(
        charts.bar_chart(
            steps.filter(pl.col("count").is_not_null()),
            x="count",
            y="step",
            title=f"Attrition of stalking cases, {area}, {period}",
            x_title="Count (crimes for steps 1-2, defendants for steps 3-4)",
            y_title=None,
        )
    )
    text_alternative(
        "; ".join(
            f"{r['step'][3:]}: {fmt_count(r['count'], r['count_marker'])} {r['unit']}"
            for r in steps.iter_rows(named=True)
        )
        + "."
    )
    show_table(steps, f"Attrition {area} {period}", counts=["count"])
    caveat(
        "Steps 1-2 and 3-4 are different counting units and times, so they cannot be read as one "
        "funnel. Police figures count crimes, by the quarter the crime was recorded; CPS figures "
        "count defendants, by the quarter the prosecution finished, which is often a later year "
        "than the crime. One defendant may be charged for several crimes, and CPS flags offences "
        "by "
        "the Act charged (s2A, s4A), which can differ from the police crime code. CPS areas are "
        "mapped to forces where a CPS area covers more than one force."
    )

    # --- By force --------------------------------------------------------------------------------
    st.subheader(f"All forces, {period}")
    metrics_by_force = metric_columns(["stalking_rate", "charge_rate", "conviction_rate"], period)
    by_force = (
        forces()
        .select("force_code", "force_name")
        .join(
            metrics_by_force.select(
                "force_code",
                pl.col("stalking_rate_numerator").alias("stalking_crimes"),
                pl.col("stalking_rate_numerator_marker").alias("stalking_crimes_marker"),
                pl.col("^(charge|conviction)_rate_.*$"),
            ),
            on="force_code",
            how="left",
        )
        .rename(
            {
                "charge_rate_denominator": "outcomes_assigned",
                "charge_rate_denominator_marker": "outcomes_assigned_marker",
                "charge_rate_numerator": "charged",
                "charge_rate_numerator_marker": "charged_marker",
                "charge_rate_value": "charge_rate_pct",
                "charge_rate_marker": "charge_rate_pct_marker",
                "conviction_rate_denominator": "prosecutions_completed",
                "conviction_rate_denominator_marker": "prosecutions_completed_marker",
                "conviction_rate_numerator": "convictions",
                "conviction_rate_numerator_marker": "convictions_marker",
                "conviction_rate_value": "conviction_rate_pct",
                "conviction_rate_marker": "conviction_rate_pct_marker",
            }
        )
    )
    show_table(
        by_force,
        f"Justice outcomes by force {period}",
        counts=[
            "stalking_crimes",
            "outcomes_assigned",
            "charged",
            "prosecutions_completed",
            "convictions",
        ],
        pct=["charge_rate_pct", "conviction_rate_pct"],
        caption="Charge rate: charged or summonsed as a share of stalking crimes with an outcome "
        "assigned. Conviction rate: CPS convictions as a share of prosecutions completed "
        "(stalking offences). Intervals and funnel classes are on the Force comparison page",
    )


if __name__ == "__main__":
    main()
