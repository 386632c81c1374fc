"""Force crime extracts: one frame of standard columns per force, with planted courses of
conduct (the linkage truth) and decoys that must not link (repeat victims, no suspect)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from synthetic.common import (
    RELATIONSHIPS,
    SEXES,
    day_number,
    days_to_date,
    labels,
    pick_index,
    stream,
    unique_ids,
    yes_no,
)
from synthetic.names import full_names
from synthetic.params import (
    HARASSMENT_TREND_PER_YEAR,
    STALKING_TREND_PER_YEAR,
    quarter_multiplier,
)
from synthetic.periods import FinancialQuarter

OFFENCES = ("8Q", "8L", "8M", "8R")
RISK_LEVELS = ("not_assessed", "standard", "medium", "high")
PHA_ACTS = ("PHA1997_s2A", "PHA1997_s4A", "PHA1997_s2", "PHA1997_s4")
COURSE_SIZES = (2, 3, 4, 5)
COURSE_SIZE_WEIGHTS = (0.50, 0.25, 0.15, 0.10)
COURSE_MEAN_SIZE = float(np.dot(COURSE_SIZES, COURSE_SIZE_WEIGHTS))
COURSE_MAX_SPAN_DAYS = 364  # every planted course lies within 12 months
RECOGNISED_EARLY_STALKING = 0.35  # chance an earlier crime of a recognised course is 8Q too
NO_SUSPECT_REPEAT_SHARE = 0.10  # of no-suspect crimes, share re-using another's victim

# Outcome mix among crimes with an outcome assigned, excluding charge (1): relative weights.
OUTCOMES_WITH_SUSPECT = {
    16: 0.36,
    15: 0.20,
    14: 0.06,
    21: 0.06,
    18: 0.03,
    8: 0.05,
    10: 0.03,
    20: 0.03,
    3: 0.03,
    17: 0.015,
    22: 0.01,
    9: 0.008,
    2: 0.003,
    11: 0.003,
    12: 0.003,
    13: 0.003,
    5: 0.002,
    6: 0.001,
    4: 0.001,
}
OUTCOMES_NO_SUSPECT = {18: 0.60, 14: 0.35, 20: 0.05}
OUTCOME_MEAN_DELAY_DAYS = {"charge": 85.0, "other": 45.0}
OUTCOME_STUCK_SHARE = 0.015  # never assigned an outcome, however old
# Charges by offence act (CPS returns): stalking under s.2A/s.4A, harassment under s.2/s.4 of the
# Protection from Harassment Act 1997. Malicious communications (8R) are charged under other
# Acts and are not in the CPS stalking and harassment return.
PHA_SPLIT = {
    ("8Q",): ("PHA1997_s2A", "PHA1997_s4A", 0.80),
    ("8L", "8M"): ("PHA1997_s2", "PHA1997_s4", 0.85),
}

STANDARD_COLUMNS = (
    "force_code",
    "crime_ref",
    "recorded_date",
    "offence_code",
    "offence_subcode",
    "victim_ref",
    "victim_name",
    "victim_dob",
    "victim_sex",
    "suspect_ref",
    "suspect_name",
    "relationship",
    "domestic_flag",
    "cyber_flag",
    "screening_completed",
    "risk_level",
    "masip_referral",
    "outcome_type",
    "outcome_date",
)


@dataclass(frozen=True)
class ForceCrimes:
    crimes: pl.DataFrame  # STANDARD_COLUMNS + quarter_idx, course_id, pha_act
    courses: pl.DataFrame  # planted courses of conduct (truth)
    no_suspect_repeats: pl.DataFrame  # victims with several no-suspect crimes (not courses)


def expected_counts(params: dict, scale: float, quarters: list[FinancialQuarter]) -> np.ndarray:
    """Expected crimes per quarter (rows) and offence (OFFENCES order)."""
    annual = np.array(
        [
            params["stalking_per_year"],
            params["harassment_8l_per_year"],
            params["harassment_8m_per_year"],
            params["malicious_comms_8r_per_year"],
        ]
    )
    out = np.empty((len(quarters), len(OFFENCES)))
    for i, quarter in enumerate(quarters):
        stalking_mult = quarter_multiplier(quarter, STALKING_TREND_PER_YEAR)
        harassment_mult = quarter_multiplier(quarter, HARASSMENT_TREND_PER_YEAR)
        mult = np.array([stalking_mult, harassment_mult, harassment_mult, harassment_mult])
        out[i] = annual / 4.0 * scale * mult
    return out


def generate_force_crimes(
    seed: int,
    scale: float,
    quarters: list[FinancialQuarter],
    force_code: str,
    prefix: str,
    params: dict,
    subcodes: list[str],
) -> ForceCrimes:
    rng = stream(seed, "force_crimes", force_code)
    q_start = np.array([day_number(q.start) for q in quarters], dtype=np.int64)
    q_len = np.array([(q.end - q.start).days + 1 for q in quarters], dtype=np.int64)
    w_start, w_end = int(q_start[0]), int(q_start[-1] + q_len[-1] - 1)
    expected = expected_counts(params, scale, quarters)
    har_weights = expected[:, 1:].sum(axis=0)

    # --- planted courses of conduct -------------------------------------------------------
    n_courses = int(rng.poisson(params["course_crime_share"] * expected.sum() / COURSE_MEAN_SIZE))
    sizes = np.asarray(COURSE_SIZES)[pick_index(rng, COURSE_SIZE_WEIGHTS, n_courses)]
    recognised = rng.random(n_courses) < params["course_recognised_share"]
    start = rng.integers(w_start, w_end + 1, n_courses)
    span = np.minimum(rng.integers(30, COURSE_MAX_SPAN_DAYS + 1, n_courses), w_end - start)
    course_of = np.repeat(np.arange(n_courses), sizes)
    position = np.arange(course_of.size) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    offset = np.floor(rng.random(course_of.size) * (span[course_of] + 1)).astype(np.int64)
    offset[position == 0] = 0
    course_day = start[course_of] + offset
    order = np.lexsort((course_day, course_of))
    course_day = course_day[order]  # grouping is unchanged, days now ascend within a course
    offence_idx = 1 + pick_index(rng, har_weights, course_of.size)  # 8L, 8M or 8R
    is_recognised = recognised[course_of]
    early_stalking = rng.random(course_of.size) < RECOGNISED_EARLY_STALKING
    is_last = position == sizes[course_of] - 1
    offence_idx[is_recognised & (early_stalking | is_last)] = 0  # 8Q

    # --- single crimes, topping each quarter and offence up to its expected volume --------
    course_quarter = np.searchsorted(q_start, course_day, side="right") - 1
    course_counts = np.zeros_like(expected)
    np.add.at(course_counts, (course_quarter, offence_idx), 1)
    single_counts = rng.poisson(np.maximum(expected - course_counts, 0.0))
    empty_quarters = single_counts.sum(axis=1) == 0
    single_counts[empty_quarters, 1] = 1  # every force submits something every quarter
    grid_q, grid_o = np.meshgrid(np.arange(len(quarters)), np.arange(len(OFFENCES)), indexing="ij")
    single_quarter = np.repeat(grid_q.ravel(), single_counts.ravel())
    single_offence = np.repeat(grid_o.ravel(), single_counts.ravel())
    single_day = q_start[single_quarter] + np.floor(
        rng.random(single_quarter.size) * q_len[single_quarter]
    ).astype(np.int64)
    n_singles = single_day.size

    # --- people: one (victim, suspect) pair per course and per single crime --------------
    n_pairs = n_courses + n_singles
    is_course_pair = np.arange(n_pairs) < n_courses
    victim_sex = pick_index(rng, (0.75, 0.21, 0.01, 0.03), n_pairs)  # SEXES order
    suspect_female_p = np.where(rng.random(n_pairs) < 0.17, 1.0, 0.0)
    relationship = np.where(
        is_course_pair,
        pick_index(rng, (0.10, 0.45, 0.08, 0.22, 0.10, 0.05), n_pairs),
        pick_index(rng, (0.10, 0.25, 0.12, 0.28, 0.15, 0.10), n_pairs),
    )  # RELATIONSHIPS order
    no_suspect = ~is_course_pair & (rng.random(n_pairs) < params["blank_suspect_share"])
    relationship[no_suspect] = 4 + pick_index(rng, (0.4, 0.6), int(no_suspect.sum()))
    ids = unique_ids(rng, 2 * n_pairs)
    victim_id, suspect_id = ids[:n_pairs], ids[n_pairs:]
    first_day = np.concatenate([start, single_day])
    age_years = np.clip(rng.normal(36.0, 13.0, n_pairs), 13.0, 90.0)
    birth_day = (
        first_day - np.floor(age_years * 365.25).astype(np.int64) - rng.integers(0, 365, n_pairs)
    )
    female_p = np.select([victim_sex == 0, victim_sex == 1], [1.0, 0.0], default=0.5)
    victim_name = full_names(rng, female_p)
    suspect_name = full_names(rng, suspect_female_p)

    # Decoys: some no-suspect crimes are against a victim of another no-suspect crime (same
    # person, suspect never identified). They are NOT courses of conduct: a blank suspect_ref
    # never links. `victim_of[pair]` is the pair whose victim the crime is against.
    victim_of = np.arange(n_pairs)
    no_suspect_idx = np.flatnonzero(no_suspect)
    n_repeat = int(no_suspect_idx.size * NO_SUSPECT_REPEAT_SHARE)
    if n_repeat and no_suspect_idx.size > n_repeat:
        shuffled = rng.permutation(no_suspect_idx)
        recipients, donor_pool = shuffled[:n_repeat], shuffled[n_repeat:]
        victim_of[recipients] = donor_pool[rng.integers(0, donor_pool.size, n_repeat)]

    # --- crimes ---------------------------------------------------------------------------
    pair = np.concatenate([course_of, n_courses + np.arange(n_singles)])
    victim = victim_of[pair]
    day = np.concatenate([course_day, single_day])
    offence = np.concatenate([offence_idx, single_offence]).astype(np.int64)  # OFFENCES order
    n = day.size
    is_stalking = offence == 0
    subcode = pick_index(rng, np.ones(len(subcodes)), n)
    subcode[~is_stalking] = len(subcodes)  # no sub-code
    rel = relationship[pair]
    has_suspect = ~no_suspect[pair]
    domestic = np.where(rel <= 2, rng.random(n) < 0.95, rng.random(n) < 0.03)
    cyber = rng.random(n) < np.array([0.35, 0.30, 0.25, 0.75])[offence]
    screened = rng.random(n) < np.where(
        is_stalking, params["screening_rate_stalking"], params["screening_rate_other"]
    )
    risk = np.where(
        screened,
        1 + pick_index(rng, (0.45, 0.38, 0.17), n),
        pick_index(rng, (0.85, 0.10, 0.04, 0.01), n),
    )  # RISK_LEVELS order
    masip_p = np.where(is_stalking, np.array([0.0, 0.02, 0.3, 1.0])[risk], 0.0)
    masip = rng.random(n) < masip_p * params["masip_rate_high_risk"]

    # Only crimes with a suspect can be charged: scale up so that the force's charge rate over
    # all crimes with an outcome is about its planted rate.
    charge_p = np.where(
        is_stalking, params["charge_rate_stalking"], params["charge_rate_harassment"]
    ) / (1.0 - params["blank_suspect_share"])
    other_codes = np.array(list(OUTCOMES_WITH_SUSPECT), dtype=np.int64)
    other_draw = other_codes[pick_index(rng, list(OUTCOMES_WITH_SUSPECT.values()), n)]
    no_suspect_codes = np.array(list(OUTCOMES_NO_SUSPECT), dtype=np.int64)
    no_suspect_draw = no_suspect_codes[pick_index(rng, list(OUTCOMES_NO_SUSPECT.values()), n)]
    outcome = np.where(
        has_suspect, np.where(rng.random(n) < charge_p, 1, other_draw), no_suspect_draw
    ).astype(np.int64)
    mean_delay = np.where(
        outcome == 1, OUTCOME_MEAN_DELAY_DAYS["charge"], OUTCOME_MEAN_DELAY_DAYS["other"]
    )
    outcome_day = day + np.floor(rng.gamma(2.0, mean_delay / 2.0)).astype(np.int64)
    not_yet = (outcome_day > w_end) | (rng.random(n) < OUTCOME_STUCK_SHARE)
    outcome[not_yet] = 0
    dob_missing = rng.random(n) < params["dob_missing_share"]
    pha_act = np.full(n, len(PHA_ACTS), dtype=np.int64)  # index past the end: not charged
    for offence_codes, (main_act, aggravated_act, main_share) in PHA_SPLIT.items():
        charged = (outcome == 1) & np.isin(offence, [OFFENCES.index(c) for c in offence_codes])
        pha_act[charged] = np.where(
            rng.random(int(charged.sum())) < main_share,
            PHA_ACTS.index(main_act),
            PHA_ACTS.index(aggravated_act),
        )
    tiebreak = rng.random(n)
    ref_gap = rng.integers(1, 8, n)

    frame = pl.DataFrame(
        [
            labels("offence_code", OFFENCES, offence),
            labels("offence_subcode", (*subcodes, None), subcode),
            days_to_date(day, "recorded_date"),
            pl.Series("victim_id", victim_id[victim]),
            victim_name.gather(victim).alias("victim_name"),
            days_to_date(birth_day[victim], "victim_dob"),
            pl.Series("dob_missing", dob_missing),
            labels("victim_sex", SEXES, victim_sex[victim]),
            pl.Series("suspect_id", suspect_id[pair]),
            pl.Series("has_suspect", has_suspect),
            suspect_name.gather(pair).alias("suspect_name"),
            labels("relationship", RELATIONSHIPS, rel),
            yes_no("domestic_flag", domestic),
            yes_no("cyber_flag", cyber),
            yes_no("screening_completed", screened),
            labels("risk_level", RISK_LEVELS, risk),
            yes_no("masip_referral", masip),
            pl.Series("outcome_type", outcome),
            pl.Series("outcome_day", outcome_day),
            labels("pha_act", (*PHA_ACTS, None), pha_act),
            pl.Series("course_id", np.concatenate([course_of, np.full(n_singles, -1)])),
            pl.Series("quarter_idx", np.concatenate([course_quarter, single_quarter])),
            pl.Series("tiebreak", tiebreak),
            pl.Series("ref_gap", ref_gap),
        ]
    ).with_columns(pl.lit(force_code).alias("force_code"))
    ref_start = int(rng.integers(1000, 20000))
    frame = (
        frame.sort("recorded_date", "tiebreak")
        .with_columns(
            (pl.col("ref_gap").cum_sum().over(pl.col("recorded_date").dt.year()) + ref_start).alias(
                "ref_seq"
            )
        )
        .with_columns(
            pl.concat_str(
                pl.lit(prefix + "/"),
                (pl.col("recorded_date").dt.year() % 100).cast(pl.String).str.zfill(2),
                pl.lit("/"),
                pl.col("ref_seq").cast(pl.String).str.zfill(7),
            ).alias("crime_ref"),
            (pl.lit(prefix + "-P") + pl.col("victim_id").cast(pl.String).str.zfill(8)).alias(
                "victim_ref"
            ),
            pl.when(pl.col("has_suspect"))
            .then(pl.lit(prefix + "-P") + pl.col("suspect_id").cast(pl.String).str.zfill(8))
            .alias("suspect_ref"),
            pl.when(pl.col("has_suspect")).then(pl.col("suspect_name")).alias("suspect_name"),
            pl.when(~pl.col("dob_missing")).then(pl.col("victim_dob")).alias("victim_dob"),
            pl.when(pl.col("outcome_type") > 0)
            .then(pl.col("outcome_day").cast(pl.Int32).cast(pl.Date))
            .alias("outcome_date"),
        )
    )
    crimes = frame.select(*STANDARD_COLUMNS, "quarter_idx", "course_id", "pha_act")

    courses = (
        crimes.filter(pl.col("course_id") >= 0)
        .group_by("course_id")
        .agg(
            pl.col("force_code").first(),
            pl.col("victim_ref").first(),
            pl.col("suspect_ref").first(),
            pl.col("crime_ref").sort_by("recorded_date", "crime_ref").alias("crime_refs"),
            pl.len().cast(pl.Int32).alias("n_crimes"),
            pl.col("recorded_date").min().alias("first_recorded_date"),
            pl.col("recorded_date").max().alias("last_recorded_date"),
            (pl.col("offence_code") == "8Q").any().alias("has_stalking"),
        )
        .sort("course_id")
        .with_columns(
            pl.when(pl.col("has_stalking"))
            .then(pl.lit("recognised"))
            .otherwise(pl.lit("unrecognised"))
            .alias("planted_as")
        )
        .select(
            "force_code",
            "victim_ref",
            "suspect_ref",
            "crime_refs",
            "n_crimes",
            "first_recorded_date",
            "last_recorded_date",
            "planted_as",
        )
    )
    repeats = (
        crimes.filter(pl.col("suspect_ref").is_null())
        .group_by("victim_ref")
        .agg(
            pl.col("force_code").first(),
            pl.col("crime_ref").sort_by("recorded_date", "crime_ref").alias("crime_refs"),
            pl.len().cast(pl.Int32).alias("n_crimes"),
        )
        .filter(pl.col("n_crimes") >= 2)
        .sort("victim_ref")
        .select("force_code", "victim_ref", "crime_refs", "n_crimes")
    )
    return ForceCrimes(crimes=crimes, courses=courses, no_suspect_repeats=repeats)
