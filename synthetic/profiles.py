"""Export profiles (ingest/profiles/*.yaml) from the writing side.

The generator renders each standard frame INTO a profile's shape by inverting the profile: the
`columns` mapping renames standard columns to the export's headings, `value_maps` are applied
backwards (the first source value listed for a standard value), dates are formatted with the
profile's `date_format`, zero padding is added back, list separators swapped, JSON paths nested.
So every file written can be read back with the very profile that describes it.

Things a profile does not describe (banners, line ends, a byte-order mark, how the force is
spelled, columns the reader will drop) are the generator's own `QUIRKS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import yaml

from ingest.readers import PROFILES_DIR  # the profiles the ingest reads: one home
from synthetic.common import ForceTable, stream

# Columns by kind, per source: how the generator formats them.
DATE_COLUMNS = {
    "force_crimes": ("recorded_date", "victim_dob", "outcome_date"),
    "force_spos": ("application_date", "decision_date"),
}
DATETIME_COLUMNS = {"helpline_contacts": ("contact_datetime",)}
DEFAULT_DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S"

STANDARD_PROFILE = {
    "force_crimes": "force_crimes_standard",
    "force_spos": "force_spos_standard",
    "cps_returns": "cps_returns_standard",
    "helpline_contacts": "helpline_contacts_standard",
    "advocacy_caseload": "advocacy_caseload_standard",
    "action_plan_returns": "action_plan_returns_standard",
    "survey_estimates": "survey_estimates_standard",
    "service_funding": "service_funding_standard",  # issue 18 item 5
    "training_returns": "training_returns_standard",
    "masip_returns": "masip_returns_standard",
}
LEGACY_CRIME_PROFILES = (
    "force_crimes_legacy_xlsx",
    "force_crimes_legacy_cp1252_csv",
    "force_crimes_legacy_jsonl",
)
LEGACY_SPO_PROFILE = "force_spos_legacy_xlsx"
LEGACY_FORCE_SHARE = 0.4  # about 60% of forces send the national standard
STANDARD_BOM_SHARE = 0.3  # of standard-profile forces, share whose CSV carries a UTF-8 BOM

# Generator-side quirks of each export (not needed to read it).
#   force_as: how the export spells the force (code, ONS name, or first alias / name).
#   line_terminator, bom: CSV details. sheet_name: XLSX data sheet.
#   blank_derivable_share: share of rows with a sub-code whose offence code is left blank.
QUIRKS: dict[str, dict[str, Any]] = {
    "force_crimes_legacy_xlsx": {"force_as": "name", "sheet_name": "Crimes"},
    "force_crimes_legacy_cp1252_csv": {
        "force_as": "alias",
        "line_terminator": "\r\n",
        "blank_derivable_share": 0.05,
    },
    "force_crimes_legacy_jsonl": {"force_as": "code"},
    "force_spos_legacy_xlsx": {"force_as": "name", "sheet_name": "SPO register"},
    "cps_returns_published_xlsx": {"force_as": "name"},
    "helpline_contacts_legacy_csv": {"force_as": "name", "bom": True},
}

FILE_EXTENSION = {"csv": "csv", "xlsx": "xlsx", "jsonl": "jsonl"}


@dataclass(frozen=True)
class Profile:
    raw: dict[str, Any]
    path: Path

    @property
    def name(self) -> str:
        return self.raw["name"]

    @property
    def source(self) -> str:
        return self.raw["source"]

    @property
    def format(self) -> str:
        return self.raw["format"]

    @property
    def columns(self) -> dict[str, str]:
        """source heading (or dotted JSON path) → standard column, in export order."""
        return dict(self.raw["columns"])

    @property
    def encoding(self) -> str:
        return self.raw.get("encoding", "utf-8")

    @property
    def delimiter(self) -> str:
        return self.raw.get("delimiter", ",")

    @property
    def date_format(self) -> str:
        return self.raw.get("date_format", "%Y-%m-%d")

    @property
    def datetime_format(self) -> str:
        return self.raw.get("datetime_format", DEFAULT_DATETIME_FORMAT)

    @property
    def value_maps(self) -> dict[str, dict[str, str]]:
        return {
            k: {str(a): str(b) for a, b in v.items()}
            for k, v in self.raw.get("value_maps", {}).items()
        }

    @property
    def strip_zero_padding(self) -> list[str]:
        return list(self.raw.get("strip_zero_padding", []))

    @property
    def split_list(self) -> dict[str, str]:
        return dict(self.raw.get("split_list", {}))

    @property
    def sheet(self) -> str | None:
        return self.raw.get("sheet")

    @property
    def header_row(self) -> int | str:
        return self.raw.get("header_row", "auto")

    @property
    def quirks(self) -> dict[str, Any]:
        return QUIRKS.get(self.name, {})

    @property
    def extension(self) -> str:
        return FILE_EXTENSION[self.format]


def load_profiles(directory: Path = PROFILES_DIR) -> dict[str, Profile]:
    profiles = {}
    for path in sorted(directory.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict) or "name" not in raw:
            raise ValueError(f"{path}: a profile must be a YAML mapping with a name")
        if raw["name"] in profiles:
            raise ValueError(f"{path}: duplicate profile name {raw['name']!r}")
        profiles[raw["name"]] = Profile(raw, path)
    return profiles


def _pad_numbers(expr: pl.Expr) -> pl.Expr:
    """`8Q` → `008Q`, `8/65` → `008/065`: every run of digits to at least three digits (the
    codes here have at most three)."""
    return expr.str.replace_all(r"(\d+)", "00${1}").str.replace_all(r"\d*(\d{3})", "${1}")


def _inverse(mapping: dict[str, str]) -> dict[str, str]:
    inverse: dict[str, str] = {}
    for source_value, standard_value in mapping.items():
        inverse.setdefault(standard_value, source_value)
    return inverse


def render(
    frame: pl.DataFrame,
    profile: Profile,
    rng: np.random.Generator | None = None,
) -> pl.DataFrame:
    """A standard frame in `profile`'s shape: headings, value codes, date formats, padding.

    For `jsonl` the result has dotted column names; `nest_json` turns them into objects."""
    source = profile.source
    value_maps = profile.value_maps
    if profile.raw.get("derive_offence_code_from_subcode") and rng is not None:
        share = profile.quirks.get("blank_derivable_share", 0.0)
        blank = pl.Series(rng.random(frame.height) < share)
        frame = frame.with_columns(
            pl.when(blank & pl.col("offence_subcode").is_not_null())
            .then(None)
            .otherwise(pl.col("offence_code"))
            .alias("offence_code")
        )
    exprs = []
    for heading, standard in profile.columns.items():
        expr = pl.col(standard)
        if standard in DATE_COLUMNS.get(source, ()):
            expr = expr.dt.strftime(profile.date_format)
        elif standard in DATETIME_COLUMNS.get(source, ()):
            expr = expr.dt.strftime(profile.datetime_format)
        if standard in profile.strip_zero_padding:
            expr = _pad_numbers(expr)
        if standard in profile.split_list:
            expr = expr.str.replace_all(";", profile.split_list[standard], literal=True)
        if standard in value_maps:
            inverse = _inverse(value_maps[standard])
            if profile.format == "jsonl" and set(inverse.values()) <= {"true", "false"}:
                expr = expr.replace_strict(
                    {k: v == "true" for k, v in inverse.items()}, return_dtype=pl.Boolean
                )
            else:
                expr = expr.cast(pl.String).replace(inverse)
        exprs.append(expr.alias(heading))
    return frame.select(exprs)


def nest_json(flat: pl.DataFrame) -> pl.DataFrame:
    """Dotted columns (`victim.ref`) into nested struct columns; an object whose fields are
    all null is written as null (e.g. `"suspect": null` when no suspect is identified)."""
    groups: dict[str, list[str]] = {}
    for column in flat.columns:
        groups.setdefault(column.split(".", 1)[0], []).append(column)
    exprs = []
    for top, columns in groups.items():
        if columns == [top]:
            exprs.append(pl.col(top))
            continue
        fields = [pl.col(c).alias(c.split(".", 1)[1]) for c in columns]
        all_null = pl.all_horizontal([pl.col(c).is_null() for c in columns])
        exprs.append(pl.when(~all_null).then(pl.struct(fields)).alias(top))
    return flat.select(exprs)


def assign_profiles(seed: int, forces: ForceTable) -> pl.DataFrame:
    """Which export each force sends, drawn once per seed: about 60% the national standard, the
    rest spread evenly over the legacy crime profiles. Forces on the XLSX or cp1252 crime
    systems also keep their SPO register in the legacy XLSX tracker."""
    rng = stream(seed, "profile_assignment")
    n = len(forces)
    order = rng.permutation(n)
    n_legacy = round(LEGACY_FORCE_SHARE * n)
    crime_profile = [STANDARD_PROFILE["force_crimes"]] * n
    for rank, force_index in enumerate(order[:n_legacy]):
        crime_profile[force_index] = LEGACY_CRIME_PROFILES[rank % len(LEGACY_CRIME_PROFILES)]
    spo_profile = [
        LEGACY_SPO_PROFILE if p in LEGACY_CRIME_PROFILES[:2] else STANDARD_PROFILE["force_spos"]
        for p in crime_profile
    ]
    bom = rng.random(n) < STANDARD_BOM_SHARE
    return pl.DataFrame(
        {
            "force_code": forces.codes,
            "force_name": forces.names,
            "force_crimes_profile": crime_profile,
            "force_spos_profile": spo_profile,
            "standard_csv_bom": [
                bool(b) and c == STANDARD_PROFILE["force_crimes"]
                for b, c in zip(bom, crime_profile, strict=True)
            ],
        }
    )
