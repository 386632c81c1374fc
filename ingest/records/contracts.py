"""The national standard contract of each record-level or aggregate source (SOURCES.md §1-5).

A contract is data: each column's kind, whether it is required, and its allowed values. The
validator (ingest.records.validation) turns these into row rules; the pseudonymiser uses the
identifier kinds. Cross-column rules live beside the columns they relate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FLAG = ("Y", "N")
SEX = ("F", "M", "X", "U")
RELATIONSHIP = ("current_partner", "ex_partner", "family", "acquaintance", "stranger", "unknown")
AGE_BANDS = ("0-15", "16-19", "20-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+")
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
ACTION_PLAN_STATUSES = ("not_started", "in_progress", "implemented", "not_accepted")
# An evidence reference is the code a force's evidence log gives a document: capital letters
# and digits in two to five hyphen-separated parts (EV-2025-0042), never free text.
EVIDENCE_REF_PATTERN = r"^[A-Z0-9]{1,12}(-[A-Z0-9]{1,12}){1,4}$"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text, code, force, service, recommendation, funding_source, date, datetime,
    #            int, decimal, fin_year, month, list, reference_code (matches `pattern`),
    #            course_type, lead_agency (a MASIP lead agency code from its seed),
    #            ref (pseudonymised), identifier (dropped), dob (-> age band, dropped)
    required: bool = True
    allowed: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None  # reference_code: the whole value's shape, after upper-casing


@dataclass(frozen=True)
class Contract:
    source: str
    columns: tuple[Column, ...]
    # Columns that, with the source, identify the period a submission covers (resubmission).
    period_columns: tuple[str, ...]
    # Columns that identify one row within a submission (duplicate rows are rejected).
    row_key: tuple[str, ...]
    # Namespace for keyed hashes: the column whose value prefixes each reference, so the
    # same reference number in two forces never links.
    ref_namespace: str | None = None
    event_date: str | None = None  # date that sets age bands and "future" checks
    cross_rules: tuple[str, ...] = field(default=())

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


FORCE_CRIMES = Contract(
    source="force_crimes",
    columns=(
        Column("force_code", "force"),
        Column("crime_ref", "ref"),
        Column("recorded_date", "date"),
        Column("offence_code", "offence"),
        Column("offence_subcode", "subcode", required=False),
        Column("victim_ref", "ref"),
        Column("victim_name", "identifier", required=False),
        Column("victim_dob", "dob", required=False),
        Column("victim_sex", "code", allowed=SEX),
        Column("suspect_ref", "ref", required=False),
        Column("suspect_name", "identifier", required=False),
        Column("relationship", "code", allowed=RELATIONSHIP),
        Column("domestic_flag", "code", allowed=FLAG),
        Column("cyber_flag", "code", allowed=FLAG),
        Column("screening_completed", "code", allowed=FLAG),
        Column("risk_level", "code", allowed=("standard", "medium", "high", "not_assessed")),
        Column("masip_referral", "code", allowed=FLAG),
        Column("outcome_type", "int", minimum=0, maximum=22),
        Column("outcome_date", "date", required=False),
    ),
    period_columns=("force_code", "recorded_date"),
    row_key=("crime_ref",),
    ref_namespace="force_code",
    event_date="recorded_date",
    cross_rules=("outcome_date_required", "outcome_not_before_recorded"),
)

FORCE_SPOS = Contract(
    source="force_spos",
    columns=(
        Column("force_code", "force"),
        Column("spo_ref", "ref"),
        Column("crime_ref", "ref", required=False),
        Column("application_date", "date"),
        Column("order_type", "code", allowed=("interim", "full")),
        Column("decision", "code", allowed=("granted", "refused", "withdrawn", "pending")),
        Column("decision_date", "date", required=False),
        Column("breach_count", "int", minimum=0),
    ),
    period_columns=("force_code", "application_date"),
    row_key=("spo_ref", "order_type"),
    ref_namespace="force_code",
    event_date="application_date",
    cross_rules=("decision_date_required", "decision_not_before_application"),
)

CPS_RETURNS = Contract(
    source="cps_returns",
    columns=(
        Column("cps_area", "cps_area"),
        Column("force_code", "force"),
        Column("financial_year", "fin_year"),
        Column("fy_quarter", "code", allowed=("Q1", "Q2", "Q3", "Q4")),
        Column(
            "offence_act",
            "code",
            allowed=("PHA1997_s2A", "PHA1997_s4A", "PHA1997_s2", "PHA1997_s4"),
        ),
        Column("pre_charge_decisions", "int", minimum=0),
        Column("charged", "int", minimum=0),
        Column("prosecutions_completed", "int", minimum=0),
        Column("convictions", "int", minimum=0),
    ),
    period_columns=("force_code", "financial_year", "fy_quarter"),
    row_key=("force_code", "financial_year", "fy_quarter", "offence_act"),
    cross_rules=("charged_within_decisions", "convictions_within_prosecutions"),
)

HELPLINE_CONTACTS = Contract(
    source="helpline_contacts",
    columns=(
        Column("contact_id", "ref"),
        Column("contact_datetime", "datetime"),
        Column("channel", "code", allowed=("phone", "email", "webchat")),
        Column("answered", "code", allowed=FLAG),
        Column("caller_type", "code", allowed=("victim", "third_party", "professional")),
        Column("force_code", "force", required=False),
        Column("region", "region", required=False),
        Column("victim_sex", "code", allowed=SEX),
        Column("victim_age_band", "code", allowed=(*AGE_BANDS, "U")),
        Column("perpetrator_relationship", "code", allowed=RELATIONSHIP),
        Column("reported_to_police", "code", allowed=("Y", "N", "U")),
        Column("referred_to", "list", allowed=("isac", "paladin", "masip", "police", "none")),
    ),
    period_columns=("contact_datetime",),
    row_key=("contact_id",),
    event_date="contact_datetime",
)

ADVOCACY_CASELOAD = Contract(
    source="advocacy_caseload",
    columns=(
        Column("service_name", "service"),  # from the register: never free text
        Column("month", "month"),
        Column("force_code", "force"),
        Column("referrals_received", "int", minimum=0),
        Column("cases_opened", "int", minimum=0),
        Column("cases_closed", "int", minimum=0),
        Column("open_cases_end", "int", minimum=0),
        Column("waiting_list_end", "int", minimum=0),
        Column("advocate_fte", "decimal", minimum=0),
    ),
    period_columns=("service_name", "force_code", "month"),
    row_key=("service_name", "month", "force_code"),
)

ACTION_PLAN_RETURNS = Contract(
    source="action_plan_returns",
    columns=(
        Column("force_code", "force"),
        Column("financial_year", "fin_year"),  # the return's quarter: status as at its end
        Column("fy_quarter", "code", allowed=QUARTERS),
        Column("recommendation_id", "recommendation"),  # from the recommendations seed
        Column("status", "code", allowed=ACTION_PLAN_STATUSES),
        Column("status_date", "date"),  # when the status last changed
        Column("evidence_ref", "reference_code", required=False, pattern=EVIDENCE_REF_PATTERN),
        Column("plan_published", "code", allowed=FLAG),
        Column("plan_published_date", "date", required=False),
    ),
    period_columns=("force_code", "financial_year", "fy_quarter"),
    row_key=("force_code", "financial_year", "fy_quarter", "recommendation_id"),
    cross_rules=(
        "status_within_return_quarter",
        "evidence_required_when_implemented",
        "plan_date_required",
        "plan_date_only_when_published",
        "plan_within_return_quarter",
    ),
)

SURVEY_ESTIMATES = Contract(
    source="survey_estimates",
    columns=(
        Column("survey", "code", allowed=("csew",)),  # Crime Survey for England and Wales
        Column("period_end", "month"),  # the last month of the survey's 12 months
        # Adults aged 16 and over who experienced stalking in the 12 months, per cent, with
        # the published 95% confidence interval, and the population the per cent is of.
        Column("estimate_pct", "decimal", minimum=0, maximum=100),
        Column("lower_pct", "decimal", minimum=0, maximum=100),
        Column("upper_pct", "decimal", minimum=0, maximum=100),
        Column("population_base", "int", minimum=1),
    ),
    period_columns=("period_end",),
    row_key=("survey", "period_end"),
    cross_rules=("interval_contains_estimate",),
)

# --- issue 18 item 5: service funding and capacity (SOURCES.md §11) ---------------------------
# Advocate FTE one funder pays for in one service area and year: above this is a typing error
# (a caseload or a sum in pounds in the wrong column), not a service.
MAX_FUNDED_FTE = 100

SERVICE_FUNDING = Contract(
    source="service_funding",
    columns=(
        Column("service_name", "service"),  # from the register, as advocacy_caseload
        Column("force_code", "force"),  # the service area: the force area served
        Column("financial_year", "fin_year"),
        Column("funding_source", "funding_source"),  # a code from seed ref_funding_sources
        Column("funding_gbp", "decimal", minimum=0),  # pounds this funder gave for the year
        # What that funding pays for: advocate posts and the cases they can hold at once.
        Column("advocate_fte", "decimal", minimum=0, maximum=MAX_FUNDED_FTE),
        Column("caseload_capacity", "int", minimum=0),
    ),
    period_columns=("service_name", "force_code", "financial_year"),
    row_key=("service_name", "force_code", "financial_year", "funding_source"),
)

# --- issue 18 item 2: training returns (SOURCES.md §10) ----------------------------------------
TRAINING_RETURNS = Contract(
    source="training_returns",
    columns=(
        Column("force_code", "force"),
        Column("financial_year", "fin_year"),  # counts as at the year's end (31 March)
        Column("course_type", "course_type"),  # from the seed ref_training_courses
        # Officers and staff whose role needs this course, and those of them who have completed
        # it (cumulative at the year's end). A person is in scope of one specialist course type.
        Column("in_scope", "int", minimum=0),
        Column("trained", "int", minimum=0),
    ),
    period_columns=("force_code", "financial_year"),
    row_key=("force_code", "financial_year", "course_type"),
    cross_rules=("trained_within_in_scope",),
)

# --- issue 18 item 3: MASIP returns (SOURCES.md §12) -----------------------------------------

MASIP_RETURNS = Contract(
    source="masip_returns",
    columns=(
        Column("force_code", "force"),
        Column("financial_year", "fin_year"),
        Column("programme_in_place", "code", allowed=FLAG),  # a MASIP at any time in the year
        # The programme's start, its capacity (perpetrator cases it can take in the year) and
        # its lead agency (seed ref_masip_lead_agencies): given when in place, blank when not.
        Column("start_date", "date", required=False),
        Column("funded_places", "int", required=False, minimum=0),
        Column("lead_agency_code", "lead_agency", required=False),
    ),
    period_columns=("force_code", "financial_year"),
    row_key=("force_code", "financial_year"),
    cross_rules=(
        "masip_start_required",
        "masip_start_only_in_place",
        "masip_start_within_year",
        "masip_places_required",
        "masip_places_only_in_place",
        "masip_lead_required",
        "masip_lead_only_in_place",
    ),
)
