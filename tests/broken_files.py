"""A corpus of broken (and awkward but valid) input files, one builder per case.

Each builder writes its file(s) into `landing/<source>/` and returns a `Case`: what the ledger
must say about every file it wrote (status, counts), which quarantine records it must get
(row, column, rule), which rows must reach raw/, and strings that must never appear under
raw/, quarantine/ or ledger/. Files are built from one small valid row per source
(`crime`, `spo`, `cps`, `helpline`, `advocacy`), changed only where the case says, so each case
reads as "the valid row, except ...".

Every builder takes a `tag` (unique per case) that goes into references, counts and names, so
all cases can share one landing directory without one case's rows being a re-export of
another's (tests/test_broken_files.py runs them one at a time and all together).

Spreadsheet formulas: a text value such as `=HYPERLINK("http://x","click")` is accepted and
stored as plain text, exactly as sent. It must never be written back out as a live formula:
whoever writes CSV/XLSX exports neutralises such values on write (e.g. a leading apostrophe,
or a string cell); ingest does not alter or reject them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import polars as pl

from ingest.pseudonymise import KEY_ENV, keyed_hash
from ingest.settings import SEEDS_DIR

TODAY = dt.date(2025, 1, 15)  # the `today` every case is ingested with
EPOCH_NS = 1_735_689_600 * 10**9  # 2025-01-01: files get mtimes from here, in arrival order
NO_RULES: frozenset = frozenset()
# Strings of the base rows that must never be stored: names (identifiers) and raw references.
BASE_SECRETS = ("Testname Victimson", "Testname Suspectson", "XREF")


@dataclass(frozen=True)
class Expected:
    """What the ledger, quarantine and raw/ must hold for one landed file."""

    source: str
    file_name: str
    status: str  # accepted, partially_accepted, quarantined, duplicate
    rows_read: int
    rows_accepted: int
    rules: frozenset[tuple[int | None, str | None, str]] = NO_RULES  # (row, column, rule)
    raw_rows: tuple[int, ...] = ()  # _row_number of the rows in raw/ (accepted statuses)
    message_has: tuple[str, ...] = ()  # fragments of the ledger message
    message_lacks: tuple[str, ...] = ()  # file content that must never reach the ledger
    check_raw: Callable | None = None  # more assertions on this file's raw frame

    @property
    def rows_rejected(self) -> int:
        return self.rows_read - self.rows_accepted


@dataclass(frozen=True)
class Case:
    files: tuple[Expected, ...]
    later: Callable[[Path], None] | None = None  # a later arrival, ingested in a second run
    later_changes_nothing: bool = False  # the second run adds ledger records, changes nothing
    never_recorded: tuple[str, ...] = ()  # file names that must get no ledger record
    secrets: tuple[str, ...] = field(default=())  # never under raw/, quarantine/, ledger/


CASES: dict[str, Callable[[Path, int], Case]] = {}


def case(builder: Callable[[Path, int], Case]) -> Callable[[Path, int], Case]:
    CASES[builder.__name__] = builder
    return builder


# --- valid base rows ---------------------------------------------------------------------

CPS_ACTS = ("PHA1997_s2A", "PHA1997_s4A", "PHA1997_s2", "PHA1997_s4")


def crime(tag: int, n: int, **changes: str) -> dict[str, str]:
    row = {
        "force_code": "E23000032",  # Kent
        "crime_ref": f"XREFC{tag:03d}N{n}",
        "recorded_date": "2024-05-01",
        "offence_code": "8Q",
        "offence_subcode": "8/65",
        "victim_ref": f"XREFV{tag:03d}N{n}",
        "victim_name": "Testname Victimson",
        "victim_dob": "1990-03-04",
        "victim_sex": "F",
        "suspect_ref": f"XREFS{tag:03d}N{n}",
        "suspect_name": "Testname Suspectson",
        "relationship": "ex_partner",
        "domestic_flag": "Y",
        "cyber_flag": "N",
        "screening_completed": "Y",
        "risk_level": "high",
        "masip_referral": "N",
        "outcome_type": "0",
        "outcome_date": "",
    }
    return row | changes


CRIME_COLUMNS = list(crime(0, 0))  # the national standard's column order
SERVICES = sorted(
    pl.read_csv(SEEDS_DIR / "ref_services.csv", infer_schema=False)["service_name"].to_list()
)


def spo(tag: int, n: int, **changes: str) -> dict[str, str]:
    row = {
        "force_code": "E23000032",
        "spo_ref": f"XREFO{tag:03d}N{n}",
        "crime_ref": f"XREFC{tag:03d}N{n}",
        "application_date": "2024-05-01",
        "order_type": "full",
        "decision": "granted",
        "decision_date": "2024-06-01",
        "breach_count": "0",
    }
    return row | changes


def cps(tag: int, n: int, **changes: str) -> dict[str, str]:
    row = {
        "cps_area": "South East",
        "force_code": "E23000032",
        "financial_year": "2024/25",
        "fy_quarter": f"Q{(n - 1) // 4 % 4 + 1}",
        "offence_act": CPS_ACTS[(n - 1) % 4],
        "pre_charge_decisions": str(100 + tag),
        "charged": "50",
        "prosecutions_completed": "40",
        "convictions": "30",
    }
    return row | changes


def helpline(tag: int, n: int, **changes: str) -> dict[str, str]:
    row = {
        "contact_id": f"XREFH{tag:03d}N{n}",
        "contact_datetime": "2024-05-01T10:00:00",
        "channel": "phone",
        "answered": "Y",
        "caller_type": "victim",
        "force_code": "E23000032",
        "region": "",
        "victim_sex": "F",
        "victim_age_band": "25-34",
        "perpetrator_relationship": "ex_partner",
        "reported_to_police": "Y",
        "referred_to": "isac;police",
    }
    return row | changes


def advocacy(tag: int, n: int, **changes: str) -> dict[str, str]:
    row = {
        "service_name": SERVICES[tag % len(SERVICES)],  # from the (synthetic) register
        "month": f"2024-{n:02d}",
        "force_code": "E23000032",
        "referrals_received": "5",
        "cases_opened": "3",
        "cases_closed": "2",
        "open_cases_end": "10",
        "waiting_list_end": "1",
        "advocate_fte": "1.5",
    }
    return row | changes


# --- writing files -----------------------------------------------------------------------


def csv_text(rows: list[dict[str, str]], columns: list[str] | None = None, eol: str = "\n") -> str:
    columns = columns or list(rows[0])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=eol)
    writer.writerow(columns)
    writer.writerows([[row.get(c, "") for c in columns] for row in rows])
    return out.getvalue()


def land(landing: Path, source: str, name: str, data: bytes | str, order: int = 0) -> Path:
    """Write a file into landing/<source>/ with a fixed mtime: `order` sets arrival order."""
    path = landing / source / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    stamp = EPOCH_NS + order * 10**9
    os.utime(path, ns=(stamp, stamp))
    return path


def xlsx_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def accepted(source: str, name: str, rows: int, first_row: int = 2, **kw) -> Expected:
    return Expected(
        source,
        name,
        "accepted",
        rows,
        rows,
        raw_rows=tuple(range(first_row, first_row + rows)),
        **kw,
    )


def whole_file_rejected(source: str, name: str, rule: str, *message_has: str) -> Expected:
    return Expected(
        source,
        name,
        "quarantined",
        0,
        0,
        rules=frozenset({(None, None, rule)}),
        message_has=(name, *message_has),
    )


def partial(
    source: str,
    name: str,
    rows_read: int,
    rules: set[tuple[int | None, str | None, str]],
    **kw,
) -> Expected:
    """Rows 2..rows_read+1 of a CSV; the rows named in `rules` are rejected, the rest in raw."""
    bad = {row for row, _, _ in rules}
    good = tuple(r for r in range(2, rows_read + 2) if r not in bad)
    return Expected(
        source,
        name,
        "partially_accepted",
        rows_read,
        len(good),
        rules=frozenset(rules),
        raw_rows=good,
        **kw,
    )


def file_name(tag: int, label: str, ext: str = "csv") -> str:
    return f"case{tag:03d}_{label}.{ext}"


# --- whole-file problems -----------------------------------------------------------------


@case
def empty_file(landing: Path, tag: int) -> Case:
    file = file_name(tag, "empty")
    land(landing, "force_crimes", file, b"")
    return Case((whole_file_rejected("force_crimes", file, "empty_file", "empty"),))


@case
def whitespace_only(landing: Path, tag: int) -> Case:
    file = file_name(tag, "whitespace")
    land(landing, "force_crimes", file, " \r\n\t\n   \n")
    return Case((whole_file_rejected("force_crimes", file, "empty_file", "empty"),))


@case
def bom_only(landing: Path, tag: int) -> Case:
    file = file_name(tag, "bom_only")
    land(landing, "force_crimes", file, b"\xef\xbb\xbf\r\n")
    return Case((whole_file_rejected("force_crimes", file, "empty_file", "empty"),))


@case
def header_only(landing: Path, tag: int) -> Case:
    """A nil return (nothing to report this period): accepted with 0 rows, not an error."""
    file = file_name(tag, "header_only")
    land(landing, "force_crimes", file, ",".join(CRIME_COLUMNS) + "\n")
    return Case((Expected("force_crimes", file, "accepted", 0, 0, message_has=("nil return",)),))


@case
def csv_named_xlsx(landing: Path, tag: int) -> Case:
    file = file_name(tag, "csv_bytes", "xlsx")
    land(landing, "force_crimes", file, csv_text([crime(tag, 1)]))
    return Case((whole_file_rejected("force_crimes", file, "wrong_format", "XLSX", "CSV"),))


@case
def xlsx_named_csv(landing: Path, tag: int) -> Case:
    file = file_name(tag, "xlsx_bytes")
    rows = [crime(tag, 1)]
    data = xlsx_bytes({"Sheet1": [CRIME_COLUMNS, *[list(r.values()) for r in rows]]})
    land(landing, "force_crimes", file, data)
    return Case((whole_file_rejected("force_crimes", file, "wrong_format", "CSV", "XLSX"),))


@case
def random_binary(landing: Path, tag: int) -> Case:
    file = file_name(tag, "random_binary")
    land(landing, "force_crimes", file, b"\x89BIN" + random.Random(tag).randbytes(4096))
    return Case((whole_file_rejected("force_crimes", file, "unreadable_file", "binary"),))


@case
def truncated_csv(landing: Path, tag: int) -> Case:
    file = file_name(tag, "truncated")
    text = csv_text([crime(tag, n) for n in (1, 2, 3)])
    cut = text.rindex("2024-05-01")  # inside the last row, no final newline
    land(landing, "force_crimes", file, text[:cut])
    return Case((whole_file_rejected("force_crimes", file, "truncated_file", "line 4"),))


@case
def missing_required_column(landing: Path, tag: int) -> Case:
    file = file_name(tag, "no_victim_sex")
    columns = [c for c in CRIME_COLUMNS if c != "victim_sex"]
    land(landing, "force_crimes", file, csv_text([crime(tag, 1)], columns))
    return Case(
        (whole_file_rejected("force_crimes", file, "missing_required_columns", "victim_sex"),)
    )


@case
def cp1252_in_utf8_standard(landing: Path, tag: int) -> Case:
    file = file_name(tag, "cp1252_standard")
    rows = [crime(tag, 1), crime(tag, 2, victim_name="Zoë Ångström")]
    land(landing, "force_crimes", file, csv_text(rows).encode("cp1252"))
    return Case(
        (whole_file_rejected("force_crimes", file, "bad_encoding", "utf-8", "line 3"),),
        secrets=("Ångström", "Ångström".encode("cp1252").decode("latin-1")),
    )


# --- accepted although awkward -----------------------------------------------------------


@case
def utf8_bom(landing: Path, tag: int) -> Case:
    file = file_name(tag, "bom")
    land(landing, "force_crimes", file, b"\xef\xbb\xbf" + csv_text([crime(tag, 1)]).encode())

    def check(raw):  # the BOM did not stick to the first column; references are keyed hashes
        key = os.environ[KEY_ENV].encode()
        assert raw["force_code"].to_list() == ["E23000032"]
        assert raw["crime_ref"].to_list() == [keyed_hash(key, "E23000032", f"XREFC{tag:03d}N1")]

    return Case((accepted("force_crimes", file, 1, check_raw=check),))


@case
def crlf_and_padding(landing: Path, tag: int) -> Case:
    """CRLF line ends, spaces around codes, a blank line, no final newline: all harmless."""
    file = file_name(tag, "crlf")
    rows = [crime(tag, 1, victim_sex=" f ", risk_level="  HIGH "), crime(tag, 2)]
    header, first, second, _ = csv_text(rows, eol="\r\n").split("\r\n")
    land(landing, "force_crimes", file, "\r\n".join([header, first, "", second]))

    def check(raw):
        assert raw["victim_sex"].to_list() == ["F", "F"]
        assert raw["risk_level"].to_list() == ["high", "high"]

    # Row 1 is on line 2, line 3 is blank, row 2 is on line 4.
    return Case(
        (Expected("force_crimes", file, "accepted", 2, 2, raw_rows=(2, 4), check_raw=check),)
    )


@case
def extra_columns(landing: Path, tag: int) -> Case:
    file = file_name(tag, "extra_columns")
    rows = [crime(tag, n, officer_collar="PC9911QQ", station="Stationville") for n in (1, 2)]
    land(landing, "force_crimes", file, csv_text(rows))

    def check(raw):
        assert "officer_collar" not in raw.columns and "station" not in raw.columns

    return Case(
        (
            accepted(
                "force_crimes",
                file,
                2,
                message_has=("2 column(s)",),
                message_lacks=("officer_collar", "station"),
                check_raw=check,
            ),
        ),
        secrets=("PC9911QQ", "Stationville"),
    )


@case
def identifiers_in_unexpected_columns(landing: Path, tag: int) -> Case:
    file = file_name(tag, "identifier_columns")
    secrets = ("Jane Doe-Smithson", "07700 900123", "jane.doe@example.org", "12 Acacia Avenue")
    rows = [
        crime(
            tag,
            1,
            Notes="Jane Doe-Smithson rang from 07700 900123",
            victim_email="jane.doe@example.org",
            victim_address="12 Acacia Avenue, Leeds",
        ),
        crime(tag, 2, Notes="", victim_email="", victim_address=""),
    ]
    land(landing, "force_crimes", file, csv_text(rows))
    return Case(
        (
            accepted(
                "force_crimes",
                file,
                2,
                message_has=("3 column(s)",),
                message_lacks=("Notes", "victim_email"),
            ),
        ),
        secrets=secrets,
    )


@case
def force_alias_odd_case(landing: Path, tag: int) -> Case:
    file = file_name(tag, "force_aliases")
    spellings = ["  kent   POLICE ", "devon & CORNWALL", "met police", "w15000001", "Cumbria"]
    codes = ["E23000032", "E23000035", "E23000001", "W15000001", "E23000002"]
    # A quarter of its own: a file naming five forces must not replace other cases' Kent rows.
    rows = [
        crime(tag, n, force_code=s, recorded_date="2022-05-01")
        for n, s in enumerate(spellings, start=1)
    ]
    land(landing, "force_crimes", file, csv_text(rows))

    def check(raw):
        assert raw.sort("_row_number")["force_code"].to_list() == codes

    return Case((accepted("force_crimes", file, 5, check_raw=check),))


@case
def offence_code_odd_case(landing: Path, tag: int) -> Case:
    file = file_name(tag, "offence_case")
    rows = [
        crime(tag, 1, offence_code=" 8q "),
        crime(tag, 2, offence_code="8 l", offence_subcode=""),
        crime(tag, 3, offence_code="8Q", offence_subcode=" 8/66 "),
    ]
    land(landing, "force_crimes", file, csv_text(rows))

    def check(raw):
        raw = raw.sort("_row_number")
        assert raw["offence_code"].to_list() == ["8Q", "8L", "8Q"]
        assert raw["offence_subcode"].to_list() == ["8/65", None, "8/66"]

    return Case((accepted("force_crimes", file, 3, check_raw=check),))


@case
def legacy_cp1252_csv(landing: Path, tag: int) -> Case:
    """The cp1252 legacy profile: accepted; the accented name is an identifier, never stored."""
    file = file_name(tag, "legacy_cp1252")
    header = (
        "Force Name,URN,Date Recorded,HO Class,HO Subclass,Victim URN,Victim Full Name,"
        "Victim D.O.B.,Victim Sex,Suspect URN,Suspect Full Name,Victim-Suspect Relationship,"
        "DA Marker,Cyber Enabled,Screening Tool,Risk,MASIP,Outcome Code,Outcome Date"
    )
    rows = [
        f"Kent,XREFC{tag:03d}N1,01-May-2024,008Q,008/065,XREFV{tag:03d}N1,Zoë Ångström,"
        f"04-Mar-1990,Female,XREFS{tag:03d}N1,Renée O’Brien,XP,Yes,No,Yes,H,No,0,",
        f"Kent,XREFC{tag:03d}N2,02-May-2024,,008/066,XREFV{tag:03d}N2,Testname Victimson,"
        f",Male,,,NK,No,Yes,No,N/A,No,10,15-Jun-2024",
    ]
    land(landing, "force_crimes", file, "\r\n".join([header, *rows, ""]).encode("cp1252"))

    def check(raw):
        raw = raw.sort("_row_number")
        assert raw["force_code"].to_list() == ["E23000032", "E23000032"]
        assert raw["offence_code"].to_list() == ["8Q", "8Q"]  # row 2 derived from 8/66
        assert raw["offence_subcode"].to_list() == ["8/65", "8/66"]
        assert raw["relationship"].to_list() == ["ex_partner", "unknown"]
        assert raw["risk_level"].to_list() == ["high", "not_assessed"]
        assert raw["victim_age_band"].to_list() == ["25-34", None]
        assert raw["outcome_date"].to_list() == [None, dt.date(2024, 6, 15)]

    return Case(
        (accepted("force_crimes", file, 2, check_raw=check),),
        secrets=("Zoë", "Ångström", "Renée", "O’Brien"),
    )


@case
def legacy_xlsx_with_banner(landing: Path, tag: int) -> Case:
    file = file_name(tag, "legacy_banner", "xlsx")
    header = [
        "Force", "Crime Number", "Recorded On", "Offence Code", "Offence Sub-code", "Victim ID",
        "Victim Name", "Victim DOB", "Victim Gender", "Suspect ID", "Suspect Name",
        "Relationship to Suspect", "Domestic Abuse", "Online / Digital",
        "Stalking Screening Done", "Risk Grade", "MASIP Referral", "Outcome", "Outcome Date",
        "Station Code",
    ]  # fmt: skip
    rows = [
        ["Kent", f"XREFC{tag:03d}N1", "01/05/2024", "8Q", "8/65", f"XREFV{tag:03d}N1",
         "Testname Victimson", "04/03/1990", "Female", f"XREFS{tag:03d}N1",
         "Testname Suspectson", "Ex-partner", "Yes", "No", "Yes", "High", "No", 0, None, "ST12"],
        # A real date cell and a numeric outcome: the workbook's own types, not text.
        ["Kent Police", f"XREFC{tag:03d}N2", dt.datetime(2024, 5, 2), "8L", None,
         f"XREFV{tag:03d}N2", None, None, "Not stated", None, None, "Not known", "No", "Yes",
         "No", "Not assessed", "No", 10, dt.datetime(2024, 6, 1), "ST12"],
    ]  # fmt: skip
    banner = [
        ["Quarterly stalking and harassment crimes (test banner)"],
        ["Force: Kent. Period: 2024/25 Q1."],
        ["Dates are DD/MM/YYYY."],
        [],
    ]
    land(landing, "force_crimes", file, xlsx_bytes({"Crimes": [*banner, header, *rows]}))

    def check(raw):
        raw = raw.sort("_row_number")
        assert raw["recorded_date"].to_list() == [dt.date(2024, 5, 1), dt.date(2024, 5, 2)]
        assert raw["outcome_type"].to_list() == [0, 10]
        assert raw["victim_sex"].to_list() == ["F", "U"]
        assert "Station Code" not in raw.columns

    return Case(
        (
            accepted(
                "force_crimes",
                file,
                2,
                first_row=6,
                message_has=("1 column(s)",),
                message_lacks=("Station Code",),
                check_raw=check,
            ),
        ),
        secrets=("ST12",),
    )


@case
def cps_published_xlsx(landing: Path, tag: int) -> Case:
    file = file_name(tag, "cps_published", "xlsx")
    header = [
        "CPS Area", "Police Force Area", "Financial Year", "Quarter", "Offence",
        "Pre-charge decisions", "Charged", "Prosecutions completed", "Convictions",
    ]  # fmt: skip
    acts = ["s.2A PHA 1997", "s.4A PHA 1997", "s.2 PHA 1997", "s.4 PHA 1997"]
    rows = [
        ["South East", "Kent", "2024/25", "Quarter 1", act, 100 + tag, 50, 40, 30] for act in acts
    ]
    sheets = {
        "Cover": [["Stalking and harassment prosecutions (test)"], ["See Table 1."]],
        "Table 1": [
            ["Table 1: stalking and harassment offences by CPS Area and police force area"],
            ["Financial year 2024/25, Quarter 1"],
            [],
            header,
            *rows,
            [],
            ["Source: test corpus"],
        ],
    }
    land(landing, "cps_returns", file, xlsx_bytes(sheets))

    def check(raw):
        raw = raw.sort("_row_number")
        assert raw["force_code"].unique().to_list() == ["E23000032"]
        assert raw["fy_quarter"].unique().to_list() == ["Q1"]
        assert raw["offence_act"].to_list() == list(CPS_ACTS)
        assert raw["pre_charge_decisions"].to_list() == [100 + tag] * 4
        assert raw["convictions"].to_list() == [30] * 4

    expected = accepted("cps_returns", file, 4, first_row=5, check_raw=check)
    return Case((expected,))


@case
def formula_in_text(landing: Path, tag: int) -> Case:
    """Formula-like text where a registered name belongs is not a service: the row is
    quarantined by the value's shape (and never written back out as a live formula)."""
    file = file_name(tag, "formula")
    formula = '=HYPERLINK("http://x","click")'
    rows = [advocacy(tag, 1, service_name=formula), advocacy(tag, 2)]
    land(landing, "advocacy_caseload", file, csv_text(rows))
    return Case(
        (partial("advocacy_caseload", file, 2, {(2, "service_name", "unknown_service")}),),
        secrets=("HYPERLINK",),
    )


@case
def personal_data_typed_into_service_name(landing: Path, tag: int) -> Case:
    """A name, date of birth, phone and e-mail in `service_name` never pass ingest."""
    file = file_name(tag, "service_free_text")
    text = "Jane Doe-Smithson dob 01/02/1980 07700 900321 jane.smithson@example.org"
    rows = [advocacy(tag, 1), advocacy(tag, 2, service_name=text)]
    land(landing, "advocacy_caseload", file, csv_text(rows))

    def check(raw):
        assert raw["service_name"].to_list() == [SERVICES[tag % len(SERVICES)]]

    return Case(
        (
            partial(
                "advocacy_caseload",
                file,
                2,
                {(3, "service_name", "unknown_service")},
                check_raw=check,
            ),
        ),
        secrets=("Doe-Smithson", "07700 900321", "jane.smithson", "01/02/1980"),
    )


# --- row errors --------------------------------------------------------------------------


def _one_bad_row(
    landing: Path, tag: int, source: str, bad: dict[str, str], breaks: tuple[str, str]
) -> Case:
    """A three-row file whose middle row (row 3) is the valid row changed by `bad`, and so
    breaks one rule: `breaks` is (column, rule)."""
    column, rule = breaks
    base = {
        "force_crimes": crime,
        "force_spos": spo,
        "cps_returns": cps,
        "helpline_contacts": helpline,
        "advocacy_caseload": advocacy,
    }[source]
    file = file_name(tag, rule)
    rows = [base(tag, 1), base(tag, 2, **bad), base(tag, 3)]
    land(landing, source, file, csv_text(rows))
    return Case((partial(source, file, 3, {(3, column, rule)}),))


@case
def unknown_force(landing: Path, tag: int) -> Case:
    return _one_bad_row(
        landing, tag, "force_crimes", {"force_code": "E23000999"}, ("force_code", "unknown_force")
    )


@case
def name_typed_into_force_code(landing: Path, tag: int) -> Case:
    built = _one_bad_row(
        landing,
        tag,
        "force_crimes",
        {"force_code": "Margaret Thistlewood"},
        ("force_code", "unknown_force"),
    )
    return Case(built.files, secrets=("Margaret", "Thistlewood"))


@case
def unknown_offence_code(landing: Path, tag: int) -> Case:
    return _one_bad_row(
        landing,
        tag,
        "force_crimes",
        {"offence_code": "9Z"},
        ("offence_code", "unknown_offence_code"),
    )


@case
def unparseable_date(landing: Path, tag: int) -> Case:
    return _one_bad_row(
        landing,
        tag,
        "force_crimes",
        {"recorded_date": "31/02/2024"},
        ("recorded_date", "unparseable_date"),
    )


@case
def date_with_trailing_digit(landing: Path, tag: int) -> Case:
    """2024-05-011 is not 2024-05-01: a garbled date must not be read as a different one."""
    return _one_bad_row(
        landing,
        tag,
        "force_crimes",
        {"recorded_date": "2024-05-011"},
        ("recorded_date", "unparseable_date"),
    )


@case
def future_date(landing: Path, tag: int) -> Case:
    return _one_bad_row(
        landing,
        tag,
        "force_crimes",
        {"recorded_date": "2025-06-01"},
        ("recorded_date", "future_date"),
    )


@case
def date_before_1990(landing: Path, tag: int) -> Case:
    return _one_bad_row(
        landing,
        tag,
        "force_crimes",
        {"recorded_date": "1989-12-31"},
        ("recorded_date", "implausibly_old_date"),
    )


@case
def outcome_before_recorded(landing: Path, tag: int) -> Case:
    return _one_bad_row(
        landing,
        tag,
        "force_crimes",
        {"outcome_type": "10", "outcome_date": "2024-04-01"},
        ("outcome_date", "outcome_before_recorded_date"),
    )


@case
def outcome_type_without_date(landing: Path, tag: int) -> Case:
    return _one_bad_row(
        landing,
        tag,
        "force_crimes",
        {"outcome_type": "16"},
        ("outcome_date", "outcome_date_required"),
    )


@case
def outcome_type_out_of_range(landing: Path, tag: int) -> Case:
    file = file_name(tag, "outcome_range")
    rows = [
        crime(tag, 1),
        crime(tag, 2, outcome_type="23", outcome_date="2024-06-01"),
        crime(tag, 3, outcome_type="-1"),
        crime(tag, 4, outcome_type="abc"),
        crime(tag, 5, outcome_type="22", outcome_date="2024-06-01"),
    ]
    land(landing, "force_crimes", file, csv_text(rows))
    rules = {
        (3, "outcome_type", "above_maximum"),
        (4, "outcome_type", "below_minimum"),
        (5, "outcome_type", "not_a_whole_number"),
    }
    return Case((partial("force_crimes", file, 5, rules),))


@case
def cps_negative_and_non_numeric(landing: Path, tag: int) -> Case:
    file = file_name(tag, "cps_counts")
    rows = [
        cps(tag, 1),
        cps(tag, 2, charged="-3"),
        cps(tag, 3, prosecutions_completed="lots"),
        cps(tag, 4, pre_charge_decisions="1,250"),  # a thousands separator is a number
    ]
    land(landing, "cps_returns", file, csv_text(rows))
    rules = {(3, "charged", "below_minimum"), (4, "prosecutions_completed", "not_a_whole_number")}
    return Case((partial("cps_returns", file, 4, rules),))


@case
def advocacy_negative_and_non_numeric(landing: Path, tag: int) -> Case:
    file = file_name(tag, "advocacy_counts")
    rows = [
        advocacy(tag, 1, referrals_received="-2"),
        advocacy(tag, 2, advocate_fte="n/a"),
        advocacy(tag, 3, cases_opened="3.5"),
        advocacy(tag, 4),
    ]
    land(landing, "advocacy_caseload", file, csv_text(rows))
    rules = {
        (2, "referrals_received", "below_minimum"),
        (3, "advocate_fte", "not_a_number"),
        (4, "cases_opened", "not_a_whole_number"),
    }
    return Case((partial("advocacy_caseload", file, 4, rules),))


@case
def charged_exceeds_decisions(landing: Path, tag: int) -> Case:
    return _one_bad_row(
        landing,
        tag,
        "cps_returns",
        {"pre_charge_decisions": "5", "charged": "9"},
        ("charged", "charged_exceeds_pre_charge_decisions"),
    )


@case
def convictions_exceed_prosecutions(landing: Path, tag: int) -> Case:
    return _one_bad_row(
        landing,
        tag,
        "cps_returns",
        {"convictions": "41"},
        ("convictions", "convictions_exceed_prosecutions"),
    )


@case
def unknown_cps_area(landing: Path, tag: int) -> Case:
    return _one_bad_row(
        landing, tag, "cps_returns", {"cps_area": "Atlantis"}, ("cps_area", "unknown_cps_area")
    )


@case
def spo_decided_without_date(landing: Path, tag: int) -> Case:
    return _one_bad_row(
        landing,
        tag,
        "force_spos",
        {"decision_date": ""},
        ("decision_date", "decision_date_required"),
    )


@case
def helpline_unknown_region(landing: Path, tag: int) -> Case:
    return _one_bad_row(
        landing,
        tag,
        "helpline_contacts",
        {"force_code": "", "region": "Narnia"},
        ("region", "unknown_region"),
    )


@case
def helpline_unknown_referral(landing: Path, tag: int) -> Case:
    return _one_bad_row(
        landing,
        tag,
        "helpline_contacts",
        {"referred_to": "isac; Pizza"},
        ("referred_to", "code_not_allowed"),
    )


@case
def oversized_ref(landing: Path, tag: int) -> Case:
    return _one_bad_row(
        landing,
        tag,
        "force_crimes",
        {"crime_ref": "XREF" + "7" * 100_000},
        ("crime_ref", "value_too_long"),
    )


@case
def oversized_text(landing: Path, tag: int) -> Case:
    """Too long, and (so) not a registered service: both rules named, the row quarantined."""
    file = file_name(tag, "value_too_long")
    bad = {"service_name": "Longwinded Service " + "blah " * 20_000}
    rows = [advocacy(tag, 1), advocacy(tag, 2, **bad), advocacy(tag, 3)]
    land(landing, "advocacy_caseload", file, csv_text(rows))
    rules = {(3, "service_name", "value_too_long"), (3, "service_name", "unknown_service")}
    return Case(
        (partial("advocacy_caseload", file, 3, rules),), secrets=("Longwinded", "blah blah")
    )


@case
def all_rows_bad(landing: Path, tag: int) -> Case:
    file = file_name(tag, "all_bad")
    rows = [crime(tag, n, force_code="Ruritania Constabulary") for n in (1, 2, 3)]
    land(landing, "force_crimes", file, csv_text(rows))
    rules = frozenset((row, "force_code", "unknown_force") for row in (2, 3, 4))
    return Case((Expected("force_crimes", file, "quarantined", 3, 0, rules=rules),))


@case
def row_with_extra_field(landing: Path, tag: int) -> Case:
    """An unquoted comma shifts one row's values: that row is rejected, not the file."""
    file = file_name(tag, "extra_field")
    text = csv_text([crime(tag, n) for n in (1, 2, 3)])
    text = text.replace("Testname Victimson", "Victimson, Testname", 1)  # row 2
    land(landing, "force_crimes", file, text)
    return Case(
        (partial("force_crimes", file, 3, {(2, None, "too_many_fields")}),),
    )


@case
def quoted_line_break(landing: Path, tag: int) -> Case:
    """A quoted value with a line break: the row after it is reported by its real line."""
    file = file_name(tag, "quoted_newline")
    rows = [
        crime(tag, 1, victim_name="Testname\nVictimson"),  # lines 2-3
        crime(tag, 2, offence_code="9Z"),  # line 4
        crime(tag, 3),  # line 5
    ]
    land(landing, "force_crimes", file, csv_text(rows))
    expected = Expected(
        "force_crimes",
        file,
        "partially_accepted",
        3,
        2,
        rules=frozenset({(4, "offence_code", "unknown_offence_code")}),
        raw_rows=(2, 5),
    )
    return Case((expected,))


# --- duplicates, repeats and resubmissions -----------------------------------------------


@case
def duplicate_rows(landing: Path, tag: int) -> Case:
    file = file_name(tag, "duplicate_rows")
    rows = [crime(tag, 1), crime(tag, 2), crime(tag, 1), crime(tag, 3)]
    land(landing, "force_crimes", file, csv_text(rows))
    return Case((partial("force_crimes", file, 4, {(4, "crime_ref", "duplicate_row")}),))


@case
def duplicate_ref_in_other_case(landing: Path, tag: int) -> Case:
    """References are hashed case-insensitively, so they are compared that way too."""
    file = file_name(tag, "duplicate_ref_case")
    # A quarter of its own: its one good row must not replace other cases' Kent quarter.
    day = {"recorded_date": "2021-05-01"}
    rows = [crime(tag, 1, **day), crime(tag, 1, crime_ref=f"xrefc{tag:03d}n1 ", **day)]
    land(landing, "force_crimes", file, csv_text(rows))
    return Case((partial("force_crimes", file, 2, {(3, "crime_ref", "duplicate_row")}),))


@case
def duplicate_after_bad_first(landing: Path, tag: int) -> Case:
    """The first row with a key is bad and quarantined: the corrected second one stands."""
    file = file_name(tag, "duplicate_bad_first")
    rows = [crime(tag, 1, offence_code="9Z"), crime(tag, 1), crime(tag, 2)]
    land(landing, "force_crimes", file, csv_text(rows))
    rules = {(2, "offence_code", "unknown_offence_code")}
    return Case((partial("force_crimes", file, 3, rules),))


@case
def same_file_twice(landing: Path, tag: int) -> Case:
    file, copy = file_name(tag, "same_file"), file_name(tag, "same_file_again")
    data = csv_text([crime(tag, 1), crime(tag, 2)])
    land(landing, "force_crimes", file, data)

    def later(landing: Path) -> None:
        land(landing, "force_crimes", copy, data, order=1)

    # Every arrival is recorded: the copy as a duplicate of the first, changing nothing.
    again = Expected("force_crimes", copy, "duplicate", 0, 0, message_has=("same bytes",))
    return Case((accepted("force_crimes", file, 2), again), later=later, later_changes_nothing=True)


@case
def same_rows_different_bytes(landing: Path, tag: int) -> Case:
    """A re-export: other line ends, rows in another order, extra padding. Same rows."""
    first, again = file_name(tag, "export"), file_name(tag, "reexport")
    rows = [crime(tag, 1), crime(tag, 2), crime(tag, 3)]
    land(landing, "force_crimes", first, csv_text(rows))
    reordered = [rows[2], rows[0], crime(tag, 2, risk_level=" High ")]
    land(landing, "force_crimes", again, csv_text(reordered, eol="\r\n"), order=1)
    duplicate = Expected("force_crimes", again, "duplicate", 3, 3, message_has=("same rows",))
    return Case((accepted("force_crimes", first, 3), duplicate))


@case
def resubmitted_period(landing: Path, tag: int) -> Case:
    """The same force and quarter sent again with a corrected row: both are kept."""
    first, again = file_name(tag, "submission"), file_name(tag, "resubmission")
    land(landing, "force_crimes", first, csv_text([crime(tag, 1), crime(tag, 2)]))
    corrected = [crime(tag, 1), crime(tag, 2, outcome_type="10", outcome_date="2024-06-01")]
    land(landing, "force_crimes", again, csv_text(corrected), order=1)
    return Case((accepted("force_crimes", first, 2), accepted("force_crimes", again, 2)))


# --- JSON Lines --------------------------------------------------------------------------


def crime_json(tag: int, n: int) -> str:
    return json.dumps(
        {
            "force": "Kent",
            "crimeReference": f"XREFC{tag:03d}N{n}",
            "recordedDate": "2024-05-01",
            "offence": {"code": "8Q", "subcode": "8/65"},
            "victim": {
                "ref": f"XREFV{tag:03d}N{n}",
                "name": "Testname Victimson",
                "dob": "1990-03-04",
                "sex": "F",
            },
            "suspect": {"ref": f"XREFS{tag:03d}N{n}", "name": "Testname Suspectson"},
            "relationship": "exPartner",
            "flags": {"domestic": True, "cyber": False, "masipReferral": False},
            "screening": {"completed": True, "risk": "high"},
            "outcome": {"type": 0, "date": None},
        }
    )


@case
def jsonl_broken_line(landing: Path, tag: int) -> Case:
    file = file_name(tag, "broken_line", "jsonl")
    lines = [crime_json(tag, 1), crime_json(tag, 2)[:-20], crime_json(tag, 3)]
    land(landing, "force_crimes", file, "\n".join(lines) + "\n")

    def check(raw):
        assert raw["relationship"].to_list() == ["ex_partner", "ex_partner"]
        assert raw["domestic_flag"].to_list() == ["Y", "Y"]

    expected = Expected(
        "force_crimes",
        file,
        "partially_accepted",
        3,
        2,
        rules=frozenset({(2, None, "invalid_json")}),
        raw_rows=(1, 3),
        check_raw=check,
    )
    return Case((expected,))


@case
def jsonl_broken_first_line(landing: Path, tag: int) -> Case:
    """The profile is found from the first line that parses, not only from line 1."""
    file = file_name(tag, "broken_first", "jsonl")
    lines = ['{"force": "Kent", "crimeRef', crime_json(tag, 2), "[1, 2]", crime_json(tag, 4)]
    land(landing, "force_crimes", file, "\n".join(lines) + "\n")
    expected = Expected(
        "force_crimes",
        file,
        "partially_accepted",
        4,
        2,
        rules=frozenset({(1, None, "invalid_json"), (3, None, "invalid_json")}),
        raw_rows=(2, 4),
    )
    return Case((expected,))


@case
def helpline_bad_datetimes(landing: Path, tag: int) -> Case:
    """Odd timestamps are each their own row's error: the first row's shape must not decide
    how the others are read."""
    file = file_name(tag, "bad_datetimes")
    rows = [
        helpline(tag, 1, contact_datetime="2024-05-01T10:00:00+01:00"),  # offset: not local
        helpline(tag, 2, contact_datetime="01/05/2024 10:00"),  # day-first: not ISO
        helpline(tag, 3, contact_datetime="2024-05-01 10:30"),  # ISO with a space: fine
        helpline(tag, 4, contact_datetime="20240501"),
        helpline(tag, 5),
    ]
    land(landing, "helpline_contacts", file, csv_text(rows))
    rules = {(row, "contact_datetime", "unparseable_datetime") for row in (2, 3, 5)}
    return Case((partial("helpline_contacts", file, 5, rules),))


@case
def truncated_xlsx(landing: Path, tag: int) -> Case:
    """An upload cut short: the workbook cannot be opened at all."""
    file = file_name(tag, "truncated", "xlsx")
    data = xlsx_bytes({"Sheet1": [list(crime(tag, 1)), list(crime(tag, 1).values())]})
    land(landing, "force_crimes", file, data[: len(data) // 2])
    return Case((whole_file_rejected("force_crimes", file, "unreadable_file", "workbook"),))


@case
def cr_only_line_ends(landing: Path, tag: int) -> Case:
    """Old Mac line ends (CR only): rows and row numbers as with LF."""
    file = file_name(tag, "cr_only")
    rows = [crime(tag, 1), crime(tag, 2, offence_code="9Z"), crime(tag, 3)]
    land(landing, "force_crimes", file, csv_text(rows, eol="\r"))
    return Case((partial("force_crimes", file, 3, {(3, "offence_code", "unknown_offence_code")}),))


@case
def csv_banner_above_header(landing: Path, tag: int) -> Case:
    """Two title lines and a blank line above the standard header: rows keep their lines."""
    file = file_name(tag, "csv_banner")
    rows = [crime(tag, 1), crime(tag, 2, victim_sex="Q"), crime(tag, 3)]
    banner = '"Crime extract, Kent"\nRun 02/01/2025\n\n'
    land(landing, "force_crimes", file, banner + csv_text(rows))
    expected = Expected(
        "force_crimes",
        file,
        "partially_accepted",
        3,
        2,
        rules=frozenset({(6, "victim_sex", "code_not_allowed")}),
        raw_rows=(5, 7),
    )
    return Case((expected,))


@case
def jsonl_line_separator_in_value(landing: Path, tag: int) -> Case:
    """U+2028 and U+0085 are legal inside a JSON string: they do not end the line."""
    file = file_name(tag, "line_separator", "jsonl")
    line = crime_json(tag, 1).replace("Testname Victimson", "Testname\u2028Vic\u0085timson")
    text = line.replace("\\u2028", "\u2028").replace("\\u0085", "\u0085")  # raw, not escaped
    land(landing, "force_crimes", file, text + "\n" + crime_json(tag, 2) + "\n")
    return Case(
        (accepted("force_crimes", file, 2, first_row=1),),
        secrets=("Vic\u0085timson",),
    )


# --- issue 12: strict values, control characters, file content kept out of messages -------


@case
def numbers_read_strictly(landing: Path, tag: int) -> Case:
    """'1,2,3', '12,34' and '1.000' in a count are row errors, never 123, 1234 or 1."""
    file = file_name(tag, "strict_numbers")
    rows = [
        cps(tag, 1, pre_charge_decisions="1,234"),  # a thousands separator: 1234
        cps(tag, 2, pre_charge_decisions="1,2,3"),
        cps(tag, 3, pre_charge_decisions="12,34"),
        cps(tag, 4, charged="1.000"),
        cps(tag, 5, convictions="3,0"),
    ]
    land(landing, "cps_returns", file, csv_text(rows))
    rules = {
        (3, "pre_charge_decisions", "not_a_whole_number"),
        (4, "pre_charge_decisions", "not_a_whole_number"),
        (5, "charged", "not_a_whole_number"),
        (6, "convictions", "not_a_whole_number"),
    }

    def check(raw):
        assert raw["pre_charge_decisions"].to_list() == [1234]

    return Case((partial("cps_returns", file, 5, rules, check_raw=check),))


@case
def decimal_read_strictly(landing: Path, tag: int) -> Case:
    """A decimal may have a point ('1.000' FTE is 1.0) but not a comma inside a group."""
    file = file_name(tag, "strict_decimal")
    rows = [advocacy(tag, 1, advocate_fte="1.000"), advocacy(tag, 2, advocate_fte="1,5")]
    land(landing, "advocacy_caseload", file, csv_text(rows))

    def check(raw):
        assert raw["advocate_fte"].to_list() == [1.0]

    return Case(
        (
            partial(
                "advocacy_caseload", file, 2, {(3, "advocate_fte", "not_a_number")}, check_raw=check
            ),
        )
    )


@case
def nul_byte_in_utf8_csv(landing: Path, tag: int) -> Case:
    """A NUL in one value of a UTF-8 CSV is that row's error, named as such: not 'binary'."""
    file = file_name(tag, "nul_byte")
    rows = [crime(tag, 1), crime(tag, 2, risk_level="hi\x00gh"), crime(tag, 3)]
    land(landing, "force_crimes", file, csv_text(rows))
    rules = {(3, "risk_level", "control_character"), (3, "risk_level", "code_not_allowed")}
    return Case((partial("force_crimes", file, 3, rules),))


@case
def header_cell_with_contact_details(landing: Path, tag: int) -> Case:
    """A header cell holding an e-mail address and phone number never reaches the ledger."""
    file = file_name(tag, "contact_header")
    heading = "ring jane.doe@example.org on 07700 900456"
    rows = [crime(tag, 1, **{heading: "x"}), crime(tag, 2, **{heading: ""})]
    land(landing, "force_crimes", file, csv_text(rows))
    return Case(
        (
            accepted(
                "force_crimes",
                file,
                2,
                message_has=("1 column(s)",),
                message_lacks=("jane.doe", "07700"),
            ),
        ),
        secrets=("jane.doe@example.org", "07700 900456"),
    )


@case
def unrecognised_header_names_missing_columns(landing: Path, tag: int) -> Case:
    """No profile matches: the message names the required columns that are missing, never
    the header cells the file does have."""
    file = file_name(tag, "no_recorded_date")
    columns = [c if c != "recorded_date" else "Jane Doe 07700 900789" for c in CRIME_COLUMNS]
    row = crime(tag, 1) | {"Jane Doe 07700 900789": "2024-05-01"}
    land(landing, "force_crimes", file, csv_text([row], columns))
    return Case(
        (
            Expected(
                "force_crimes",
                file,
                "quarantined",
                0,
                0,
                rules=frozenset({(None, None, "missing_required_columns")}),
                message_has=(file, "force_crimes_standard", "recorded_date"),
                message_lacks=("Jane", "07700"),
            ),
        ),
        secrets=("07700 900789",),
    )


# --- issue 12: submissions that never lose data -----------------------------------------
# Each case has a force and quarter of its own, so the cases do not meet in the one-run test.


def declared(force: str, period: str, extracted: str, ext: str = "csv") -> str:
    """The file-name convention: <source>_<submitter>_<period>_<extracted>."""
    return f"force_crimes_{force}_{period}_{extracted}.{ext}"


def crimes_of(tag: int, force: str, day: str, numbers: range) -> list[dict[str, str]]:
    return [crime(tag, n, force_code=force, recorded_date=day) for n in numbers]


@case
def stray_row_in_a_declared_resend(landing: Path, tag: int) -> Case:
    """Avon's resend carries one valid Surrey row: a row error, never Surrey's quarter."""
    avon, surrey = "E23000036", "E23000031"
    first = declared(avon, "2019-20_Q1", "2019-07-05")
    other = f"force_crimes_{surrey}_2019-20_Q1_2019-07-05.csv"
    resend = declared(avon, "2019-20_Q1", "2019-08-01")
    land(landing, "force_crimes", first, csv_text(crimes_of(tag, avon, "2019-05-02", range(1, 4))))
    land(
        landing,
        "force_crimes",
        other,
        csv_text(crimes_of(tag, surrey, "2019-05-03", range(4, 7))),
        order=1,
    )
    stray = crime(tag, 9, force_code=surrey, recorded_date="2019-05-04")
    rows = [*crimes_of(tag, avon, "2019-05-02", range(1, 5)), stray]  # one crime more
    land(landing, "force_crimes", resend, csv_text(rows), order=2)
    return Case(
        (
            accepted("force_crimes", first, 3),
            accepted("force_crimes", other, 3),
            partial("force_crimes", resend, 5, {(6, "force_code", "outside_declared_scope")}),
        )
    )


@case
def undeclared_file_cutting_a_quarter_is_held(landing: Path, tag: int) -> Case:
    """One valid row in an undeclared file would cut Gwent's quarter from 4 rows to 1."""
    gwent = "W15000002"
    first = declared(gwent, "2019-20_Q2", "2019-10-05")
    land(landing, "force_crimes", first, csv_text(crimes_of(tag, gwent, "2019-08-01", range(1, 5))))
    small = file_name(tag, "one_row_fix")
    land(
        landing,
        "force_crimes",
        small,
        csv_text(crimes_of(tag, gwent, "2019-08-02", range(9, 10))),
        order=1,
    )
    held = Expected(
        "force_crimes",
        small,
        "held",
        1,
        1,
        raw_rows=(2,),  # kept aside in raw/, not used until confirmed
        message_has=("held", "4 rows → 1", "python -m ingest.submissions confirm"),
    )
    return Case((accepted("force_crimes", first, 4), held))


@case
def older_extraction_is_stale(landing: Path, tag: int) -> Case:
    """A re-send extracted earlier than the file in force changes nothing, however late it
    arrives (its modification time is later here)."""
    cheshire = "E23000006"
    current = declared(cheshire, "2019-20_Q1", "2019-10-05")
    older = declared(cheshire, "2019-20_Q1", "2019-09-01")
    land(
        landing,
        "force_crimes",
        current,
        csv_text(crimes_of(tag, cheshire, "2019-06-01", range(1, 4))),
    )
    land(
        landing,
        "force_crimes",
        older,
        csv_text(crimes_of(tag, cheshire, "2019-06-02", range(1, 3))),
        order=5,
    )
    stale = Expected("force_crimes", older, "stale", 2, 2, message_has=("stale", "2019-09-01"))
    return Case((accepted("force_crimes", current, 3), stale))


@case
def declared_nil_return_zeroes_its_quarter(landing: Path, tag: int) -> Case:
    dorset = "E23000039"
    first = declared(dorset, "2019-20_Q3", "2020-01-05")
    nil = declared(dorset, "2019-20_Q3", "2020-01-20")
    land(
        landing, "force_crimes", first, csv_text(crimes_of(tag, dorset, "2019-11-01", range(1, 3)))
    )
    land(landing, "force_crimes", nil, ",".join(CRIME_COLUMNS) + "\n", order=1)
    zeroed = Expected(
        "force_crimes",
        nil,
        "accepted",
        0,
        0,
        message_has=("nil return", "1 period(s) now hold no rows"),
    )
    return Case((accepted("force_crimes", first, 2), zeroed))


@case
def identical_nil_returns_from_two_forces(landing: Path, tag: int) -> Case:
    """Byte-identical header-only files from Durham and Cleveland: two submissions."""
    header = ",".join(CRIME_COLUMNS) + "\n"
    durham = declared("E23000008", "2019-20_Q4", "2020-04-03")
    cleveland = declared("E23000013", "2019-20_Q4", "2020-04-03")
    land(landing, "force_crimes", durham, header)
    land(landing, "force_crimes", cleveland, header, order=1)
    return Case(
        (
            Expected("force_crimes", durham, "accepted", 0, 0, message_has=("nil return",)),
            Expected("force_crimes", cleveland, "accepted", 0, 0, message_has=("nil return",)),
        )
    )


@case
def symbolic_link_is_refused(landing: Path, tag: int) -> Case:
    """A link to the system's password file: refused and recorded, its target never read."""
    name = file_name(tag, "passwd_link")
    (landing / "force_crimes").mkdir(parents=True, exist_ok=True)
    (landing / "force_crimes" / name).symlink_to("/etc/passwd")
    refused = Expected(
        "force_crimes", name, "refused", 0, 0, message_has=("refused", "symbolic link")
    )
    return Case((refused,), secrets=("root:x:0:0", "/bin/bash"))


@case
def unfinished_files_wait(landing: Path, tag: int) -> Case:
    """A `.part` upload is read on a later run, once renamed (a file still growing is too:
    tests/unit/ingest/test_ingest_arrival.py)."""
    part = file_name(tag, "upload") + ".part"
    land(landing, "force_crimes", part, csv_text([crime(tag, 1)]))
    ready = file_name(tag, "finished")
    day = {"recorded_date": "2019-05-09", "force_code": "E23000037"}
    land(landing, "force_crimes", ready, csv_text([crime(tag, 3, **day)]))
    return Case((accepted("force_crimes", ready, 1),), never_recorded=(part,))


@case
def sparse_workbook_over_the_limit(landing: Path, tag: int) -> Case:
    """A 1.5 KB workbook with cells at A1 and BXX100000 would make the reader ask for 6.4 GB
    at once: refused before it is opened, and the run goes on."""
    file = file_name(tag, "sparse", "xlsx")
    book = openpyxl.Workbook()
    book.active["A1"] = "force_code"
    book.active["BXX100000"] = "x"
    out = io.BytesIO()
    book.save(out)
    land(landing, "force_crimes", file, out.getvalue())
    return Case((whole_file_rejected("force_crimes", file, "over_size_limit", "100,000 rows"),))


# --- issue 18: action-plan returns (SOURCES.md §8) ------------------------------------------

RECOMMENDATIONS = sorted(
    pl.read_csv(SEEDS_DIR / "ref_recommendations.csv", infer_schema=False)[
        "recommendation_id"
    ].to_list()
)


def action_plan(tag: int, n: int, **changes: str) -> dict[str, str]:
    row = {
        "force_code": "E23000032",
        "financial_year": "2024/25",
        "fy_quarter": "Q3",
        "recommendation_id": RECOMMENDATIONS[(n - 1) % len(RECOMMENDATIONS)],
        "status": "implemented",
        "status_date": "2024-11-20",
        "evidence_ref": f"EV-2024-{tag:03d}{n}",
        "plan_published": "Y",
        "plan_published_date": "2024-11-28",
    }
    return row | changes


@case
def action_plan_rows_that_break_its_rules(landing: Path, tag: int) -> Case:
    """Free text in the evidence column, an unknown recommendation, implemented without
    evidence, a status after the return's quarter, a plan date without a plan: each row
    quarantined by its rule, the good rows kept, no free text stored."""
    file = file_name(tag, "action_plans")
    rows = [
        action_plan(tag, 1),
        action_plan(tag, 2, evidence_ref="see email from DCI 07700 900456"),
        action_plan(tag, 3, recommendation_id="R-UNKNOWN-99"),
        action_plan(tag, 4, evidence_ref=""),
        action_plan(tag, 5, status_date="2025-01-02"),
        action_plan(tag, 6, plan_published="N"),
        action_plan(tag, 7, status="in_progress", evidence_ref=""),
    ]
    land(landing, "action_plan_returns", file, csv_text(rows))
    return Case(
        (
            partial(
                "action_plan_returns",
                file,
                7,
                {
                    (3, "evidence_ref", "invalid_reference_code"),
                    (4, "recommendation_id", "unknown_recommendation"),
                    (5, "evidence_ref", "evidence_required_when_implemented"),
                    (6, "status_date", "status_date_after_return_quarter"),
                    (7, "plan_published_date", "plan_date_without_published_plan"),
                },
            ),
        ),
        secrets=("07700 900456", "DCI"),
    )


@case
def action_plan_row_outside_its_declared_quarter(landing: Path, tag: int) -> Case:
    """A return declared for Surrey's 2024/25 Q3 carrying a Q2 row: a row error, never a
    reason to replace Surrey's Q2."""
    surrey = "E23000031"
    file = f"action_plan_returns_{surrey}_2024-25_Q3_2025-01-05.csv"
    rows = [
        action_plan(tag, 1, force_code=surrey),
        action_plan(tag, 2, force_code=surrey),
        action_plan(
            tag,
            3,
            force_code=surrey,
            fy_quarter="Q2",
            status_date="2024-09-01",
            plan_published_date="2024-09-01",
        ),
    ]
    land(landing, "action_plan_returns", file, csv_text(rows))
    return Case(
        (partial("action_plan_returns", file, 3, {(4, "force_code", "outside_declared_scope")}),)
    )


# --- issue 18: survey estimates (SOURCES.md §9) ---------------------------------------------


@case
def survey_estimate_outside_its_interval(landing: Path, tag: int) -> Case:
    """An estimate above its own interval, a per cent over 100 and a period written in words:
    each row quarantined by its rule, the good row kept."""
    file = file_name(tag, "survey")
    base = {
        "survey": "csew",
        "estimate_pct": "2.8",
        "lower_pct": "2.6",
        "upper_pct": "3.0",
        "population_base": "48,600,000",
    }
    rows = [
        base | {"period_end": "2018-09"},
        base | {"period_end": "2018-12", "estimate_pct": "3.4"},
        base | {"period_end": "2019-03", "upper_pct": "130"},
        base | {"period_end": "year ending June 2019"},
    ]
    land(landing, "survey_estimates", file, csv_text(rows))
    return Case(
        (
            partial(
                "survey_estimates",
                file,
                4,
                {
                    (3, "estimate_pct", "estimate_outside_interval"),
                    (4, "upper_pct", "above_maximum"),
                    (5, "period_end", "invalid_month"),
                },
            ),
        )
    )


# --- issue 18 item 5: service funding and capacity (SOURCES.md §11) ------------------------


@case
def service_funding_with_unknown_area_funder_and_impossible_amounts(
    landing: Path, tag: int
) -> Case:
    """A force area that is not one, a funder outside the seed, a negative amount and more
    funded FTE than any service has: each row quarantined by its rule, the good row kept."""
    file = file_name(tag, "funding")
    base = {
        "service_name": SERVICES[tag % len(SERVICES)],
        "force_code": "E23000032",
        "financial_year": "2024/25",
        "funding_source": "pcc",
        "funding_gbp": "90000",
        "advocate_fte": "2.0",
        "caseload_capacity": "50",
    }
    rows = [
        base,
        base | {"force_code": "Atlantis Constabulary"},
        base | {"funding_source": "lottery"},
        base | {"funding_source": "home_office", "funding_gbp": "-12000"},
        base | {"funding_source": "charitable", "advocate_fte": "450"},
    ]
    land(landing, "service_funding", file, csv_text(rows))
    return Case(
        (
            partial(
                "service_funding",
                file,
                5,
                {
                    (3, "force_code", "unknown_force"),
                    (4, "funding_source", "unknown_funding_source"),
                    (5, "funding_gbp", "below_minimum"),
                    (6, "advocate_fte", "above_maximum"),
                },
            ),
        )
    )


# --- issue 18 item 2: training returns (SOURCES.md §10) -------------------------------------


def training(force: str = "E23000032", **changes: str) -> dict[str, str]:
    row = {
        "force_code": force,
        "financial_year": "2023/24",
        "course_type": "specialist_codelivered",
        "in_scope": "420",
        "trained": "130",
    }
    return row | changes


@case
def training_rows_that_break_its_rules(landing: Path, tag: int) -> Case:
    """An unknown force, a course named in words instead of its code, more trained than in
    scope, a negative count: each row quarantined by its rule, the good rows kept, no free
    text stored."""
    file = file_name(tag, "training")
    rows = [
        training(),
        training(course_type="elearning", in_scope="1900", trained="1750"),
        training(force="Atlantis Constabulary", trained=str(tag)),
        training(course_type="Half-day with Sgt Jones", trained=str(tag)),
        training(course_type="specialist_internal", in_scope="200", trained="201"),
        training(course_type="specialist_internal", in_scope="-3", trained="0"),
    ]
    land(landing, "training_returns", file, csv_text(rows))
    return Case(
        (
            partial(
                "training_returns",
                file,
                6,
                {
                    (4, "force_code", "unknown_force"),
                    (5, "course_type", "unknown_course_type"),
                    (6, "trained", "trained_exceeds_in_scope"),
                    (7, "in_scope", "below_minimum"),
                    (7, "trained", "trained_exceeds_in_scope"),
                },
            ),
        ),
        secrets=("Sgt Jones", "Atlantis"),
    )


@case
def training_row_outside_its_declared_year(landing: Path, tag: int) -> Case:
    """A return declared for Surrey's 2023/24 carrying a 2022/23 row: a row error, never a
    reason to replace Surrey's 2022/23."""
    surrey = "E23000031"
    file = f"training_returns_{surrey}_2023-24_2024-05-0{tag % 9 + 1}.csv"
    rows = [
        training(surrey),
        training(surrey, course_type="elearning", in_scope="900", trained="600"),
        training(surrey, financial_year="2022/23"),
    ]
    land(landing, "training_returns", file, csv_text(rows))
    return Case(
        (partial("training_returns", file, 3, {(4, "force_code", "outside_declared_scope")}),)
    )


# --- issue 18 item 3: MASIP returns (SOURCES.md §12) ----------------------------------------


def masip_return(**changes: str) -> dict[str, str]:
    row = {
        "force_code": "E23000033",
        "financial_year": "2024/25",
        "programme_in_place": "Y",
        "start_date": "2022-10-03",
        "funded_places": "40",
        "lead_agency_code": "probation",
    }
    return row | changes


NO_PROGRAMME = {"programme_in_place": "N", "start_date": "", "lead_agency_code": ""}


@case
def masip_rows_that_break_its_rules(landing: Path, tag: int) -> Case:
    """An unknown force, a negative place count, a programme starting after the year returned,
    and no programme but places given: each row quarantined by its rule, the good rows (one
    force with a programme, one without) kept."""
    file = file_name(tag, "masip")
    rows = [
        masip_return(),
        masip_return(financial_year="2025/26", **NO_PROGRAMME, funded_places=""),
        masip_return(force_code="Wessex Constabulary"),
        masip_return(financial_year="2023/24", funded_places="-5"),
        masip_return(financial_year="2021/22"),
        masip_return(financial_year="2022/23", **NO_PROGRAMME),
    ]
    land(landing, "masip_returns", file, csv_text(rows))
    return Case(
        (
            partial(
                "masip_returns",
                file,
                6,
                {
                    (4, "force_code", "unknown_force"),
                    (5, "funded_places", "below_minimum"),
                    (6, "start_date", "start_date_after_year"),
                    (7, "funded_places", "funded_places_without_programme"),
                },
            ),
        )
    )
