"""The relations an outsider can derive from the public release (STATISTICS.md, "Disclosure
control"), written from the published rows only, never from the dbt disclosure groups, so that
the audit checks the suppression instead of repeating it.

Every published count is a cell '<table>|<measure>|<row key>' (the key columns joined by '|',
NULL as '~'). A relation is a linear equation between cells, sum(coeff * cell) = constant:
national totals and the forces they sum, row sums, outcomes against recorded crimes, the
stalking response against the outcomes, helpline regions, advocacy service totals and carried
caseloads, the reconciliation against the Home Office's counts, the comparison figures against
the counts they are built from, years against quarters, and national and region values
against the forces' numerators and denominators. A cell with no published row is zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ingest.settings import SEEDS_DIR

TOTAL = "K04000001"  # England and Wales
# An advocacy service's total over the force areas it serves (reference.areas).
SERVICE_AREAS_TOTAL = "X00000001"

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
    # issue 18 item 2: staff counts of the training returns, controlled like the others.
    "fct_training_yearly": (
        ["force_code", "financial_year", "course_type"],
        ["in_scope", "trained"],
    ),
}


# A rate per resident: its denominator is no published count (ref_metrics.denominator_column).
POPULATION_DENOMINATOR = "population_years"


def financial_year_of_month(month: pl.Expr) -> pl.Expr:
    """'2024/25' for a 'YYYY-MM' month expression (April to March years)."""
    date = month.str.to_date("%Y-%m")
    start = date.dt.year() - (date.dt.month() < 4).cast(pl.Int32)
    return pl.format("{}/{}", start, ((start + 1) % 100).cast(pl.Utf8).str.zfill(2))


def cell_expr(table: str, measure: str, keys: list[str]) -> pl.Expr:
    parts = [pl.lit(table), pl.lit(measure)]
    parts += [pl.col(k).cast(pl.Utf8).fill_null("~") for k in keys]
    return pl.concat_str(parts, separator="|")


def term(eq: pl.Expr, cell: pl.Expr, coeff: float | pl.Expr) -> list[pl.Expr]:
    coeff = coeff if isinstance(coeff, pl.Expr) else pl.lit(float(coeff))
    return [eq.alias("eq"), cell.alias("cell"), coeff.cast(pl.Float64).alias("coeff")]


class Relations:
    """Equations an outsider can form from the published rows (build with build_relations)."""

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
        total: str = TOTAL,
    ):
        """A total (national, or ``total``) minus the territorial forces it sums = 0."""
        frame = self.t[table] if frame is None else frame
        frame = frame.filter(pl.col("force_code").is_in([*self.territorial, total]))
        for measure in measures:
            eq = cell_expr(f"{table}~across", measure, by)
            coeff = pl.when(pl.col("force_code") == total).then(1.0).otherwise(-1.0)
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

    def system(self) -> System:
        """The cells (first occurrence wins) and the equations, terms of one cell in one
        equation added up, zero terms dropped."""
        cells = pl.concat(self.cells).unique("cell", keep="first", maintain_order=True)
        terms = pl.concat(self.terms).group_by("eq", "cell").agg(pl.col("coeff").sum())
        terms = terms.filter(pl.col("coeff").abs() > 1e-12)
        constants = (
            pl.concat(self.constants).group_by("eq").agg(pl.col("c").sum())
            if self.constants
            else pl.DataFrame(schema={"eq": pl.Utf8, "c": pl.Float64})
        )
        return System(cells=cells, terms=terms, constants=constants)


@dataclass(frozen=True)
class System:
    """cells: cell, value (NULL when suppressed), suppressed; terms: eq, cell, coeff;
    constants: eq, c (missing = 0). Cells in terms but not in cells are zero."""

    cells: pl.DataFrame
    terms: pl.DataFrame
    constants: pl.DataFrame


PUBLISHED_TABLES = (
    "dim_force",
    *COUNTS,
    "force_comparisons",
)


def load_published(con) -> dict[str, pl.DataFrame]:
    """The published tables the relations read, from a DuckDB connection (warehouse or
    serving file: both have the `published` schema)."""
    return {t: con.sql(f"select * from published.{t}").pl() for t in PUBLISHED_TABLES}


def build_relations(tables: dict[str, pl.DataFrame]) -> Relations:
    forces = tables["dim_force"]
    territorial = forces.filter(pl.col("is_territorial"))["force_code"].to_list()
    relations = Relations(tables, territorial)

    for table, (keys, measures) in COUNTS.items():
        relations.add_cells(table, keys, measures)
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
            relations.across_forces(
                table, keys, measures, ["month", "service_name"], frame, SERVICE_AREAS_TOTAL
            )
        elif table == "fct_helpline_monthly":
            relations.across_forces(table, keys, measures, ["month", "channel"])
        else:
            relations.across_forces(table, keys, measures, [k for k in keys if k != "force_code"])

    # Row sums.
    relations.row_sum(
        "fct_spo_quarterly",
        COUNTS["fct_spo_quarterly"][0],
        "applications",
        ["granted", "refused", "withdrawn", "pending"],
    )
    relations.row_sum(
        "fct_courses_of_conduct_yearly",
        COUNTS["fct_courses_of_conduct_yearly"][0],
        "courses_of_conduct",
        ["recognised_as_stalking", "possible_unrecognised"],
    )
    for table in ("fct_helpline_monthly", "helpline_regional_monthly"):
        relations.row_sum(table, COUNTS[table][0], "contacts", ["answered", "unanswered"])
    add_helpline_region_equations(relations, tables)

    # Outcomes of a force-quarter-offence sum to its recorded crimes.
    outcomes = tables["fct_outcomes_quarterly"]
    crimes = tables["fct_recorded_crime_quarterly"]
    eq = cell_expr("outcomes_by_type", "", rc_keys)
    relations.add_terms(outcomes, eq, cell_expr("fct_outcomes_quarterly", "outcomes", out_keys), -1)
    with_outcomes = crimes.join(outcomes.select(rc_keys).unique(), on=rc_keys, how="semi")
    relations.add_terms(
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
    relations.identity(response, "sr_crimes", cell_expr(sr, "stalking_crimes", sr_keys), rc_8q, key)
    relations.identity(
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
        relations.add_terms(response, eq, cell_expr(sr, measure, sr_keys), 1)
        chosen = stalking_outcomes.filter(pl.col("outcome_type").is_in(list(types)))
        relations.add_terms(chosen, eq, outcome_cell(pl.col("outcome_type")), -1)
    eq = pl.concat_str([pl.lit("sr_split"), key], separator="|")
    relations.add_terms(response, eq, rc_8q, 1)
    relations.add_terms(response, eq, cell_expr(sr, "outcomes_assigned", sr_keys), -1)
    relations.add_terms(response, eq, outcome_cell(pl.lit(0)), -1)

    # The reconciliation: the extract count is the recorded 8Q count; extract - difference =
    # the (public) Home Office count; its national total sums its forces.
    recon = tables["reconciliation_home_office"]
    relations.add_cells(
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
    relations.identity(
        recon_same,
        "recon_extract",
        cell_expr("reconciliation_home_office", "extract_crimes", sr_keys),
        rc_8q,
        key,
    )
    eq = pl.concat_str([pl.lit("recon_difference"), key], separator="|")
    relations.add_terms(
        recon, eq, cell_expr("reconciliation_home_office", "extract_crimes", sr_keys), 1
    )
    relations.add_terms(
        recon, eq, cell_expr("reconciliation_home_office", "difference", sr_keys), -1
    )
    relations.add_constants(recon, eq, pl.col("home_office_offences"))

    # Advocacy: service totals sum to the all-services total; caseloads carry over months.
    adv = "fct_advocacy_monthly"
    adv_keys, adv_measures = COUNTS[adv]
    advocacy = tables[adv]
    service_totals = advocacy.filter(pl.col("force_code").is_in([TOTAL, SERVICE_AREAS_TOTAL]))
    for measure in adv_measures:
        eq = pl.concat_str(
            [pl.lit("adv_services"), pl.lit(measure), pl.col("month")], separator="|"
        )
        coeff = pl.when(pl.col("service_name") == "All services").then(1.0).otherwise(-1.0)
        relations.add_terms(service_totals, eq, cell_expr(adv, measure, adv_keys), coeff)
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
    relations.add_terms(pairs, eq, cell_expr(adv, "open_cases_end", adv_keys), 1)
    relations.add_terms(pairs, eq, previous_open, -1)
    relations.add_terms(pairs, eq, cell_expr(adv, "cases_opened", adv_keys), -1)
    relations.add_terms(pairs, eq, cell_expr(adv, "cases_closed", adv_keys), 1)

    add_comparison_equations(relations, tables, territorial)
    return relations


def add_helpline_region_equations(relations: Relations, tables: dict[str, pl.DataFrame]) -> None:
    """A region's contacts by channel = its territorial force areas + its area-not-known
    contacts; its 'all' row = its channels; per month and channel, the regions = the England
    and Wales row + every area-not-known contact."""
    helpline, regional = tables["fct_helpline_monthly"], tables["helpline_regional_monthly"]
    hl_keys, measures = COUNTS["fct_helpline_monthly"]
    rg_keys = COUNTS["helpline_regional_monthly"][0]
    areas = helpline.filter(
        pl.col("force_code").is_null() | pl.col("force_code").is_in(relations.territorial)
    )
    by_channel = regional.filter(pl.col("channel") != "all")
    for measure in measures:
        eq = cell_expr("region", measure, ["month", "region_code", "channel"])
        relations.add_terms(
            by_channel, eq, cell_expr("helpline_regional_monthly", measure, rg_keys), 1
        )
        relations.add_terms(areas, eq, cell_expr("fct_helpline_monthly", measure, hl_keys), -1)
        eq = cell_expr("region_channels", measure, ["month", "region_code"])
        coeff = pl.when(pl.col("channel") == "all").then(1.0).otherwise(-1.0)
        relations.add_terms(
            regional, eq, cell_expr("helpline_regional_monthly", measure, rg_keys), coeff
        )
        eq = cell_expr("regions_national", measure, ["month", "channel"])
        relations.add_terms(
            by_channel, eq, cell_expr("helpline_regional_monthly", measure, rg_keys), 1
        )
        rest = helpline.filter(pl.col("force_code").is_null() | (pl.col("force_code") == TOTAL))
        relations.add_terms(rest, eq, cell_expr("fct_helpline_monthly", measure, hl_keys), -1)


def comparison_metric_inputs(inputs: dict) -> dict[str, tuple[str, str | None]]:
    """metric_id -> (numerator input, denominator input or None for a population), from the
    one definition of the metrics (seeds/ref_metrics.csv, published as reference.ref_metrics),
    for the metrics whose inputs are published count cells (the others are not relations)."""
    metrics = pl.read_csv(SEEDS_DIR / "ref_metrics.csv", infer_schema=False)
    out = {}
    for metric_id, numerator, denominator in metrics.select(
        "metric_id", "numerator_column", "denominator_column"
    ).iter_rows():
        denominator = None if denominator == POPULATION_DENOMINATOR else denominator
        if numerator in inputs and (denominator is None or denominator in inputs):
            out[metric_id] = (numerator, denominator)
    return out


def add_training_equations(
    relations: Relations, tables: dict[str, pl.DataFrame], fc_keys: list[str]
) -> None:
    """training_coverage (yearly only): a force's numerator and denominator are the sums of its
    specialist rows' trained and in_scope in fct_training_yearly (ref_metrics names the
    inputs; ref_training_courses marks the specialist course types)."""
    metrics = pl.read_csv(SEEDS_DIR / "ref_metrics.csv", infer_schema=False)
    inputs = {"trained_specialist": "trained", "in_scope_specialist": "in_scope"}
    training = tables["fct_training_yearly"].filter(pl.col("is_specialist"))
    keys = COUNTS["fct_training_yearly"][0]
    fc = tables["force_comparisons"].filter(pl.col("period_type") == "financial_year")
    for metric_id, *columns in metrics.select(
        "metric_id", "numerator_column", "denominator_column"
    ).iter_rows():
        if not set(columns) <= set(inputs):
            continue
        rows = fc.filter(pl.col("metric_id") == metric_id)
        for role, name in zip(("numerator", "denominator"), columns, strict=True):
            eq = cell_expr("fc_training", role, fc_keys)
            relations.add_terms(rows, eq, cell_expr("force_comparisons", role, fc_keys), 1)
            parts = rows.select(*fc_keys, "financial_year").join(
                training, on=["force_code", "financial_year"], how="inner"
            )
            relations.add_terms(parts, eq, cell_expr("fct_training_yearly", inputs[name], keys), -1)


def add_comparison_equations(
    relations: Relations, tables: dict[str, pl.DataFrame], territorial: list[str]
) -> None:
    """force_comparisons: each numerator and count denominator against the published counts it
    is built from; a year against its quarters; the national and region values against the
    forces' figures."""
    fc = tables["force_comparisons"]
    fc_keys = ["metric_id", "force_code", "period_type", "period"]
    relations.add_cells(
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
        financial_year=financial_year_of_month(pl.col("month")),
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
    metric_inputs = comparison_metric_inputs(inputs)
    quarters = fc.filter(pl.col("period_type") == "quarter")
    for metric_id, roles in metric_inputs.items():
        rows = quarters.filter(pl.col("metric_id") == metric_id)
        for role, name in zip(("numerator", "denominator"), roles, strict=True):
            if name is None:
                continue
            eq = cell_expr("fc_source", role, fc_keys)
            relations.add_terms(rows, eq, cell_expr("force_comparisons", role, fc_keys), 1)
            parts = rows.join(inputs[name], on=quarter_keys, how="inner")
            relations.add_terms(parts, eq, pl.col("cell"), -1)

    add_training_equations(relations, tables, fc_keys)

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
        relations.add_terms(rows, eq, cell_expr("force_comparisons", role, fc_keys), 1)
        parts = rows.join(quarter_rows, on=["metric_id", "force_code", "financial_year"])
        relations.add_terms(
            parts,
            eq,
            cell_expr(
                "force_comparisons",
                role,
                ["metric_id", "force_code", "quarter_type", "quarter_period"],
            ),
            -1,
        )

    # National and region values: sum(num) - value / multiplier * sum(den) = 0, whatever the
    # denominator (a count, or the period's population-years, which the marts divide by:
    # dim_force's one population is not it, and the audit found those relations false).
    fc = fc.filter(pl.col("force_code").is_in(territorial))
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
        relations.add_terms(rows, eq, cell_expr("force_comparisons", "numerator", fc_keys), 1)
        relations.add_terms(
            rows,
            eq,
            cell_expr("force_comparisons", "denominator", fc_keys),
            -pl.col(value_column) / pl.col("multiplier"),
        )
