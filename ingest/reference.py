"""Reference facts for ingest, read from the dbt seeds (one copy of each fact in the repo)."""

from __future__ import annotations

import re
from functools import lru_cache

import polars as pl

from ingest.settings import SEEDS_DIR

NON_FORCE_BODIES = ("action fraud", "cifas", "uk finance")


def normalise_name(value: str) -> str:
    """Lower-case, '&' as 'and', punctuation dropped, spaces collapsed: for name matching."""
    value = value.lower().replace("&", " and ")
    value = re.sub(r"[^a-z0-9]+", " ", value)
    return " ".join(value.split())


def normalise_code(value: str) -> str:
    """Codes match case- and space-insensitively."""
    return "".join(value.split()).upper()


@lru_cache(maxsize=1)
def forces() -> pl.DataFrame:
    return pl.read_csv(SEEDS_DIR / "ref_forces.csv", infer_schema=False).with_columns(
        pl.col("population_mid2023").cast(pl.Int64),
        (pl.col("is_territorial") == "true").alias("is_territorial"),
    )


@lru_cache(maxsize=1)
def force_lookup() -> dict[str, str]:
    """Every accepted spelling of a force (code, name, alias), normalised → ONS PFA code."""
    lookup: dict[str, str] = {}
    for row in forces().iter_rows(named=True):
        code = row["force_code"]
        names = [code, row["force_name"], *(row["aliases"] or "").split("|")]
        for name in names:
            if name.strip():
                lookup[normalise_name(name)] = code
        # "Cumbria Constabulary", "Kent Police": the same force.
        for suffix in ("police", "constabulary"):
            lookup[normalise_name(f"{row['force_name']} {suffix}")] = code
    return lookup


def resolve_force(value: str | None) -> str | None:
    if value is None:
        return None
    return force_lookup().get(normalise_name(value))


@lru_cache(maxsize=1)
def region_lookup() -> dict[str, str]:
    """Region names and codes, normalised → ONS region code (Wales as W92000004)."""
    lookup: dict[str, str] = {}
    for row in forces().filter(pl.col("region_code").is_not_null()).iter_rows(named=True):
        lookup[normalise_name(row["region_code"])] = row["region_code"]
        lookup[normalise_name(row["region_name"])] = row["region_code"]
    lookup[normalise_name("East of England")] = "E12000006"
    return lookup


@lru_cache(maxsize=1)
def cps_area_lookup() -> dict[str, str]:
    """CPS Area names, normalised → the reference spelling; London North/South are one."""
    lookup: dict[str, str] = {}
    for area in forces()["cps_area"].drop_nulls().unique().to_list():
        lookup[normalise_name(area)] = area
        for part in area.split(" and "):
            if part.startswith("London"):
                lookup[normalise_name(part)] = area
    return lookup


@lru_cache(maxsize=1)
def offence_codes() -> frozenset[str]:
    return frozenset(pl.read_csv(SEEDS_DIR / "ref_offences.csv")["offence_code"].to_list())


@lru_cache(maxsize=1)
def subcode_to_offence() -> dict[str, str]:
    frame = pl.read_csv(SEEDS_DIR / "ref_offence_subcodes.csv", infer_schema=False)
    return dict(zip(frame["offence_subcode"], frame["offence_code"], strict=True))
