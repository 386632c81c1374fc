"""Validate a standard-shaped text frame against its source contract, vectorised in polars.

Every rule is a boolean "fails" expression over the frame. A row failing any rule is rejected
with one RowError per broken rule (row, column, rule, message naming the file); the others are
typed and returned. Values are never copied into errors: only their shape (A/a/9), except
very short codes, so quarantine can never leak an identifier.

Text that looks like a spreadsheet formula (`=HYPERLINK(...)`, `+1`, `@SUM(...)`) is valid
text: it is accepted and stored exactly as sent, as a string. It must never be written back
out as a live formula; whoever writes CSV/XLSX exports neutralises such values on write.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from ingest import areas, reference
from ingest.areas import normalise_name_expr
from ingest.errors import FileRejected, RowError, value_shape
from ingest.numbers import decimal_expr, integer_expr
from ingest.records.contracts import Column, Contract
from ingest.records.readers import Profile

MAX_TEXT = 200
# NUL and the other C0 controls but tab and line ends, and DEL: never part of a value.
CONTROL_CHARACTERS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
MAX_REF = 64


@dataclass
class Validated:
    accepted: pl.DataFrame
    errors: list[RowError]
    rejected_rows: int


@dataclass(frozen=True)
class Rule:
    column: str
    rule: str
    fails: pl.Expr
    advice: str


def _norm_code(expr: pl.Expr) -> pl.Expr:
    return expr.str.replace_all(r"\s+", "").str.to_lowercase()


# A real date cell in a workbook arrives as ISO text ("2024-05-01 00:00:00") whatever the
# export's text format. Only that exact form is read by its first ten characters, so a garbled
# value such as "2024-05-011" is unparseable rather than silently 1 May.
WORKBOOK_DATE = r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$"


def _date(expr: pl.Expr, fmt: str) -> pl.Expr:
    cell = pl.when(expr.str.contains(WORKBOOK_DATE)).then(expr.str.slice(0, 10))
    return pl.coalesce(
        expr.str.strptime(pl.Date, fmt, strict=False),
        cell.str.strptime(pl.Date, "%Y-%m-%d", strict=False),
    )


def typed_expr(column: Column, profile: Profile) -> pl.Expr | None:
    """The parsed value of a column (null where it does not parse)."""
    c = pl.col(column.name)
    kind = column.kind
    if kind in ("date", "dob"):
        return _date(c, profile.date_format)
    if kind == "datetime":
        # The export's own format, else ISO 8601 local time ("T" or a space; a workbook's
        # datetime cell). Never a format inferred from the data: polars infers one from the
        # first value, so one odd row (an offset, a day-first date) would decide every row.
        iso = c.str.replace("Z$", "").str.replace("T", " ", literal=True)
        formats = [(c, profile.datetime_format)] if profile.datetime_format else []
        formats += [(iso, "%Y-%m-%d %H:%M:%S%.f"), (iso, "%Y-%m-%d %H:%M")]
        return pl.coalesce(
            text.str.to_datetime(fmt, strict=False, time_unit="us") for text, fmt in formats
        )
    if kind == "int":
        return integer_expr(c)
    if kind == "decimal":
        return decimal_expr(c)
    if kind == "code":
        lookup = {_key(v): v for v in column.allowed}
        return _norm_code(c).replace_strict(lookup, default=None)
    if kind == "force":
        return areas.force_code_expr(c)
    if kind == "service":
        return normalise_name_expr(c).replace_strict(reference.service_lookup(), default=None)
    if kind == "recommendation":
        code = c.str.replace_all(r"\s+", "").str.to_uppercase()
        return code.replace_strict(reference.recommendation_lookup(), default=None)
    if kind == "funding_source":
        return _norm_code(c).replace_strict(reference.funding_source_lookup(), default=None)
    if kind == "course_type":
        return _norm_code(c).replace_strict(reference.training_course_lookup(), default=None)
    if kind == "reference_code":
        code = c.str.strip_chars().str.to_uppercase()
        return pl.when(code.str.contains(column.pattern)).then(code)
    if kind == "lead_agency":
        code = c.str.replace_all(r"\s+", "").str.to_lowercase()
        return code.replace_strict(reference.lead_agency_lookup(), default=None)
    if kind == "region":
        return normalise_name_expr(c).replace_strict(areas.region_lookup(), default=None)
    if kind == "cps_area":
        return normalise_name_expr(c).replace_strict(areas.cps_area_lookup(), default=None)
    if kind == "offence":
        code = c.str.replace_all(r"\s+", "").str.to_uppercase()
        return pl.when(code.is_in(list(reference.offence_codes()))).then(code)
    if kind == "subcode":
        return c.str.replace_all(r"\s+", "")
    if kind == "list":
        allowed = {_key(v): v for v in column.allowed}
        parts = c.str.split(";").list.eval(
            _norm_code(pl.element()).replace_strict(allowed, default=None)
        )
        return pl.when(parts.list.eval(pl.element().is_null()).list.any().not_()).then(
            parts.list.join(";")
        )
    if kind == "fin_year":
        ok = c.str.contains(r"^\d{4}/\d{2}$") & (
            (c.str.slice(0, 4).cast(pl.Int64, strict=False) + 1) % 100
            == c.str.slice(5, 2).cast(pl.Int64, strict=False)
        )
        return pl.when(ok).then(c)
    if kind == "month":
        return pl.when(
            (c + "-01").str.strptime(pl.Date, "%Y-%m-%d", strict=False).is_not_null()
            & c.str.contains(r"^\d{4}-\d{2}$")
        ).then(c)
    return c  # text, ref, identifier


def _key(value: str) -> str:
    return "".join(value.split()).lower()


def column_rules(contract: Contract, profile: Profile, today: dt.date) -> list[Rule]:
    rules: list[Rule] = []
    for column in contract.columns:
        raw = pl.col(column.name)
        parsed = pl.col(f"__typed_{column.name}")
        if column.required and column.kind not in ("identifier", "dob"):
            rules.append(
                Rule(
                    column.name,
                    "required_value_missing",
                    raw.is_null(),
                    "fill in this required value",
                )
            )
        if column.kind in ("identifier", "dob"):
            continue  # dropped at ingest; a bad date of birth only loses the age band
        rules.append(
            Rule(
                column.name,
                "control_character",
                raw.str.contains(CONTROL_CHARACTERS),
                "the value holds a control character such as NUL (U+0000), shown as \\xNN in "
                "its shape; remove it and send the row again",
            )
        )
        limit = MAX_REF if column.kind == "ref" else MAX_TEXT
        rules.append(
            Rule(
                column.name,
                "value_too_long",
                raw.str.len_chars() > limit,
                f"values here are at most {limit} characters",
            )
        )
        if column.kind in ("text", "ref", "subcode"):
            if column.kind == "subcode":
                rules.append(
                    Rule(
                        column.name,
                        "invalid_offence_subcode",
                        raw.is_not_null() & ~parsed.str.contains(r"^\d{1,3}/\d{1,3}$"),
                        "use the Home Office class/subclass form such as 8/65",
                    )
                )
            continue
        unparsed = raw.is_not_null() & parsed.is_null()
        rule_name, advice = {
            "date": ("unparseable_date", f"use the date format {profile.date_format}"),
            "datetime": ("unparseable_datetime", "use ISO 8601 date and time"),
            "int": ("not_a_whole_number", "use a whole number"),
            "decimal": ("not_a_number", "use a number"),
            "code": ("code_not_allowed", "use one of " + ", ".join(column.allowed)),
            "list": (
                "code_not_allowed",
                "use ';'-separated values from " + ", ".join(column.allowed),
            ),
            "force": ("unknown_force", "use an ONS PFA code (E23…/W15…) or a force name"),
            "region": ("unknown_region", "use an ONS region name or code"),
            "service": (
                "unknown_service",
                "use the service's name as in the register dbt_project/seeds/ref_services.csv",
            ),
            "cps_area": ("unknown_cps_area", "use one of the 14 CPS Areas"),
            "recommendation": (
                "unknown_recommendation",
                "use a recommendation id from dbt_project/seeds/ref_recommendations.csv",
            ),
            "funding_source": (
                "unknown_funding_source",
                "use a funding source code from dbt_project/seeds/ref_funding_sources.csv",
            ),
            "course_type": (
                "unknown_course_type",
                "use a course type from dbt_project/seeds/ref_training_courses.csv, never a "
                "course's own name",
            ),
            "reference_code": (
                "invalid_reference_code",
                "use the evidence log's code: capital letters and digits in hyphen-separated "
                "parts such as EV-2025-0042, never a description",
            ),
            "lead_agency": (
                "unknown_lead_agency",
                "use a lead agency code from dbt_project/seeds/ref_masip_lead_agencies.csv",
            ),
            "offence": ("unknown_offence_code", "use a code from the offence reference"),
            "fin_year": ("invalid_financial_year", "use the form 2024/25"),
            "month": ("invalid_month", "use the form YYYY-MM"),
        }[column.kind]
        rules.append(Rule(column.name, rule_name, unparsed, advice))
        if column.kind in ("date", "datetime"):
            day = parsed.cast(pl.Date) if column.kind == "datetime" else parsed
            rules.append(
                Rule(
                    column.name,
                    "future_date",
                    day > pl.lit(today),
                    "a date cannot be after the day the file is received",
                )
            )
            rules.append(
                Rule(
                    column.name,
                    "implausibly_old_date",
                    day < pl.lit(dt.date(1990, 1, 1)),
                    "check the year",
                )
            )
        if column.minimum is not None:
            rules.append(
                Rule(
                    column.name,
                    "below_minimum",
                    parsed < column.minimum,
                    f"the smallest allowed value is {column.minimum:g}",
                )
            )
        if column.maximum is not None:
            rules.append(
                Rule(
                    column.name,
                    "above_maximum",
                    parsed > column.maximum,
                    f"the largest allowed value is {column.maximum:g}",
                )
            )
    return rules


def _next_quarter_start(financial_year: pl.Expr, fy_quarter: pl.Expr) -> pl.Expr:
    """The first day after a financial quarter (Q1 = April-June of the year's first half)."""
    month = fy_quarter.str.slice(1, 1).cast(pl.Int32, strict=False) * 3 + 3  # 6..15
    year = financial_year.str.slice(0, 4).cast(pl.Int32, strict=False) + month // 12
    return pl.date(year, month % 12 + 1, 1)


def _masip_rules(t) -> dict[str, Rule]:
    """MASIP returns (SOURCES.md §12): start, places and lead agency go with a programme in
    place, and a programme cannot start after the year it is returned for."""
    in_place, not_in_place = t("programme_in_place") == "Y", t("programme_in_place") == "N"
    next_year_starts = pl.date(t("financial_year").str.slice(0, 4).cast(pl.Int32) + 1, 4, 1)
    rules = {
        "masip_start_within_year": Rule(
            "start_date",
            "start_date_after_year",
            t("start_date") >= next_year_starts,
            "a programme starting after the financial year is not in place in it: return N "
            "for this year",
        ),
    }
    for column, what in (
        ("start_date", "start"),
        ("funded_places", "places"),
        ("lead_agency_code", "lead"),
    ):
        rules[f"masip_{what}_required"] = Rule(
            column,
            f"{column.removesuffix('_code')}_required_when_in_place",
            in_place & pl.col(column).is_null(),
            f"a programme in place needs its {column.replace('_', ' ')}",
        )
        rules[f"masip_{what}_only_in_place"] = Rule(
            column,
            f"{column.removesuffix('_code')}_without_programme",
            not_in_place & pl.col(column).is_not_null(),
            f"leave {column} blank when no programme is in place, or set programme_in_place to Y",
        )
    return rules


def cross_rules(contract: Contract) -> list[Rule]:
    t = lambda name: pl.col(f"__typed_{name}")  # noqa: E731 - short alias for readability
    if "fy_quarter" in contract.names and "status_date" in contract.names:
        return_ends = _next_quarter_start(t("financial_year"), t("fy_quarter"))
    else:
        return_ends = pl.lit(None, pl.Date)
    catalogue = {
        **_masip_rules(t),
        "outcome_date_required": Rule(
            "outcome_date",
            "outcome_date_required",
            (t("outcome_type") > 0) & pl.col("outcome_date").is_null(),
            "an outcome type above 0 needs its outcome date",
        ),
        "outcome_not_before_recorded": Rule(
            "outcome_date",
            "outcome_before_recorded_date",
            t("outcome_date") < t("recorded_date"),
            "an outcome cannot come before the crime was recorded",
        ),
        "decision_date_required": Rule(
            "decision_date",
            "decision_date_required",
            (t("decision") != "pending") & pl.col("decision_date").is_null(),
            "a decided application needs its decision date",
        ),
        "decision_not_before_application": Rule(
            "decision_date",
            "decision_before_application",
            t("decision_date") < t("application_date"),
            "a decision cannot come before the application",
        ),
        "charged_within_decisions": Rule(
            "charged",
            "charged_exceeds_pre_charge_decisions",
            t("charged") > t("pre_charge_decisions"),
            "charged cannot exceed pre-charge decisions",
        ),
        "convictions_within_prosecutions": Rule(
            "convictions",
            "convictions_exceed_prosecutions",
            t("convictions") > t("prosecutions_completed"),
            "convictions cannot exceed prosecutions completed",
        ),
        "interval_contains_estimate": Rule(
            "estimate_pct",
            "estimate_outside_interval",
            (t("lower_pct") > t("estimate_pct")) | (t("estimate_pct") > t("upper_pct")),
            "the estimate must lie within its interval: lower_pct <= estimate_pct <= upper_pct",
        ),
        "trained_within_in_scope": Rule(
            "trained",
            "trained_exceeds_in_scope",
            t("trained") > t("in_scope"),
            "trained counts the officers and staff in scope who completed the course, so it "
            "cannot exceed in_scope",
        ),
        "status_within_return_quarter": Rule(
            "status_date",
            "status_date_after_return_quarter",
            t("status_date") >= return_ends,
            "a return gives the status as at the end of its quarter; a later change belongs "
            "in the next quarter's return",
        ),
        "evidence_required_when_implemented": Rule(
            "evidence_ref",
            "evidence_required_when_implemented",
            (t("status") == "implemented") & pl.col("evidence_ref").is_null(),
            "an implemented recommendation needs the reference of its evidence",
        ),
        "plan_date_required": Rule(
            "plan_published_date",
            "plan_date_required",
            (t("plan_published") == "Y") & pl.col("plan_published_date").is_null(),
            "a published action plan needs its publication date",
        ),
        "plan_date_only_when_published": Rule(
            "plan_published_date",
            "plan_date_without_published_plan",
            (t("plan_published") == "N") & pl.col("plan_published_date").is_not_null(),
            "leave the date blank when no plan is published, or set plan_published to Y",
        ),
        "plan_within_return_quarter": Rule(
            "plan_published_date",
            "plan_date_after_return_quarter",
            t("plan_published_date") >= return_ends,
            "a plan published after the return's quarter belongs in the next quarter's return",
        ),
    }
    return [catalogue[name] for name in contract.cross_rules]


def check_required_columns(
    frame: pl.DataFrame, contract: Contract, profile: Profile, file_name: str
) -> None:
    """A file without a required column cannot be read at all: reject it whole."""
    missing = [c.name for c in contract.columns if c.required and c.name not in frame.columns]
    if missing:
        present = [c for c in frame.columns if not c.startswith("_")]
        raise FileRejected(
            f"{file_name}: required column(s) missing: {', '.join(missing)} "
            f"(profile {profile.name}; {len(present)} standard column(s) found).",
            rule="missing_required_columns",
        )


def validate(
    frame: pl.DataFrame,
    contract: Contract,
    profile: Profile,
    file_name: str,
    today: dt.date | None = None,
) -> Validated:
    """Validate one file, or a batch of files of one profile carrying a `_file_name` column
    (rows of many files checked in one vectorised pass; duplicates judged within each file)."""
    today = today or dt.date.today()
    if "_file_name" not in frame.columns:
        check_required_columns(frame, contract, profile, file_name)
        frame = frame.with_columns(pl.lit(file_name).alias("_file_name"))
    frame = frame.with_columns(
        pl.lit(None, dtype=pl.String).alias(c.name)
        for c in contract.columns
        if c.name not in frame.columns
    )
    if profile.derive_offence_code_from_subcode and "offence_subcode" in frame.columns:
        frame = frame.with_columns(
            pl.coalesce(
                pl.col("offence_code"),
                pl.col("offence_subcode").replace_strict(
                    reference.subcode_to_offence(), default=None
                ),
            ).alias("offence_code")
        )
    frame = frame.with_columns(
        typed_expr(c, profile).alias(f"__typed_{c.name}") for c in contract.columns
    )
    rules = column_rules(contract, profile, today) + cross_rules(contract)
    flags = frame.select(
        *[r.fails.fill_null(False).alias(f"__fail_{i}") for i, r in enumerate(rules)],
    )
    # Duplicate rows: among the rows that break no other rule, the first with a row key stands
    # and later ones in the same file are rejected (a bad first row must not push out its
    # corrected repeat). References compare as they are hashed, case-insensitively.
    broken = flags.select(pl.any_horizontal(pl.lit(False), pl.all())).to_series()
    key = [
        pl.col(k).str.to_uppercase() if contract.column(k).kind == "ref" else f"__typed_{k}"
        for k in contract.row_key
    ]
    duplicate = frame.with_columns(__broken=broken).select(
        (
            ~pl.col("__broken") & ~pl.struct(*key, "_file_name", "__broken").is_first_distinct()
        ).alias("dup")
    )["dup"]
    errors: list[RowError] = []
    for i, rule in enumerate(rules):
        hit = flags[f"__fail_{i}"]
        if not hit.any():
            continue
        bad = frame.filter(hit).select("_file_name", "_row_number", rule.column)
        for name, row_number, value in bad.iter_rows():
            errors.append(
                RowError(
                    row_number,
                    rule.column,
                    rule.rule,
                    f"{name} row {row_number}, column {rule.column}: "
                    f"{rule.rule.replace('_', ' ')} — {rule.advice}. The row was quarantined; "
                    "the rest of the file was accepted.",
                    value_shape(value),
                    file_name=name,
                )
            )
    if duplicate.any():
        key_text = ", ".join(contract.row_key)
        for name, row_number in (
            frame.filter(duplicate).select("_file_name", "_row_number").iter_rows()
        ):
            errors.append(
                RowError(
                    row_number,
                    contract.row_key[0],
                    "duplicate_row",
                    f"{name} row {row_number}: a second row with the same {key_text}; "
                    "the first stands and this one was quarantined.",
                    file_name=name,
                )
            )
    rejected_mask = broken | duplicate
    accepted = frame.filter(~rejected_mask)
    typed = accepted.select(
        "_file_name",
        "_row_number",
        *[pl.col(f"__typed_{c.name}").alias(c.name) for c in contract.columns],
    )
    return Validated(typed, errors, int(rejected_mask.sum()))
