"""Reference facts for ingest other than areas (offences, the service register), read from the
dbt seeds: one copy of each fact in the repo."""

from __future__ import annotations

from functools import lru_cache

import polars as pl

# Area names and codes have one home, ingest.areas; re-exported for existing callers.
from ingest.areas import (  # noqa: F401
    NON_FORCE_BODIES,
    cps_area_lookup,
    force_lookup,
    forces,
    normalise_code,
    normalise_name,
    region_lookup,
    resolve_force,
)
from ingest.settings import SEEDS_DIR


@lru_cache(maxsize=1)
def offence_codes() -> frozenset[str]:
    return frozenset(pl.read_csv(SEEDS_DIR / "ref_offences.csv")["offence_code"].to_list())


@lru_cache(maxsize=1)
def subcode_to_offence() -> dict[str, str]:
    frame = pl.read_csv(SEEDS_DIR / "ref_offence_subcodes.csv", infer_schema=False)
    return dict(zip(frame["offence_subcode"], frame["offence_code"], strict=True))


@lru_cache(maxsize=1)
def service_lookup() -> dict[str, str]:
    """Registered advocacy services (seed ref_services), normalised name → registered name."""
    frame = pl.read_csv(SEEDS_DIR / "ref_services.csv", infer_schema=False)
    return {normalise_name(name): name for name in frame["service_name"].to_list()}


@lru_cache(maxsize=1)
def recommendation_lookup() -> dict[str, str]:
    """Recommendations forces report against (seed ref_recommendations), normalised id → id."""
    frame = pl.read_csv(SEEDS_DIR / "ref_recommendations.csv", infer_schema=False)
    ids = frame["recommendation_id"].to_list()
    return {"".join(i.split()).upper(): i for i in ids}


@lru_cache(maxsize=1)
def funding_source_lookup() -> dict[str, str]:
    """Funding source codes a service funding return may use (seed ref_funding_sources),
    normalised code → code."""
    frame = pl.read_csv(SEEDS_DIR / "ref_funding_sources.csv", infer_schema=False)
    # Keyed as the validator normalises a code: spaces removed, lower case.
    return {"".join(code.split()).lower(): code for code in frame["funding_source"].to_list()}


# --- issue 18 item 2: training returns -------------------------------------------------------
@lru_cache(maxsize=1)
def training_course_lookup() -> dict[str, str]:
    """Course types a training return may name (seed ref_training_courses), normalised → code."""
    frame = pl.read_csv(SEEDS_DIR / "ref_training_courses.csv", infer_schema=False)
    return {"".join(c.split()).lower(): c for c in frame["course_type"].to_list()}


@lru_cache(maxsize=1)
def lead_agency_lookup() -> dict[str, str]:
    """MASIP lead agencies (seed ref_masip_lead_agencies), normalised code → code."""
    frame = pl.read_csv(SEEDS_DIR / "ref_masip_lead_agencies.csv", infer_schema=False)
    return {"".join(c.split()).lower(): c for c in frame["lead_agency_code"].to_list()}
