"""Charity helpline contacts: one row per contact, from each force area in proportion to its
population, with unmet demand (unanswered contacts) varying by quarter."""

from __future__ import annotations

import numpy as np
import polars as pl

from synthetic.common import (
    AGE_BANDS,
    RELATIONSHIPS,
    SEXES,
    ForceTable,
    day_number,
    labels,
    pick_index,
    stream,
    yes_no,
)
from synthetic.params import quarter_multiplier
from synthetic.periods import FinancialQuarter

STANDARD_COLUMNS = (
    "contact_id",
    "contact_datetime",
    "channel",
    "answered",
    "caller_type",
    "force_code",
    "region",
    "victim_sex",
    "victim_age_band",
    "perpetrator_relationship",
    "reported_to_police",
    "referred_to",
)
CHANNELS = ("phone", "email", "webchat")
CALLER_TYPES = ("victim", "third_party", "professional")
AREA_KNOWN_SHARE = 0.80
DEMAND_TREND_PER_YEAR = 0.06
REFERRALS = ("isac", "paladin", "masip", "police")
REFERRAL_P = {"isac": 0.35, "paladin": 0.08, "masip": 0.06, "police": 0.20}


def generate_helpline(
    seed: int,
    scale: float,
    forces: ForceTable,
    params: pl.DataFrame,
    quarters: list[FinancialQuarter],
) -> pl.DataFrame:
    rng = stream(seed, "helpline_contacts")
    n_forces, n_quarters = len(forces), len(quarters)
    rate = params["helpline_contacts_per_100k"].to_numpy()
    mult = np.array([quarter_multiplier(q, DEMAND_TREND_PER_YEAR) for q in quarters])
    expected = (forces.population * rate / 100_000 / 4 * scale)[:, None] * mult[None, :]
    counts = rng.poisson(expected)
    f_grid, q_grid = np.meshgrid(np.arange(n_forces), np.arange(n_quarters), indexing="ij")
    force = np.repeat(f_grid.ravel(), counts.ravel())
    quarter = np.repeat(q_grid.ravel(), counts.ravel())
    n = force.size

    q_start = np.array([day_number(q.start) for q in quarters], dtype=np.int64)
    q_len = np.array([(q.end - q.start).days + 1 for q in quarters], dtype=np.int64)
    day = q_start[quarter] + np.floor(rng.random(n) * q_len[quarter]).astype(np.int64)
    office_hours = rng.random(n) < 0.85
    minute = np.where(office_hours, rng.integers(9 * 60, 17 * 60, n), rng.integers(0, 24 * 60, n))
    stamp_seconds = day * 86_400 + minute * 60

    channel = pick_index(rng, (0.60, 0.25, 0.15), n)
    answer_rate = rng.uniform(0.60, 0.80, n_quarters)[quarter]
    answered = rng.random(n) < np.where(
        channel == 1, np.minimum(answer_rate + 0.2, 0.98), answer_rate
    )
    caller = pick_index(rng, (0.78, 0.15, 0.07), n)
    area_known = rng.random(n) < AREA_KNOWN_SHARE
    sex = np.where(answered, pick_index(rng, (0.80, 0.16, 0.01, 0.03), n), 3)
    age = pick_index(rng, (0.01, 0.06, 0.14, 0.28, 0.22, 0.15, 0.08, 0.04, 0.02), n)
    age = np.where(answered & (rng.random(n) > 0.15), age, len(AGE_BANDS))  # U
    relationship = np.where(answered, pick_index(rng, (0.08, 0.45, 0.05, 0.20, 0.12, 0.10), n), 5)
    reported = np.where(answered, pick_index(rng, (0.45, 0.40, 0.15), n), 2)
    has_masip = params["has_masip"].to_numpy()[force] & area_known
    referral_flags = {}
    for service in REFERRALS:
        p = REFERRAL_P[service] * (has_masip if service == "masip" else 1.0)
        referral_flags[service] = answered & (rng.random(n) < p)

    frame = pl.DataFrame(
        [
            pl.Series("stamp", stamp_seconds * 1_000_000).cast(pl.Datetime("us")),
            labels("channel", CHANNELS, channel),
            yes_no("answered", answered),
            labels("caller_type", CALLER_TYPES, caller),
            labels("force_code_all", forces.codes, force),
            labels("region_all", forces.frame["region_name"].to_list(), force),
            pl.Series("area_known", area_known),
            labels("victim_sex", SEXES, sex),
            labels("victim_age_band", (*AGE_BANDS, "U"), age),
            labels("perpetrator_relationship", RELATIONSHIPS, relationship),
            labels("reported_to_police", ("Y", "N", "U"), reported),
            *[pl.Series(f"ref_{s}", referral_flags[s]) for s in REFERRALS],
            pl.Series("quarter_idx", quarter),
            pl.Series("tiebreak", rng.random(n)),
            pl.Series("id_gap", rng.integers(1, 4, n)),
        ]
    ).sort("stamp", "tiebreak")
    referred = pl.concat_str(
        [pl.when(pl.col(f"ref_{s}")).then(pl.lit(s)) for s in REFERRALS],
        separator=";",
        ignore_nulls=True,
    )
    id_start = int(rng.integers(100_000, 900_000))
    return frame.select(
        (
            pl.lit("HLC") + (pl.col("id_gap").cum_sum() + id_start).cast(pl.String).str.zfill(8)
        ).alias("contact_id"),
        pl.col("stamp").alias("contact_datetime"),
        "channel",
        "answered",
        "caller_type",
        pl.when(pl.col("area_known")).then(pl.col("force_code_all")).alias("force_code"),
        pl.when(~pl.col("area_known")).then(pl.col("region_all")).alias("region"),
        "victim_sex",
        "victim_age_band",
        "perpetrator_relationship",
        "reported_to_police",
        pl.when(referred == "").then(pl.lit("none")).otherwise(referred).alias("referred_to"),
        "quarter_idx",
    )
