"""Great Expectations suites, one per source, built from the source contracts.

Ingest already rejects bad rows; these suites are the independent second line on each batch of
raw/ data: the shape (exactly the contract's columns, no identifier column, references that
are keyed hashes), the value domains, and batch-level plausibility.
"""

from __future__ import annotations

import great_expectations as gx
from great_expectations import expectations as gxe

from ingest.linkage_keys import linkage_key_columns
from ingest.pseudonymise import HASH_HEX_CHARS
from ingest.records.contracts import AGE_BANDS
from ingest.reference import (
    funding_source_lookup,
    lead_agency_lookup,
    recommendation_lookup,
    service_lookup,
    training_course_lookup,
)
from ingest.sources import REGISTRY, source

HASH_PATTERN = rf"^[0-9a-f]{{{HASH_HEX_CHARS}}}$"

# The published tables' suites, as the registry defines them.
PUBLISHED_SUITES = {s.name: s.suite for s in REGISTRY if not s.is_records}


def raw_columns(name: str) -> list[str]:
    """The columns raw/ holds for a record-level source: no identifier, age band for DOB."""
    contract = source(name).contract
    columns = ["_row_number"]
    for column in contract.columns:
        if column.kind == "identifier":
            continue
        if column.kind == "dob":
            columns.append(f"{column.name.split('_')[0]}_age_band")
            continue
        columns.append(column.name)
    return [*columns, *linkage_key_columns(contract.names), "_submission_id"]


def record_suite(name: str) -> gx.ExpectationSuite:
    contract = source(name).contract
    suite = gx.ExpectationSuite(name=f"{name}_raw")
    suite.add_expectation(gxe.ExpectTableRowCountToBeBetween(min_value=1))
    suite.add_expectation(
        gxe.ExpectTableColumnsToMatchSet(column_set=raw_columns(name), exact_match=True)
    )
    for key_column in linkage_key_columns(contract.names):
        suite.add_expectation(
            gxe.ExpectColumnValuesToMatchRegex(column=key_column, regex=HASH_PATTERN)
        )
    for column in contract.columns:
        name = column.name
        if column.kind in ("identifier", "dob"):
            continue
        if column.required:
            suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=name))
        if column.kind == "ref":
            # The pseudonymisation guarantee: a reference is a keyed hash, never the raw value.
            suite.add_expectation(
                gxe.ExpectColumnValuesToMatchRegex(column=name, regex=HASH_PATTERN)
            )
        if column.allowed and column.kind == "code":
            suite.add_expectation(
                gxe.ExpectColumnValuesToBeInSet(column=name, value_set=list(column.allowed))
            )
        if column.minimum is not None or column.maximum is not None:
            suite.add_expectation(
                gxe.ExpectColumnValuesToBeBetween(
                    column=name, min_value=column.minimum, max_value=column.maximum
                )
            )
        if column.kind == "service":  # the register, never free text
            suite.add_expectation(
                gxe.ExpectColumnValuesToBeInSet(
                    column=name, value_set=sorted(set(service_lookup().values()))
                )
            )
        if column.kind == "recommendation":  # the seed's recommendations only
            suite.add_expectation(
                gxe.ExpectColumnValuesToBeInSet(
                    column=name, value_set=sorted(set(recommendation_lookup().values()))
                )
            )
        if column.kind == "course_type":  # the seed's course types only
            suite.add_expectation(
                gxe.ExpectColumnValuesToBeInSet(
                    column=name, value_set=sorted(set(training_course_lookup().values()))
                )
            )
        if column.kind == "lead_agency":  # the seed's lead agencies only (MASIP returns)
            suite.add_expectation(
                gxe.ExpectColumnValuesToBeInSet(
                    column=name, value_set=sorted(set(lead_agency_lookup().values()))
                )
            )
        if column.kind == "reference_code":  # a code by its shape, never free text
            suite.add_expectation(
                gxe.ExpectColumnValuesToMatchRegex(column=name, regex=column.pattern)
            )
        if column.kind == "funding_source":  # issue 18 item 5: the seed's codes only
            suite.add_expectation(
                gxe.ExpectColumnValuesToBeInSet(
                    column=name, value_set=sorted(set(funding_source_lookup().values()))
                )
            )
        if column.kind == "force":
            suite.add_expectation(
                gxe.ExpectColumnValuesToMatchRegex(column=name, regex=r"^(E23\d{6}|W15\d{6}|BTP)$")
            )
    if "victim_dob" in contract.names:
        suite.add_expectation(
            gxe.ExpectColumnValuesToBeInSet(column="victim_age_band", value_set=list(AGE_BANDS))
        )
    for key in contract.row_key:
        if len(contract.row_key) == 1 and contract.column(key).kind == "ref":
            # One row per reference within a batch of one force's submissions.
            suite.add_expectation(
                gxe.ExpectCompoundColumnsToBeUnique(column_list=[key, "_submission_id"])
            )
    return suite


def published_suite(name: str) -> gx.ExpectationSuite:
    spec = source(name).suite
    suite = gx.ExpectationSuite(name=f"{name}_raw")
    suite.add_expectation(gxe.ExpectTableRowCountToBeBetween(min_value=1))
    for column in spec.not_null:
        suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=column))
    for column, values in spec.in_set.items():
        suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column=column, value_set=values))
    for column, regex in spec.regex.items():
        suite.add_expectation(gxe.ExpectColumnValuesToMatchRegex(column=column, regex=regex))
    return suite


def suite_for(name: str) -> gx.ExpectationSuite:
    return record_suite(name) if source(name).is_records else published_suite(name)
