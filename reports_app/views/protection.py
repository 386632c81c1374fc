"""Protection: Stalking Protection Orders, screening, risk assessment and MASIP referral."""

from __future__ import annotations

import polars as pl
import polars.selectors as cs
import streamlit as st

from reports_app import charts
from reports_app.components import (
    caveat,
    choose_area_and_period,
    fmt_count,
    ratio_pct,
    show_table,
    text_alternative,
)
from reports_app.data import QUARTER_SQL, area_counts, forces, metric, metric_columns
from reports_app.format import stacked

# Every chart on this page is a line over financial quarters.
BY_QUARTER = {"x": "period", "x_title": "Financial quarter"}


def main() -> None:
    st.title("Protection")
    st.write(
        "Stalking Protection Orders (SPOs) applied for, granted and breached, set against the "
        "stalking crimes recorded; and how often forces screen, risk-assess and refer stalking "
        "cases to a Multi-Agency Stalking Intervention Programme (MASIP)."
    )

    force_code, period, area = choose_area_and_period()

    SPO = ["applications", "granted", "refused", "withdrawn", "pending", "breaches"]
    RESPONSE = ["stalking_crimes", "screened", "risk_assessed", "high_risk", "masip_referred"]

    # --- SPOs -------------------------------------------------------------------------------------
    st.subheader(f"Stalking Protection Orders: {area}")
    spo_trend = area_counts("fct_spo_quarterly", SPO, [f"{QUARTER_SQL} as period"], force_code)
    crime_trend = area_counts(
        "fct_stalking_response_quarterly", RESPONSE, [f"{QUARTER_SQL} as period"], force_code
    )
    trend = crime_trend.join(spo_trend, on="period", how="left").with_columns(
        (
            pl.when(pl.col("stalking_crimes") > 0).then(
                pl.col("applications") / pl.col("stalking_crimes") * 100
            )
        ).alias("applications_per_100_crimes"),
        ratio_pct(pl.col("granted"), pl.col("granted") + pl.col("refused")).alias("grant_rate_pct"),
        ratio_pct(pl.col("screened"), pl.col("stalking_crimes")).alias("screened_pct"),
        ratio_pct(pl.col("risk_assessed"), pl.col("stalking_crimes")).alias("risk_assessed_pct"),
        ratio_pct(pl.col("high_risk"), pl.col("risk_assessed")).alias("high_risk_pct"),
        ratio_pct(pl.col("masip_referred"), pl.col("stalking_crimes")).alias("masip_referred_pct"),
    )
    long = stacked(
        trend,
        "period",
        {"applications": "Applications", "granted": "Granted", "breaches": "Breaches"},
        name="measure",
        value="count",
    )
    charts.show_side_by_side(
        charts.line_chart(
            long,
            y="count",
            **BY_QUARTER,
            colour="measure",
            colour_title="SPOs",
            title=charts.titled("SPO applications, grants and breaches", area),
            y_title="Count",
        ),
        charts.line_chart(
            trend.select("period", "applications_per_100_crimes"),
            y="applications_per_100_crimes",
            **BY_QUARTER,
            title=charts.titled(metric("spo_application_rate")["metric_label"], area),
            y_title="Applications per 100 crimes",
            y_format=".1f",
        ),
    )
    text_alternative(
        "; ".join(
            f"{r['period']}: {fmt_count(r['applications'], r['applications_marker'])} "
            "applications, "
            f"{fmt_count(r['granted'], r['granted_marker'])} granted, "
            f"{fmt_count(r['breaches'], r['breaches_marker'])} breaches, "
            f"{fmt_count(r['stalking_crimes'], r['stalking_crimes_marker'])} stalking crimes"
            for r in trend.iter_rows(named=True)
        )
        + "."
    )
    caveat(
        "An SPO application in a quarter usually relates to crimes recorded earlier, so "
        "'applications per 100 crimes' is a ratio of two counts in the same quarter, not the share "
        "of crimes that led to an order. Grant rate: granted of those decided (granted or refused)."
    )

    show_table(
        trend,
        f"Protection by quarter {area}",
        counts=RESPONSE + SPO,
        pct=[
            "grant_rate_pct",
            "screened_pct",
            "risk_assessed_pct",
            "high_risk_pct",
            "masip_referred_pct",
        ],
        decimals={"applications_per_100_crimes": 1},
        area=(force_code, area),
        height=240,
    )

    # --- Screening and risk -----------------------------------------------------------------------
    st.subheader(f"Screening, risk assessment and MASIP referral: {area}")
    shares = stacked(
        trend,
        "period",
        {
            "screened_pct": "Screening tool completed (% of crimes)",
            "risk_assessed_pct": "Risk assessed (% of crimes)",
            "high_risk_pct": "Assessed high risk (% of assessed)",
            "masip_referred_pct": "Referred to a MASIP (% of crimes)",
        },
        name="measure",
        value="pct",
    )
    charts.show(
        charts.line_chart(
            shares,
            y="pct",
            **BY_QUARTER,
            colour="measure",
            colour_title="Measure",
            title=charts.titled("Screening and risk assessment of stalking crimes", area),
            y_title="Per cent",
            y_format=".1f",
            height=300,
        )
    )
    text_alternative(
        "; ".join(
            f"{r['period']}: screened {r['screened_pct'] or 0:.1f}%, risk assessed "
            f"{r['risk_assessed_pct'] or 0:.1f}%, high risk {r['high_risk_pct'] or 0:.1f}% of "
            f"assessed, MASIP {r['masip_referred_pct'] or 0:.1f}%"
            for r in trend.iter_rows(named=True)
            if r["screened_pct"] is not None
        )
        + "."
    )
    st.caption(
        "A higher screening rate is agreed to be better (ref_metrics direction). For the other "
        "measures, higher or lower is not in itself better or worse."
    )

    # --- By force -------------------------------------------------------------------------------
    st.subheader(f"All forces, {period}")
    table = (
        forces()
        .select("force_code", "force_name")
        .join(
            metric_columns(
                ["screening_rate", "masip_referral_rate", "spo_application_rate", "spo_grant_rate"],
                period,
            ),
            on="force_code",
            how="left",
        )
        .rename(
            {
                "screening_rate_denominator": "stalking_crimes",
                "screening_rate_denominator_marker": "stalking_crimes_marker",
                "screening_rate_numerator": "screened",
                "screening_rate_numerator_marker": "screened_marker",
                "screening_rate_value": "screened_pct",
                "screening_rate_marker": "screened_pct_marker",
                "masip_referral_rate_numerator": "masip_referred",
                "masip_referral_rate_numerator_marker": "masip_referred_marker",
                "masip_referral_rate_value": "masip_referred_pct",
                "masip_referral_rate_marker": "masip_referred_pct_marker",
                "spo_application_rate_numerator": "spo_applications",
                "spo_application_rate_numerator_marker": "spo_applications_marker",
                "spo_application_rate_value": "spo_applications_per_100_crimes",
                "spo_application_rate_marker": "spo_applications_per_100_crimes_marker",
                "spo_grant_rate_denominator": "spos_decided",
                "spo_grant_rate_denominator_marker": "spos_decided_marker",
                "spo_grant_rate_numerator": "spos_granted",
                "spo_grant_rate_numerator_marker": "spos_granted_marker",
                "spo_grant_rate_value": "spo_grant_rate_pct",
                "spo_grant_rate_marker": "spo_grant_rate_pct_marker",
            }
        )
        .drop(cs.matches(r"^(masip_referral_rate|spo_application_rate)_denominator"))
    )
    show_table(
        table,
        f"Protection by force {period}",
        counts=[
            "stalking_crimes",
            "screened",
            "masip_referred",
            "spo_applications",
            "spos_decided",
            "spos_granted",
        ],
        pct=["screened_pct", "masip_referred_pct", "spo_grant_rate_pct"],
        decimals={"spo_applications_per_100_crimes": 1},
        caption="Published numerators and denominators of the protection metrics. SPOs decided: "
        "granted or refused by a court",
    )


if __name__ == "__main__":
    main()
