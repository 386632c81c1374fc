"""Disclosure control of the published schema (STATISTICS.md, "Disclosure control").

On the demo pipeline's serving file:
- no count of 1 to 4 appears in any published table (every integer column is scanned except
  the ones listed in NOT_COUNTS, each with its reason);
- an independent recovery attack, written here from the published rows only (not from the dbt
  groups): every linear equation an outsider can form between published figures (national
  totals, row sums, outcomes against recorded crimes, the stalking response against the
  outcomes, advocacy service totals and carried caseloads, the reconciliation's differences,
  and the comparison figures with their national and regional values) is solved repeatedly
  for any equation with exactly one unknown; no suppressed cell may ever be recovered.

And on a constructed case (the disclosure_suppress macro rendered by `dbt compile --inline`):
primary suppression alone gives a cell away, the secondary suppression stops it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

REPO = Path(__file__).resolve().parents[1]
DBT_PROJECT = REPO / "dbt_project"
DBT = Path(sys.executable).with_name("dbt")
TOTAL = "K04000001"

PUBLISHED_TABLES = {
    "dim_force",
    "fct_recorded_crime_quarterly",
    "fct_outcomes_quarterly",
    "fct_stalking_response_quarterly",
    "fct_spo_quarterly",
    "fct_prosecutions_quarterly",
    "fct_courses_of_conduct_yearly",
    "fct_helpline_monthly",
    "helpline_regional_monthly",
    "fct_advocacy_monthly",
    "force_comparisons",
    "funnel_limits",
    "home_office_recorded_crime",
    "ons_pfa_recorded_crime",
    "reconciliation_home_office",
}

# Integer columns of published tables that are not counts under disclosure control.
NOT_COUNTS = {
    "dim_force": {
        "population": "resident population (public ONS estimate)",
        "households": "households (public ONS estimate)",
    },
    "funnel_limits": {"step": "grid step 0..59"},
    "fct_outcomes_quarterly": {"outcome_type": "Home Office outcome type code"},
    "home_office_recorded_crime": {"offences": "already published by the Home Office"},
    "ons_pfa_recorded_crime": {
        "offences": "already published by ONS",
        "population": "resident population (public ONS estimate)",
    },
    "reconciliation_home_office": {
        "home_office_offences": "already published by the Home Office",
        "difference": "a signed difference from a public count, not a count",
    },
}
INTEGER_TYPES = {
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
}

COUNTS = {
    "fct_recorded_crime_quarterly": (
        ["force_code", "financial_year", "fy_quarter", "offence_code"],
        ["crimes"],
    ),
    "fct_outcomes_quarterly": (
        ["force_code", "financial_year", "fy_quarter", "offence_code", "outcome_type"],
        ["outcomes"],
    ),
    "fct_stalking_response_quarterly": (
        ["force_code", "financial_year", "fy_quarter"],
        [
            "stalking_crimes",
            "screened",
            "risk_assessed",
            "high_risk",
            "masip_referred",
            "outcomes_assigned",
            "charged_summonsed",
            "evidential_difficulties",
            "cyber_enabled",
            "domestic",
        ],
    ),
    "fct_spo_quarterly": (
        ["force_code", "financial_year", "fy_quarter"],
        ["applications", "granted", "refused", "withdrawn", "pending", "breaches"],
    ),
    "fct_prosecutions_quarterly": (
        ["force_code", "financial_year", "fy_quarter", "offence_act"],
        ["pre_charge_decisions", "charged", "prosecutions_completed", "convictions"],
    ),
    "fct_courses_of_conduct_yearly": (
        ["force_code", "financial_year"],
        [
            "courses_of_conduct",
            "recognised_as_stalking",
            "possible_unrecognised",
            "crimes_in_courses",
        ],
    ),
    "fct_helpline_monthly": (
        ["month", "force_code", "channel", "region_code"],
        ["contacts", "answered", "unanswered"],
    ),
    "helpline_regional_monthly": (
        ["month", "region_code", "channel"],
        ["contacts", "answered", "unanswered"],
    ),
    "fct_advocacy_monthly": (
        ["month", "service_name", "force_code"],
        [
            "referrals_received",
            "cases_opened",
            "cases_closed",
            "open_cases_end",
            "waiting_list_end",
        ],
    ),
    "reconciliation_home_office": (
        ["force_code", "financial_year", "fy_quarter"],
        ["extract_crimes"],
    ),
}


# ---------------------------------------------------------------------- the attacker ----


def cell_expr(table: str, measure: str, keys: list[str]) -> pl.Expr:
    parts = [pl.lit(table), pl.lit(measure)]
    parts += [pl.col(k).cast(pl.Utf8).fill_null("~") for k in keys]
    return pl.concat_str(parts, separator="|")


def term(eq: pl.Expr, cell: pl.Expr, coeff: float | pl.Expr) -> list[pl.Expr]:
    coeff = coeff if isinstance(coeff, pl.Expr) else pl.lit(float(coeff))
    return [eq.alias("eq"), cell.alias("cell"), coeff.cast(pl.Float64).alias("coeff")]


class Attack:
    """Equations an outsider can form from the published rows, and their iterative solution."""

    def __init__(self, tables: dict[str, pl.DataFrame], territorial: list[str]):
        self.t = tables
        self.territorial = territorial
        self.cells: list[pl.DataFrame] = []
        self.terms: list[pl.DataFrame] = []
        self.constants: list[pl.DataFrame] = []

    # -- cells
    def add_cells(
        self,
        table: str,
        keys: list[str],
        measures: list[str],
        frame: pl.DataFrame | None = None,
        markers: dict[str, str] | None = None,
    ):
        frame = self.t[table] if frame is None else frame
        markers = markers or {}
        for measure in measures:
            marker = markers.get(measure, f"{measure}_marker")
            self.cells.append(
                frame.select(
                    cell_expr(table, measure, keys).alias("cell"),
                    pl.col(measure).cast(pl.Float64).alias("value"),
                    (pl.col(marker) == "[c]").fill_null(False).alias("suppressed"),
                )
            )

    def add_terms(self, frame: pl.DataFrame, eq: pl.Expr, cell: pl.Expr, coeff):
        self.terms.append(frame.select(term(eq, cell, coeff)))

    def add_constants(self, frame: pl.DataFrame, eq: pl.Expr, constant: pl.Expr):
        self.constants.append(frame.select(eq.alias("eq"), constant.cast(pl.Float64).alias("c")))

    # -- equation families
    def across_forces(
        self,
        table: str,
        keys: list[str],
        measures: list[str],
        by: list[str],
        frame: pl.DataFrame | None = None,
    ):
        """A national total minus the territorial forces it sums = 0."""
        frame = self.t[table] if frame is None else frame
        frame = frame.filter(pl.col("force_code").is_in([*self.territorial, TOTAL]))
        for measure in measures:
            eq = cell_expr(f"{table}~across", measure, by)
            coeff = pl.when(pl.col("force_code") == TOTAL).then(1.0).otherwise(-1.0)
            self.add_terms(frame, eq, cell_expr(table, measure, keys), coeff)

    def row_sum(self, table: str, keys: list[str], total: str, parts: list[str]):
        frame = self.t[table]
        eq = cell_expr(f"{table}~row", total, keys)
        self.add_terms(frame, eq, cell_expr(table, total, keys), 1.0)
        for part in parts:
            self.add_terms(frame, eq, cell_expr(table, part, keys), -1.0)

    def identity(self, frame: pl.DataFrame, name: str, left: pl.Expr, right: pl.Expr, key: pl.Expr):
        eq = pl.concat_str([pl.lit(name), key], separator="|")
        self.add_terms(frame, eq, left, 1.0)
        self.add_terms(frame, eq, right, -1.0)

    # -- solving
    def solve(self, reveal: set[str] | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Solve every equation with exactly one unknown until none is left. Returns the
        recovered suppressed cells and all cells."""
        cells = pl.concat(self.cells).unique("cell", keep="first")
        if reveal:
            cells = cells.with_columns(
                suppressed=pl.col("suppressed") & ~pl.col("cell").is_in(list(reveal))
            )
        terms = pl.concat(self.terms).filter(pl.col("coeff").abs() > 1e-12)
        terms = terms.group_by("eq", "cell").agg(pl.col("coeff").sum())
        terms = terms.filter(pl.col("coeff").abs() > 1e-12)
        constants = (
            pl.concat(self.constants).group_by("eq").agg(pl.col("c").sum())
            if self.constants
            else pl.DataFrame(schema={"eq": pl.Utf8, "c": pl.Float64})
        )
        # Cells with no published row are zero (a known value); suppressed cells are unknown.
        known = cells.select(
            "cell",
            pl.when(pl.col("suppressed"))
            .then(None)
            .otherwise(pl.col("value").fill_null(0.0))
            .alias("value"),
        )
        unknown = set(cells.filter(pl.col("suppressed"))["cell"].to_list())
        recovered: dict[str, float] = {}
        while True:
            joined = (
                terms.join(known, on="cell", how="left")
                .with_columns(
                    is_unknown=pl.col("cell").is_in(list(unknown - recovered.keys())),
                )
                .with_columns(
                    value=pl.when(pl.col("is_unknown"))
                    .then(None)
                    .otherwise(pl.col("value").fill_null(0.0)),
                )
            )
            solvable = (
                joined.group_by("eq")
                .agg(
                    pl.col("is_unknown").sum().alias("unknowns"),
                    (pl.col("coeff") * pl.col("value")).sum().alias("known_sum"),
                    pl.col("cell").filter(pl.col("is_unknown")).first().alias("target"),
                    pl.col("coeff").filter(pl.col("is_unknown")).first().alias("target_coeff"),
                )
                .filter(pl.col("unknowns") == 1)
                .join(constants, on="eq", how="left")
                .with_columns(
                    solved=(pl.col("c").fill_null(0.0) - pl.col("known_sum"))
                    / pl.col("target_coeff")
                )
                .sort("eq")
                .unique("target", keep="first")
            )
            if solvable.is_empty():
                break
            for target, value in solvable.select("target", "solved").iter_rows():
                recovered[target] = value
            known = pl.concat(
                [
                    known.filter(~pl.col("cell").is_in(solvable["target"].to_list())),
                    solvable.select(
                        pl.col("target").alias("cell"), pl.col("solved").alias("value")
                    ),
                ]
            )
        recovered_frame = pl.DataFrame(
            {"cell": list(recovered), "value": list(recovered.values())},
            schema={"cell": pl.Utf8, "value": pl.Float64},
        )
        return recovered_frame, cells


def load_published(serving_db: Path) -> dict[str, pl.DataFrame]:
    with duckdb.connect(str(serving_db), read_only=True) as con:
        return {t: con.sql(f"select * from published.{t}").pl() for t in PUBLISHED_TABLES}


def build_attack(tables: dict[str, pl.DataFrame]) -> Attack:
    forces = tables["dim_force"]
    territorial = forces.filter(pl.col("is_territorial"))["force_code"].to_list()
    attack = Attack(tables, territorial)

    for table, (keys, measures) in COUNTS.items():
        attack.add_cells(table, keys, measures)
    rc_keys, _ = COUNTS["fct_recorded_crime_quarterly"]
    out_keys, _ = COUNTS["fct_outcomes_quarterly"]
    sr_keys, sr_measures = COUNTS["fct_stalking_response_quarterly"]
    quarter = ["financial_year", "fy_quarter"]

    # National totals over the territorial forces.
    for table, (keys, measures) in COUNTS.items():
        if table == "helpline_regional_monthly":
            continue
        if table == "fct_advocacy_monthly":
            frame = tables[table].filter(pl.col("service_name") != "All services")
            attack.across_forces(table, keys, measures, ["month", "service_name"], frame)
        elif table == "fct_helpline_monthly":
            attack.across_forces(table, keys, measures, ["month", "channel"])
        else:
            attack.across_forces(table, keys, measures, [k for k in keys if k != "force_code"])

    # Row sums.
    attack.row_sum(
        "fct_spo_quarterly",
        COUNTS["fct_spo_quarterly"][0],
        "applications",
        ["granted", "refused", "withdrawn", "pending"],
    )
    attack.row_sum(
        "fct_courses_of_conduct_yearly",
        COUNTS["fct_courses_of_conduct_yearly"][0],
        "courses_of_conduct",
        ["recognised_as_stalking", "possible_unrecognised"],
    )
    for table in ("fct_helpline_monthly", "helpline_regional_monthly"):
        attack.row_sum(table, COUNTS[table][0], "contacts", ["answered", "unanswered"])
    add_helpline_region_equations(attack, tables)

    # Outcomes of a force-quarter-offence sum to its recorded crimes.
    outcomes = tables["fct_outcomes_quarterly"]
    crimes = tables["fct_recorded_crime_quarterly"]
    eq = cell_expr("outcomes_by_type", "", rc_keys)
    attack.add_terms(outcomes, eq, cell_expr("fct_outcomes_quarterly", "outcomes", out_keys), -1)
    with_outcomes = crimes.join(outcomes.select(rc_keys).unique(), on=rc_keys, how="semi")
    attack.add_terms(
        with_outcomes, eq, cell_expr("fct_recorded_crime_quarterly", "crimes", rc_keys), 1
    )

    # The stalking response against recorded crime and outcomes of stalking crimes.
    response = tables["fct_stalking_response_quarterly"]
    sr = "fct_stalking_response_quarterly"
    rc_8q = pl.concat_str(
        [
            pl.lit("fct_recorded_crime_quarterly|crimes"),
            *[pl.col(k).fill_null("~") for k in sr_keys],
            pl.lit("8Q"),
        ],
        separator="|",
    )

    def outcome_cell(outcome_type: pl.Expr) -> pl.Expr:
        return pl.concat_str(
            [
                pl.lit("fct_outcomes_quarterly|outcomes"),
                *[pl.col(k).fill_null("~") for k in sr_keys],
                pl.lit("8Q"),
                outcome_type.cast(pl.Utf8),
            ],
            separator="|",
        )

    key = pl.concat_str([pl.col(k) for k in sr_keys], separator="|")
    attack.identity(response, "sr_crimes", cell_expr(sr, "stalking_crimes", sr_keys), rc_8q, key)
    attack.identity(
        response,
        "sr_charged",
        cell_expr(sr, "charged_summonsed", sr_keys),
        outcome_cell(pl.lit(1)),
        key,
    )
    stalking_outcomes = outcomes.filter(pl.col("offence_code") == "8Q")
    for name, measure, types in [
        ("sr_assigned", "outcomes_assigned", range(1, 100)),
        ("sr_evidential", "evidential_difficulties", range(14, 17)),
    ]:
        eq = pl.concat_str([pl.lit(name), key], separator="|")
        attack.add_terms(response, eq, cell_expr(sr, measure, sr_keys), 1)
        chosen = stalking_outcomes.filter(pl.col("outcome_type").is_in(list(types)))
        attack.add_terms(chosen, eq, outcome_cell(pl.col("outcome_type")), -1)
    eq = pl.concat_str([pl.lit("sr_split"), key], separator="|")
    attack.add_terms(response, eq, rc_8q, 1)
    attack.add_terms(response, eq, cell_expr(sr, "outcomes_assigned", sr_keys), -1)
    attack.add_terms(response, eq, outcome_cell(pl.lit(0)), -1)

    # The reconciliation: the extract count is the recorded 8Q count; extract - difference =
    # the (public) Home Office count; its national total sums its forces.
    recon = tables["reconciliation_home_office"]
    attack.add_cells(
        "reconciliation_home_office",
        sr_keys,
        ["difference"],
        recon,
        {"difference": "difference_marker"},
    )
    recon_forces = recon.filter(pl.col("force_code") != TOTAL).group_by(quarter).len("n")
    crime_forces = (
        crimes.filter(pl.col("offence_code") == "8Q", pl.col("force_code") != TOTAL)
        .group_by(quarter)
        .len("n")
    )
    full = recon_forces.join(crime_forces, on=[*quarter, "n"], how="semi")
    recon_same = recon.filter(pl.col("force_code") != TOTAL).vstack(
        recon.filter(pl.col("force_code") == TOTAL).join(full, on=quarter, how="semi")
    )
    attack.identity(
        recon_same,
        "recon_extract",
        cell_expr("reconciliation_home_office", "extract_crimes", sr_keys),
        rc_8q,
        key,
    )
    eq = pl.concat_str([pl.lit("recon_difference"), key], separator="|")
    attack.add_terms(
        recon, eq, cell_expr("reconciliation_home_office", "extract_crimes", sr_keys), 1
    )
    attack.add_terms(recon, eq, cell_expr("reconciliation_home_office", "difference", sr_keys), -1)
    attack.add_constants(recon, eq, pl.col("home_office_offences"))

    # Advocacy: service totals sum to the all-services total; caseloads carry over months.
    adv = "fct_advocacy_monthly"
    adv_keys, adv_measures = COUNTS[adv]
    advocacy = tables[adv]
    service_totals = advocacy.filter(pl.col("force_code") == TOTAL)
    for measure in adv_measures:
        eq = pl.concat_str(
            [pl.lit("adv_services"), pl.lit(measure), pl.col("month")], separator="|"
        )
        coeff = pl.when(pl.col("service_name") == "All services").then(1.0).otherwise(-1.0)
        attack.add_terms(service_totals, eq, cell_expr(adv, measure, adv_keys), coeff)
    months = advocacy.with_columns(
        previous=pl.col("month").str.to_date("%Y-%m").dt.offset_by("-1mo").dt.strftime("%Y-%m")
    )
    pairs = months.join(
        months.select("month", "service_name", "force_code"),
        left_on=["previous", "service_name", "force_code"],
        right_on=["month", "service_name", "force_code"],
        how="semi",
    )
    eq = pl.concat_str([pl.lit("adv_flow"), *[pl.col(k) for k in adv_keys]], separator="|")
    previous_open = cell_expr(adv, "open_cases_end", ["previous", "service_name", "force_code"])
    attack.add_terms(pairs, eq, cell_expr(adv, "open_cases_end", adv_keys), 1)
    attack.add_terms(pairs, eq, previous_open, -1)
    attack.add_terms(pairs, eq, cell_expr(adv, "cases_opened", adv_keys), -1)
    attack.add_terms(pairs, eq, cell_expr(adv, "cases_closed", adv_keys), 1)

    add_comparison_equations(attack, tables, territorial)
    return attack


def add_helpline_region_equations(attack: Attack, tables: dict[str, pl.DataFrame]) -> None:
    """A region's contacts by channel = its territorial force areas + its area-not-known
    contacts; its 'all' row = its channels; per month and channel, the regions = the England
    and Wales row + every area-not-known contact."""
    helpline, regional = tables["fct_helpline_monthly"], tables["helpline_regional_monthly"]
    hl_keys, measures = COUNTS["fct_helpline_monthly"]
    rg_keys = COUNTS["helpline_regional_monthly"][0]
    areas = helpline.filter(
        pl.col("force_code").is_null() | pl.col("force_code").is_in(attack.territorial)
    )
    by_channel = regional.filter(pl.col("channel") != "all")
    for measure in measures:
        eq = cell_expr("region", measure, ["month", "region_code", "channel"])
        attack.add_terms(
            by_channel, eq, cell_expr("helpline_regional_monthly", measure, rg_keys), 1
        )
        attack.add_terms(areas, eq, cell_expr("fct_helpline_monthly", measure, hl_keys), -1)
        eq = cell_expr("region_channels", measure, ["month", "region_code"])
        coeff = pl.when(pl.col("channel") == "all").then(1.0).otherwise(-1.0)
        attack.add_terms(
            regional, eq, cell_expr("helpline_regional_monthly", measure, rg_keys), coeff
        )
        eq = cell_expr("regions_national", measure, ["month", "channel"])
        attack.add_terms(
            by_channel, eq, cell_expr("helpline_regional_monthly", measure, rg_keys), 1
        )
        rest = helpline.filter(pl.col("force_code").is_null() | (pl.col("force_code") == TOTAL))
        attack.add_terms(rest, eq, cell_expr("fct_helpline_monthly", measure, hl_keys), -1)


def add_comparison_equations(
    attack: Attack, tables: dict[str, pl.DataFrame], territorial: list[str]
) -> None:
    """force_comparisons: each numerator and count denominator against the published counts it
    is built from; a year against its quarters; the national and region values against the
    forces' figures."""
    fc = tables["force_comparisons"]
    fc_keys = ["metric_id", "force_code", "period_type", "period"]
    attack.add_cells(
        "force_comparisons",
        fc_keys,
        ["numerator", "denominator"],
        fc,
        {"numerator": "numerator_marker", "denominator": "denominator_marker"},
    )
    quarter_keys = ["force_code", "financial_year", "fy_quarter"]

    def source(frame: pl.DataFrame, table: str, keys: list[str], measure: str) -> pl.DataFrame:
        return frame.select(*quarter_keys, cell_expr(table, measure, keys).alias("cell"))

    crimes, response = (
        tables["fct_recorded_crime_quarterly"],
        tables["fct_stalking_response_quarterly"],
    )
    rc_keys = COUNTS["fct_recorded_crime_quarterly"][0]
    sr_keys = COUNTS["fct_stalking_response_quarterly"][0]
    spo_keys = COUNTS["fct_spo_quarterly"][0]
    pros_keys = COUNTS["fct_prosecutions_quarterly"][0]
    hl_keys = COUNTS["fct_helpline_monthly"][0]
    helpline = tables["fct_helpline_monthly"].filter(pl.col("force_code").is_not_null())
    month = pl.col("month").str.to_date("%Y-%m")
    helpline = helpline.with_columns(
        financial_year=pl.format(
            "{}/{}",
            month.dt.year() - (month.dt.month() < 4).cast(pl.Int32),
            ((month.dt.year() + (month.dt.month() >= 4).cast(pl.Int32)) % 100)
            .cast(pl.Utf8)
            .str.zfill(2),
        ),
        fy_quarter=pl.format("Q{}", ((month.dt.month() + 8) % 12) // 3 + 1),
    )
    spo = tables["fct_spo_quarterly"]
    pros = tables["fct_prosecutions_quarterly"].filter(pl.col("is_stalking_offence"))
    inputs = {
        "stalking_crimes": source(
            crimes.filter(pl.col("offence_code") == "8Q"),
            "fct_recorded_crime_quarterly",
            rc_keys,
            "crimes",
        ),
        "stalking_harassment_crimes": source(
            crimes, "fct_recorded_crime_quarterly", rc_keys, "crimes"
        ),
        "spo_applications": source(spo, "fct_spo_quarterly", spo_keys, "applications"),
        "spo_granted": source(spo, "fct_spo_quarterly", spo_keys, "granted"),
        "spo_decided": pl.concat(
            [
                source(spo, "fct_spo_quarterly", spo_keys, "granted"),
                source(spo, "fct_spo_quarterly", spo_keys, "refused"),
            ]
        ),
        "convictions": source(pros, "fct_prosecutions_quarterly", pros_keys, "convictions"),
        "prosecutions_completed": source(
            pros, "fct_prosecutions_quarterly", pros_keys, "prosecutions_completed"
        ),
        "helpline_contacts": source(helpline, "fct_helpline_monthly", hl_keys, "contacts"),
        "helpline_answered": source(helpline, "fct_helpline_monthly", hl_keys, "answered"),
    }
    for measure in [
        "screened",
        "risk_assessed",
        "high_risk",
        "masip_referred",
        "outcomes_assigned",
        "charged_summonsed",
        "evidential_difficulties",
    ]:
        inputs[measure] = source(response, "fct_stalking_response_quarterly", sr_keys, measure)
    metric_inputs = {
        "stalking_rate": ("stalking_crimes", None),
        "stalking_harassment_rate": ("stalking_harassment_crimes", None),
        "stalking_share": ("stalking_crimes", "stalking_harassment_crimes"),
        "screening_rate": ("screened", "stalking_crimes"),
        "high_risk_share": ("high_risk", "risk_assessed"),
        "charge_rate": ("charged_summonsed", "outcomes_assigned"),
        "evidential_difficulties_share": ("evidential_difficulties", "outcomes_assigned"),
        "spo_application_rate": ("spo_applications", "stalking_crimes"),
        "spo_grant_rate": ("spo_granted", "spo_decided"),
        "masip_referral_rate": ("masip_referred", "stalking_crimes"),
        "conviction_rate": ("convictions", "prosecutions_completed"),
        "helpline_contacts_rate": ("helpline_contacts", None),
        "helpline_answer_rate": ("helpline_answered", "helpline_contacts"),
    }
    quarters = fc.filter(pl.col("period_type") == "quarter")
    for metric_id, roles in metric_inputs.items():
        rows = quarters.filter(pl.col("metric_id") == metric_id)
        for role, name in zip(("numerator", "denominator"), roles, strict=True):
            if name is None:
                continue
            eq = cell_expr("fc_source", role, fc_keys)
            attack.add_terms(rows, eq, cell_expr("force_comparisons", role, fc_keys), 1)
            parts = rows.join(inputs[name], on=quarter_keys, how="inner")
            attack.add_terms(parts, eq, pl.col("cell"), -1)

    # A year's flows sum its quarters (advocacy caseloads are stocks: skipped; population
    # denominators are not sums).
    years = fc.filter(
        pl.col("period_type") == "financial_year", pl.col("metric_id").is_in(list(metric_inputs))
    )
    quarter_rows = quarters.select(
        "metric_id",
        "force_code",
        "financial_year",
        pl.col("period").alias("quarter_period"),
        pl.lit("quarter").alias("quarter_type"),
    )
    for role in ("numerator", "denominator"):
        rows = (
            years
            if role == "numerator"
            else years.filter(
                pl.col("metric_id").is_in([m for m, (_n, d) in metric_inputs.items() if d])
            )
        )
        eq = cell_expr("fc_year", role, fc_keys)
        attack.add_terms(rows, eq, cell_expr("force_comparisons", role, fc_keys), 1)
        parts = rows.join(quarter_rows, on=["metric_id", "force_code", "financial_year"])
        attack.add_terms(
            parts,
            eq,
            cell_expr(
                "force_comparisons",
                role,
                ["metric_id", "force_code", "quarter_type", "quarter_period"],
            ),
            -1,
        )

    # National and region values: sum(num) - value * sum(den) = 0 (count denominators), or
    # sum(num) = value * population / multiplier (population denominators).
    population = tables["dim_force"].select("force_code", "population")
    fc = fc.join(population, on="force_code", how="left").filter(
        pl.col("force_code").is_in(territorial)
    )
    is_population = pl.col("metric_id").is_in(
        ["stalking_rate", "stalking_harassment_rate", "helpline_contacts_rate"]
    )
    for level, value_column, group in [
        ("national", "national_value", []),
        ("region", "region_value", ["region_code"]),
    ]:
        rows = fc.filter(pl.col(value_column).is_not_null())
        eq_parts = [
            pl.lit(level),
            pl.col("metric_id"),
            pl.col("period_type"),
            pl.col("period"),
            *[pl.col(g) for g in group],
        ]
        eq = pl.concat_str(eq_parts, separator="|")
        attack.add_terms(rows, eq, cell_expr("force_comparisons", "numerator", fc_keys), 1)
        counts = rows.filter(~is_population)
        attack.add_terms(
            counts,
            eq,
            cell_expr("force_comparisons", "denominator", fc_keys),
            -pl.col(value_column),
        )
        rates = rows.filter(is_population)
        attack.add_constants(
            rates, eq, pl.col(value_column) * pl.col("population") / pl.col("multiplier")
        )


# ------------------------------------------------------------------------------ tests ----


@pytest.fixture(scope="module")
def published(demo_pipeline) -> dict[str, pl.DataFrame]:
    return load_published(demo_pipeline.public_db)


@pytest.mark.xdist_group("demo_pipeline")
def test_published_schema_has_every_contract_table(demo_pipeline):
    with duckdb.connect(str(demo_pipeline.public_db), read_only=True) as con:
        tables = {
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'published'"
            ).fetchall()
        }
        schemas = {
            r[0] for r in con.execute("select distinct schema_name from duckdb_tables()").fetchall()
        }
    assert tables == PUBLISHED_TABLES
    assert "disclosure" not in schemas, "the disclosure working tables must never be served"


@pytest.mark.xdist_group("demo_pipeline")
def test_no_count_from_1_to_4_in_any_published_table(demo_pipeline):
    with duckdb.connect(str(demo_pipeline.public_db), read_only=True) as con:
        columns = con.execute(
            "select table_name, column_name, data_type from duckdb_columns() "
            "where schema_name = 'published' order by 1, 2"
        ).fetchall()
        scanned, small = [], {}
        for table, column, data_type in columns:
            exempt = NOT_COUNTS.get(table, {})
            counts_here = data_type in INTEGER_TYPES or (
                table == "force_comparisons" and column in ("numerator", "denominator")
            )
            if not counts_here or column in exempt:
                continue
            if table in COUNTS:
                assert data_type == "BIGINT", f"{table}.{column} is {data_type}, not BIGINT"
            found = con.execute(
                f'select count(*) from published.{table} where "{column}" between 1 and 4'
            ).fetchone()[0]
            scanned.append(f"{table}.{column}")
            if found:
                small[f"{table}.{column}"] = found
    assert not small, f"counts of 1 to 4 published: {small}"
    # Every integer column is either a controlled count or listed in NOT_COUNTS.
    expected = {f"{t}.{m}" for t, (_keys, measures) in COUNTS.items() for m in measures}
    expected |= {"force_comparisons.numerator", "force_comparisons.denominator"}
    assert set(scanned) == expected


@pytest.mark.xdist_group("demo_pipeline")
def test_markers_match_suppressed_counts_and_totals_exist(published):
    for table, (_keys, measures) in COUNTS.items():
        frame = published[table]
        if "force_code" in frame.columns:
            totals = frame.filter(pl.col("force_code") == TOTAL)
            assert totals.height > 0, f"{table}: no national totals"
            if table != "fct_advocacy_monthly":
                assert set(totals["area_label"]) == {"England and Wales"}
        for measure in measures:
            mismatch = frame.filter(
                pl.col(measure).is_null() != (pl.col(f"{measure}_marker") == "[c]").fill_null(False)
            )
            assert mismatch.is_empty(), f"{table}.{measure}: value and marker disagree"
    for table in ("fct_recorded_crime_quarterly", "fct_spo_quarterly"):
        frame = published[table]
        bad = frame.filter(
            pl.col("is_revised") != (pl.col("revised_marker") == "[r]").fill_null(False)
        )
        assert bad.is_empty()
    fc = published["force_comparisons"]
    withheld = fc.filter(pl.col("value_marker") == "[c]")
    for column in (
        "numerator",
        "denominator",
        "value",
        "ci95_low",
        "ci95_high",
        "ci998_low",
        "ci998_high",
        "funnel_z",
    ):
        assert withheld[column].null_count() == withheld.height, column
    assert (withheld["funnel_class"] == "insufficient_data").all()
    low = fc.filter(pl.col("value_marker") == "[u]")
    assert (low["numerator"] < 10).all()
    # Low counts are flagged [u] but still classed (exact tails, STATISTICS_METHODS.md): only
    # a row without a denominator is off the funnel.
    has_denominator = low["denominator"].fill_null(0) > 0
    assert (low.filter(has_denominator)["funnel_class"] != "insufficient_data").all()
    assert (low.filter(~has_denominator)["funnel_class"] == "insufficient_data").all()
    assert fc.filter(pl.col("value_marker").is_null(), pl.col("numerator") < 10).is_empty()


@pytest.mark.xdist_group("demo_pipeline")
def test_recovery_attack_recovers_no_suppressed_cell(published):
    attack = build_attack(published)
    recovered, cells = attack.solve()
    suppressed = cells.filter(pl.col("suppressed"))
    assert suppressed.height > 100, "the demo should have plenty of suppression to attack"
    leaked = recovered.join(suppressed.select("cell"), on="cell", how="semi").with_columns(
        table=pl.col("cell").str.split("|").list.first()
    )
    counts = leaked.filter(pl.col("table").is_in(list(COUNTS)))
    assert counts.is_empty(), f"suppressed counts recovered by subtraction:\n{counts.head(20)}"
    # A comparison withholds its numerator and denominator together; the attacker can rebuild
    # the half built from published counts (a sum of published cells, nothing new), but never
    # a small count.
    comparisons = leaked.filter(pl.col("table") == "force_comparisons")
    assert set(leaked["table"]) <= {"force_comparisons"}
    assert comparisons.filter(pl.col("value").round().is_between(1, 4)).is_empty()
    terms = pl.concat(attack.terms)
    flags = cells.select(
        "cell",
        confidential=pl.col("suppressed") & ~pl.col("cell").str.starts_with("force_comparisons|"),
    )
    source_terms = terms.filter(pl.col("eq").str.starts_with("fc_source|"), pl.col("coeff") < 0)
    quarter_flags = (
        terms.filter(pl.col("eq").str.starts_with("fc_source|"), pl.col("coeff") > 0)
        .join(
            source_terms.join(flags, on="cell", how="left")
            .group_by("eq")
            .agg(pl.col("confidential").fill_null(False).any()),
            on="eq",
        )
        .select("cell", "confidential")
    )
    year_terms = terms.filter(pl.col("eq").str.starts_with("fc_year|"))
    year_flags = (
        year_terms.filter(pl.col("coeff") > 0)
        .join(
            year_terms.filter(pl.col("coeff") < 0)
            .join(quarter_flags, on="cell", how="left")
            .group_by("eq")
            .agg(pl.col("confidential").fill_null(False).any()),
            on="eq",
        )
        .select("cell", "confidential")
    )
    built_from_suppressed = comparisons.join(
        pl.concat([quarter_flags, year_flags]).filter(pl.col("confidential")), on="cell", how="semi"
    )
    assert built_from_suppressed.is_empty(), built_from_suppressed


@pytest.mark.xdist_group("demo_pipeline")
def test_recovery_attack_works_when_secondary_suppression_is_undone(published):
    """The attacker is real: reveal one cell of each of a few two-cell groups (as if the
    secondary suppression had not happened) and it recovers the partner."""
    attack = build_attack(published)
    crimes = published["fct_recorded_crime_quarterly"]
    keys = COUNTS["fct_recorded_crime_quarterly"][0]
    suppressed = crimes.filter(pl.col("crimes_marker") == "[c]", pl.col("force_code") != TOTAL)
    pairs = suppressed.group_by("financial_year", "fy_quarter", "offence_code").agg(
        pl.len().alias("n"), pl.col("force_code").sort().first().alias("reveal")
    )
    pairs = pairs.filter(pl.col("n") == 2)
    assert pairs.height > 0
    reveal = pairs.with_columns(force_code=pl.col("reveal")).select(
        cell_expr("fct_recorded_crime_quarterly", "crimes", keys).alias("cell")
    )
    recovered, _ = attack.solve(reveal=set(reveal["cell"]))
    assert recovered.height >= pairs.height


# ------------------------------------------------------------- the constructed case ----


def dbt_compile_inline(sql: str, data_dir: Path) -> str:
    (data_dir / "warehouse").mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "STALKING_DATA_DIR": str(data_dir),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    completed = subprocess.run(
        [
            str(DBT),
            "compile",
            "--inline",
            sql,
            "--project-dir",
            str(DBT_PROJECT),
            "--profiles-dir",
            str(DBT_PROJECT),
            "--target-path",
            str(data_dir / "dbt_target"),
            "--log-path",
            str(data_dir / "dbt_logs"),
            "--output",
            "json",
            "--quiet",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, f"{completed.stdout}\n{completed.stderr}"
    return json.loads(completed.stdout[completed.stdout.index("{") :])["compiled"]


# Three forces and England and Wales; SPO-like rows (applications = granted + refused) and a
# national total per column. Force A's 3 refused is the only count under 5.
CONSTRUCTED = {
    ("A", "applications"): 9,
    ("A", "granted"): 6,
    ("A", "refused"): 3,
    ("B", "applications"): 20,
    ("B", "granted"): 12,
    ("B", "refused"): 8,
    ("C", "applications"): 30,
    ("C", "granted"): 17,
    ("C", "refused"): 13,
    ("N", "applications"): 59,
    ("N", "granted"): 35,
    ("N", "refused"): 24,
}
MEASURES = ("applications", "granted", "refused")


def constructed_sql(passes: int) -> str:
    cells = ", ".join(f"('{f}_{m}', {v})" for (f, m), v in CONSTRUCTED.items())
    groups = []
    for force in "ABCN":
        groups += [(f"row_{force}", f"{force}_{m}", m == "applications") for m in MEASURES]
    for measure in MEASURES:
        groups += [(f"col_{measure}", f"{f}_{measure}", f == "N") for f in "ABCN"]
    members = ", ".join(f"('{g}', '{c}', {str(t).lower()})" for g, c, t in groups)
    return f"""
with cells as (select * from (values {cells}) as t (cell_id, cell_value)),
cell_groups as (select * from (values {members}) as g (group_id, cell_id, is_total)),
{{{{ disclosure_suppress('cells', 'cell_groups', passes={passes}) }}}}
select * from disclosure_suppressed order by cell_id
"""


def attack_constructed(suppressed: set[str]) -> set[str]:
    frame = pl.DataFrame(
        [
            {"force_code": f, "measure": m, "value": None if f"{f}_{m}" in suppressed else v}
            for (f, m), v in CONSTRUCTED.items()
        ]
    )
    known = {(r["force_code"], r["measure"]): r["value"] for r in frame.iter_rows(named=True)}
    equations = [[(f, "applications", 1), (f, "granted", -1), (f, "refused", -1)] for f in "ABCN"]
    equations += [[("N", m, 1)] + [(f, m, -1) for f in "ABC"] for m in MEASURES]
    recovered = set()
    while True:
        progress = False
        for equation in equations:
            unknown = [(f, m, c) for f, m, c in equation if known[(f, m)] is None]
            if len(unknown) == 1:
                f, m, c = unknown[0]
                known[(f, m)] = (
                    -sum(cc * known[(ff, mm)] for ff, mm, cc in equation if (ff, mm) != (f, m)) / c
                )
                recovered.add(f"{f}_{m}")
                progress = True
        if not progress:
            return recovered


def test_constructed_case_secondary_suppression_happens_and_protects(tmp_path):
    compiled = dbt_compile_inline(
        "-- @@primary\n" + constructed_sql(0) + "\n-- @@final\n" + constructed_sql(10), tmp_path
    )
    primary_sql, final_sql = compiled.split("-- @@final")
    with duckdb.connect() as con:
        primary = con.sql(primary_sql.replace("-- @@primary", "")).pl()
        final = con.sql(final_sql).pl()
    primary_only = set(primary.filter(pl.col("is_suppressed"))["cell_id"])
    assert primary_only == {"A_refused"}
    # Primary suppression alone: A's refused = applications - granted = 9 - 6.
    assert attack_constructed(primary_only) == {"A_refused"}

    suppressed = dict(
        final.filter(pl.col("is_suppressed")).select("cell_id", "suppression_pass").iter_rows()
    )
    # Pass 1: row A takes A's granted (6), the refused column takes B's refused (8);
    # pass 2: the granted column and row B both take B's granted (12). Then every row and
    # column has 0 or 2 suppressed cells, and nothing is recoverable.
    assert suppressed == {"A_refused": 0, "A_granted": 1, "B_refused": 1, "B_granted": 2}
    assert attack_constructed(set(suppressed)) == set()
    assert final.filter(pl.col("cell_id").str.starts_with("N_"))["is_suppressed"].sum() == 0


@pytest.mark.xdist_group("demo_pipeline")
def test_recovery_attack_would_succeed_through_unwithheld_region_values(demo_pipeline, published):
    """Negative control for the comparison rules: with the marts' region values put back (the
    1-4 rule alone), the attacker recovers suppressed counts of the count tables."""
    with duckdb.connect(str(demo_pipeline.restricted_db), read_only=True) as con:
        region = con.sql(
            "select metric_id, force_code, period_type, period, "
            "region_value as marts_region_value from marts.force_comparisons"
        ).pl()
    tables = dict(published)
    tables["force_comparisons"] = (
        published["force_comparisons"]
        .join(region, on=["metric_id", "force_code", "period_type", "period"])
        .with_columns(region_value=pl.col("marts_region_value"))
        .drop("marts_region_value")
    )
    recovered, cells = build_attack(tables).solve()
    counts = cells.filter(
        pl.col("suppressed"), ~pl.col("cell").str.starts_with("force_comparisons|")
    )
    assert recovered.join(counts, on="cell", how="semi").height > 0
