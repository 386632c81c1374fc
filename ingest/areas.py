"""The one resolver of police force, region, country and CPS Area names, and `normalise_name`.

Every reader (record-level extracts and published tables) matches area names through this
module, backed by the force reference seed `dbt_project/seeds/ref_forces.csv`: one matching
key, one seed reader, one set of aliases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from ingest.files import clean_heading
from ingest.settings import SEEDS_DIR

FORCE_REFERENCE = SEEDS_DIR / "ref_forces.csv"
NON_FORCE_BODIES = ("Action Fraud", "CIFAS", "UK Finance")

_NON_ALNUM_RE = re.compile(r"[^a-z0-9]+")
_POLICE_WORDS = frozenset({"police", "constabulary", "service", "force", "the"})


def normalise_name(value: object) -> str:
    """Matching key: lower case, '&' as 'and', notes, apostrophes and punctuation removed,
    spaces collapsed (`normalise_name_expr` is the same rule over a polars column)."""
    text = clean_heading(value).lower().replace("&", " and ")
    text = text.replace("\u2019", "").replace("'", "")
    return " ".join(_NON_ALNUM_RE.sub(" ", text).split())


def normalise_name_expr(expr: pl.Expr) -> pl.Expr:
    """`normalise_name` vectorised (tests/unit/ingest/test_areas.py keeps the two equal)."""
    return (
        expr.str.replace_all(r"(?i)\[\s*notes?\b[^\]]*\]", " ")
        .str.to_lowercase()
        .str.replace_all("&", " and ", literal=True)
        .str.replace_all("[\u2019']", "")
        .str.replace_all(r"[^a-z0-9]+", " ")
        .str.strip_chars()
        .str.replace_all(r"\s+", " ")
    )


def normalise_code(value: str) -> str:
    """Codes match case- and space-insensitively."""
    return "".join(value.split()).upper()


@lru_cache(maxsize=1)
def forces() -> pl.DataFrame:
    return pl.read_csv(FORCE_REFERENCE, infer_schema=False).with_columns(
        pl.col("population_mid2023").cast(pl.Int64),
        (pl.col("is_territorial") == "true").alias("is_territorial"),
    )


@dataclass(frozen=True)
class AreaMatch:
    code: str | None  # ONS/GSS code, 'BTP', or None for non-force bodies (Action Fraud, ...)
    name: str  # the reference's name for the area
    area_type: str  # 'national', 'country', 'region', 'force' or 'other'
    is_force: bool  # a police force (territorial or BTP), as opposed to a total or other body


def area_type_for_code(code: str | None) -> str:
    """'national', 'country', 'region', 'force' or 'other' from a GSS code's prefix."""
    if not code:
        return "other"
    code = code.strip().upper()
    if code.startswith(("K02", "K03", "K04")):
        return "national"
    if code[:3] in ("E92", "W92", "S92", "N92"):
        return "country"
    if code.startswith("E12"):
        return "region"
    if code.startswith(("E23", "W15")):
        return "force"
    return "other"


def _strip_police_words(key: str) -> str:
    return " ".join(word for word in key.split() if word not in _POLICE_WORDS)


@lru_cache(maxsize=1)
def _area_lookup() -> tuple[dict[str, AreaMatch], dict[str, AreaMatch]]:
    """(exact, stripped) lookups from normalised names to areas, built from the force seed."""
    exact: dict[str, AreaMatch] = {}

    def add(name: str, match: AreaMatch) -> None:
        key = normalise_name(name)
        if key:
            exact.setdefault(key, match)

    rows = list(forces().iter_rows(named=True))
    for row in rows:
        code = row["force_code"].strip()
        kind = "force" if row["is_territorial"] else "other"
        match = AreaMatch(code, row["force_name"].strip(), kind, True)
        for name in [code, row["force_name"], *(row["aliases"] or "").split("|")]:
            add(name, match)
    for row in rows:
        region_code = (row["region_code"] or "").strip()
        if region_code:
            region = AreaMatch(
                region_code, row["region_name"].strip(), area_type_for_code(region_code), False
            )
            add(region_code, region)
            add(row["region_name"], region)
    national = AreaMatch("K04000001", "England and Wales", "national", False)
    for name in ("K04000001", "England and Wales", "England & Wales"):
        add(name, national)
    for code, name in (("E92000001", "England"), ("W92000004", "Wales")):
        for label in (code, name):
            add(label, AreaMatch(code, name, "country", False))
    add(
        "East of England", exact.get("e12000006") or AreaMatch("E12000006", "East", "region", False)
    )
    add("Yorkshire and Humber", AreaMatch("E12000003", "Yorkshire and The Humber", "region", False))
    for body in NON_FORCE_BODIES:
        add(body, AreaMatch(None, body, "other", False))
    add("Financial Fraud Action UK", AreaMatch(None, "UK Finance", "other", False))

    stripped: dict[str, AreaMatch] = {}
    ambiguous: set[str] = set()
    for key, match in exact.items():
        short = _strip_police_words(key)
        if not short:
            continue
        if short in stripped and stripped[short] != match:
            ambiguous.add(short)
        stripped.setdefault(short, match)
    for short in ambiguous:
        del stripped[short]
    return exact, stripped


def resolve_force_name(name: object) -> AreaMatch | None:
    """Resolve a force or area name (or code) to an area, or None if unknown.

    Matching ignores case, spacing, punctuation, ``[note N]`` markers and '&' versus 'and',
    and goes through the aliases in the force reference (``London, City of`` is City of
    London, ``E23000034``). Only if that fails are the words 'police', 'constabulary',
    'service' and 'force' dropped (``Kent Police`` is Kent). British Transport Police is
    code ``BTP``; Action Fraud, CIFAS and UK Finance resolve to code None, type 'other'.
    """
    exact, stripped = _area_lookup()
    key = normalise_name(name)
    if not key:
        return None
    found = exact.get(key)
    if found is None:
        found = stripped.get(_strip_police_words(key))
    return found


def force_codes() -> frozenset[str]:
    exact, _ = _area_lookup()
    return frozenset(m.code for m in exact.values() if m.is_force and m.code)


@lru_cache(maxsize=1)
def force_lookup() -> dict[str, str]:
    """Every exact spelling of a police force (code, name, alias), normalised → its code."""
    exact, _ = _area_lookup()
    return {k: m.code for k, m in exact.items() if m.is_force and m.code}


@lru_cache(maxsize=1)
def _stripped_force_lookup() -> dict[str, str]:
    _, stripped = _area_lookup()
    return {k: m.code for k, m in stripped.items() if m.is_force and m.code}


def force_code_expr(expr: pl.Expr) -> pl.Expr:
    """`resolve_force` vectorised: the force code of each name, alias or code, else null."""
    key = normalise_name_expr(expr)
    words = "|".join(sorted(_POLICE_WORDS))
    short = (
        key.str.replace_all(rf"\b({words})\b", "").str.strip_chars().str.replace_all(r"\s+", " ")
    )
    return pl.coalesce(
        key.replace_strict(force_lookup(), default=None),
        short.replace_strict(_stripped_force_lookup(), default=None),
    )


def resolve_force(value: str | None) -> str | None:
    """The force code of a name, alias or code; None if it is not a police force."""
    match = resolve_force_name(value) if value is not None else None
    return match.code if match and match.is_force else None


@lru_cache(maxsize=1)
def region_lookup() -> dict[str, str]:
    """Region and country names and codes, normalised → ONS code (Wales as W92000004)."""
    exact, _ = _area_lookup()
    regions = set(forces()["region_code"].drop_nulls().to_list())
    lookup = {k: m.code for k, m in exact.items() if m.code in regions}
    # A region's own name wins here even where a force shares it (West Midlands): in a
    # region column it means the region.
    for row in forces().drop_nulls("region_code").iter_rows(named=True):
        lookup[normalise_name(row["region_name"])] = row["region_code"]
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
