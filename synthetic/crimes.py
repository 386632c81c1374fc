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
from synthetic.names import common_names, person_names, written_names
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

# Linkage noise (docs/SYNTHETIC_DATA.md, "Linkage noise"): how real force records hide a course.
NEW_VICTIM_REF_SHARE = 0.30  # a later crime of a course files the victim under a new reference
NEW_SUSPECT_REF_SHARE = 0.30  # ... or the suspect under a new reference
BLANK_SUSPECT_REF_SHARE = 0.25  # a course crime before the last: suspect named, reference blank
RELATIONSHIP_REDRAW_SHARE = 0.10  # a later course crime: relationship recorded afresh
NAME_TYPO_SHARE = 0.04  # any record: one letter of a name mistyped (victim, suspect independently)
DOB_SWAP_SHARE = 0.04  # any record: date of birth written with day and month swapped (day <= 12)
CROSS_FORCE_SHARE = 0.08  # courses whose later half is recorded by another force
GAP_PAIR_SHARE = 0.10  # per course: a victim-suspect pair with 2 crimes over 12 months apart
GAP_PAIR_DAYS = (400, 700)  # the gap of a gap pair (never a course)
NAME_DECOY_SHARE = 0.15  # per course: two single crimes whose victims share name, sex and birth
# year and whose suspects share a name, but who are different people (never a course)
NAME_DECOY_TOP_NAMES = 10  # ... and whose forenames and surnames are among the 10 most common

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
    crimes: pl.DataFrame  # STANDARD_COLUMNS + quarter_idx, pha_act + TRUTH_COLUMNS


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
    # Gap pairs (decoys): the same victim and suspect twice, more than 12 months apart.
    n_gap = (
        int(rng.poisson(GAP_PAIR_SHARE * n_courses)) if w_end - w_start > GAP_PAIR_DAYS[0] else 0
    )
    gap_start = rng.integers(w_start, w_end - GAP_PAIR_DAYS[0] + 1, n_gap)
    gap = np.minimum(rng.integers(*GAP_PAIR_DAYS, n_gap, endpoint=True), w_end - gap_start)
    n_groups = n_courses + n_gap
    is_gap = np.arange(n_groups) >= n_courses
    sizes = np.concatenate([sizes, np.full(n_gap, 2, dtype=sizes.dtype)])
    recognised = np.concatenate([recognised, rng.random(n_gap) < 0.5])
    start = np.concatenate([start, gap_start])
    span = np.concatenate([span, gap])
    course_of = np.repeat(np.arange(n_groups), sizes)
    position = np.arange(course_of.size) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    offset = np.floor(rng.random(course_of.size) * (span[course_of] + 1)).astype(np.int64)
    offset[position == 0] = 0
    offset[is_gap[course_of] & (position == 1)] = span[course_of][
        is_gap[course_of] & (position == 1)
    ]
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
    n_pairs = n_groups + n_singles
    is_course_pair = np.arange(n_pairs) < n_groups
    victim_sex = pick_index(rng, (0.75, 0.21, 0.01, 0.03), n_pairs)  # SEXES order
    suspect_female_p = np.where(rng.random(n_pairs) < 0.17, 1.0, 0.0)
    relationship = np.where(
        is_course_pair,
        pick_index(rng, (0.10, 0.45, 0.08, 0.22, 0.10, 0.05), n_pairs),
        pick_index(rng, (0.10, 0.25, 0.12, 0.28, 0.15, 0.10), n_pairs),
    )  # RELATIONSHIPS order
    no_suspect = ~is_course_pair & (rng.random(n_pairs) < params["blank_suspect_share"])
    relationship[no_suspect] = 4 + pick_index(rng, (0.4, 0.6), int(no_suspect.sum()))
    n_group_crimes = course_of.size
    ids = unique_ids(rng, 2 * n_pairs + 2 * n_group_crimes)
    victim_id, suspect_id = ids[:n_pairs], ids[n_pairs : 2 * n_pairs]
    fresh_victim_id = ids[2 * n_pairs : 2 * n_pairs + n_group_crimes]
    fresh_suspect_id = ids[2 * n_pairs + n_group_crimes :]
    first_day = np.concatenate([start, single_day])
    age_years = np.clip(rng.normal(36.0, 13.0, n_pairs), 13.0, 90.0)
    birth_day = (
        first_day - np.floor(age_years * 365.25).astype(np.int64) - rng.integers(0, 365, n_pairs)
    )
    female_p = np.select([victim_sex == 0, victim_sex == 1], [1.0, 0.0], default=0.5)
    victim_person = person_names(rng, female_p)
    suspect_person = person_names(rng, suspect_female_p)

    # Name decoys: the next single crime in time (with a suspect) gets a victim of the same
    # name, sex and birth year as this one, and a suspect of the same name: different people.
    singles_with_suspect = np.flatnonzero(~is_course_pair & ~no_suspect)
    by_time = singles_with_suspect[np.argsort(first_day[singles_with_suspect], kind="stable")]
    n_decoy = min(int(rng.poisson(NAME_DECOY_SHARE * n_courses)), by_time.size // 2)
    slots = rng.choice(by_time.size // 2, n_decoy, replace=False) if n_decoy else np.zeros(0, int)
    donor, twin = by_time[2 * slots], by_time[2 * slots + 1]
    victim_sex[twin] = victim_sex[donor]
    year_start = (
        (birth_day[donor].astype("datetime64[D]").astype("datetime64[Y]")).astype("datetime64[D]")
    ).astype(np.int64)
    twin_day = year_start + (birth_day[donor] - year_start + rng.integers(1, 364, n_decoy)) % 365
    birth_day[twin] = twin_day
    name_decoy = np.zeros(n_pairs, dtype=bool)
    name_decoy[donor] = name_decoy[twin] = True
    # Both get common names (drawn from their own stream, so nothing else in the force moves):
    # namesakes share the names many people have, and a rare pair of names twice in one force
    # within days would in truth be one pair of people.
    decoy_rng = stream(seed, "name_decoys", force_code)
    decoy_names = {
        "victim": common_names(decoy_rng, female_p[donor], NAME_DECOY_TOP_NAMES),
        "suspect": common_names(decoy_rng, suspect_female_p[donor], NAME_DECOY_TOP_NAMES),
    }
    for role, people in (("victim", victim_person), ("suspect", suspect_person)):
        for column in ("first", "surname"):
            values = people[column].to_numpy().copy()
            values[donor] = values[twin] = decoy_names[role][column].to_numpy()
            people.replace_column(people.get_column_index(column), pl.Series(column, values))

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
    pair = np.concatenate([course_of, n_groups + np.arange(n_singles)])
    victim = victim_of[pair]
    day = np.concatenate([course_day, single_day])
    offence = np.concatenate([offence_idx, single_offence]).astype(np.int64)  # OFFENCES order
    n = day.size
    is_stalking = offence == 0
    subcode = pick_index(rng, np.ones(len(subcodes)), n)
    subcode[~is_stalking] = len(subcodes)  # no sub-code
    rel = relationship[pair]
    # A later report of a course records the relationship differently (ex- for current partner,
    # unknown...): drawn afresh, so sometimes the same.
    relationship_redrawn = np.zeros(n, dtype=bool)
    relationship_redrawn[: course_of.size] = (position > 0) & (
        rng.random(course_of.size) < RELATIONSHIP_REDRAW_SHARE
    )
    rel = np.where(
        relationship_redrawn, pick_index(rng, (0.10, 0.45, 0.08, 0.22, 0.10, 0.05), n), rel
    )
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

    # --- linkage noise on each record (docs/SYNTHETIC_DATA.md) --------------------------
    in_group = np.arange(n) < n_group_crimes
    later = np.zeros(n, dtype=bool)
    later[:n_group_crimes] = position > 0
    before_last = np.zeros(n, dtype=bool)
    before_last[:n_group_crimes] = ~is_last
    new_victim_ref = later & (rng.random(n) < NEW_VICTIM_REF_SHARE)
    new_suspect_ref = later & (rng.random(n) < NEW_SUSPECT_REF_SHARE)
    blank_suspect_ref = before_last & (rng.random(n) < BLANK_SUSPECT_REF_SHARE)
    fresh_victim = np.concatenate([fresh_victim_id, np.zeros(n_singles, dtype=np.int64)])
    fresh_suspect = np.concatenate([fresh_suspect_id, np.zeros(n_singles, dtype=np.int64)])
    victim_ref_id = np.where(new_victim_ref, fresh_victim, victim_id[victim])
    suspect_ref_id = np.where(new_suspect_ref, fresh_suspect, suspect_id[pair])
    crosses = np.zeros(n_groups, dtype=bool)
    crosses[:n_courses] = rng.random(n_courses) < CROSS_FORCE_SHARE
    cross_force = np.zeros(n, dtype=bool)  # the later half of a crossing course moves force
    cross_force[:n_group_crimes] = crosses[course_of] & (2 * position >= sizes[course_of])
    victim_written, victim_typo = written_names(
        rng,
        victim_person["first"].gather(victim),
        victim_person["surname"].gather(victim),
        NAME_TYPO_SHARE,
    )
    suspect_written, suspect_typo = written_names(
        rng,
        suspect_person["first"].gather(pair),
        suspect_person["surname"].gather(pair),
        NAME_TYPO_SHARE,
    )
    dob = birth_day[victim].astype("datetime64[D]")
    dob_month = dob.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dob_dom = (dob - dob.astype("datetime64[M]")).astype(np.int64) + 1
    dob_swap = (dob_dom <= 12) & (dob_dom != dob_month) & (rng.random(n) < DOB_SWAP_SHARE)
    swapped_dob = (
        dob.astype("datetime64[Y]").astype("datetime64[M]")
        + (np.where(dob_swap, dob_dom, dob_month) - 1)
    ).astype("datetime64[D]") + (np.where(dob_swap, dob_month, dob_dom) - 1)
    group_kind = np.where(
        in_group,
        np.where(
            np.concatenate([is_gap[course_of], np.zeros(n_singles, bool)]), "gap_pair", "course"
        ),
        "single",
    )

    frame = pl.DataFrame(
        [
            labels("offence_code", OFFENCES, offence),
            labels("offence_subcode", (*subcodes, None), subcode),
            days_to_date(day, "recorded_date"),
            pl.Series("victim_id", victim_ref_id),
            pl.Series("victim_person", victim_id[victim]),
            victim_written.alias("victim_name"),
            days_to_date(swapped_dob.astype(np.int64), "victim_dob"),
            pl.Series("dob_missing", dob_missing),
            labels("victim_sex", SEXES, victim_sex[victim]),
            pl.Series("suspect_id", suspect_ref_id),
            pl.Series("suspect_person", suspect_id[pair]),
            pl.Series("has_suspect", has_suspect),
            suspect_written.alias("suspect_name"),
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
            pl.Series("course_position", np.concatenate([position, np.full(n_singles, -1)])),
            pl.Series("group_kind", group_kind),
            pl.Series("new_victim_ref", new_victim_ref),
            pl.Series("new_suspect_ref", new_suspect_ref & has_suspect),
            pl.Series("blank_suspect_ref", blank_suspect_ref & has_suspect),
            pl.Series("victim_name_typo", victim_typo),
            pl.Series("suspect_name_typo", suspect_typo & has_suspect),
            pl.Series("dob_swapped", dob_swap & ~dob_missing),
            pl.Series("cross_force", cross_force),
            pl.Series("name_decoy", name_decoy[pair]),
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
            pl.when(pl.col("has_suspect") & ~pl.col("blank_suspect_ref"))
            .then(pl.lit(prefix + "-P") + pl.col("suspect_id").cast(pl.String).str.zfill(8))
            .alias("suspect_ref"),
            (pl.lit(force_code + ":") + pl.col("victim_person").cast(pl.String)).alias(
                "victim_person"
            ),
            pl.when(pl.col("has_suspect"))
            .then(pl.lit(force_code + ":") + pl.col("suspect_person").cast(pl.String))
            .alias("suspect_person"),
            pl.when(pl.col("course_id") >= 0)
            .then(pl.lit(force_code + ":") + pl.col("course_id").cast(pl.String))
            .alias("course_id"),
            pl.col("dob_missing").alias("dob_missing"),
            pl.when(pl.col("has_suspect")).then(pl.col("suspect_name")).alias("suspect_name"),
            pl.when(~pl.col("dob_missing")).then(pl.col("victim_dob")).alias("victim_dob"),
            pl.when(pl.col("outcome_type") > 0)
            .then(pl.col("outcome_day").cast(pl.Int32).cast(pl.Date))
            .alias("outcome_date"),
        )
    )
    crimes = frame.select(*STANDARD_COLUMNS, "quarter_idx", "pha_act", *TRUTH_COLUMNS)
    return ForceCrimes(crimes=crimes)


# The truth of each crime (never written to landing/): who the people really are, which planted
# group it belongs to, and which noise it carries.
TRUTH_COLUMNS = (
    "victim_person",
    "suspect_person",
    "course_id",
    "course_position",
    "group_kind",
    "new_victim_ref",
    "new_suspect_ref",
    "blank_suspect_ref",
    "victim_name_typo",
    "suspect_name_typo",
    "dob_swapped",
    "dob_missing",
    "cross_force",
    "name_decoy",
)
# Noise types a planted course can carry (docs/SYNTHETIC_DATA.md); `clean` when none does.
COURSE_NOISE_TYPES = (
    "new_victim_ref",
    "new_suspect_ref",
    "blank_suspect_ref",
    "name_typo",
    "dob_swapped",
    "dob_missing",
    "cross_force",
)


def cross_force_arrivals(
    movers_by_force: dict[str, pl.DataFrame], prefixes: dict[str, str], seed: int
) -> dict[str, pl.DataFrame]:
    """Each force's arriving crimes: the later half of every crossing course (rows flagged
    `cross_force`) moves to another force, drawn per course, which records them under its own
    crime and person references. Returns the arrivals by receiving force (possibly empty)."""
    codes = sorted(movers_by_force)
    moved_in: dict[str, list[pl.DataFrame]] = {code: [] for code in codes}
    for origin in codes:
        moving = movers_by_force[origin]
        if moving.is_empty():
            continue
        rng = stream(seed, "cross_force", origin)
        course_ids = moving["course_id"].unique().sort()
        others = [c for c in codes if c != origin]
        dest = pl.DataFrame(
            {
                "course_id": course_ids,
                "dest": pl.Series(others).gather(rng.integers(0, len(others), len(course_ids))),
            }
        )
        moving = moving.join(dest, on="course_id", how="left")
        for (target,), part in moving.partition_by("dest", as_dict=True).items():
            moved_in[target].append(part.drop("dest"))
    out = {}
    for target in codes:
        if not moved_in[target]:
            out[target] = None
            continue
        arrived = pl.concat(moved_in[target]).sort("course_id", "recorded_date")
        prefix = prefixes[target]
        seq = pl.int_range(pl.len(), dtype=pl.Int64)
        # Numbers from 9,000,000 up: the force's own sequences stay far below.
        person = (pl.col("course_id").rank("dense") - 1).cast(pl.Int64)
        out[target] = arrived.with_columns(
            pl.lit(target).alias("force_code"),
            pl.concat_str(
                pl.lit(prefix + "/"),
                (pl.col("recorded_date").dt.year() % 100).cast(pl.String).str.zfill(2),
                pl.lit("/"),
                (seq + 9_000_000).cast(pl.String),
            ).alias("crime_ref"),
            pl.when(pl.col("new_victim_ref"))
            .then(pl.lit(prefix + "-P9") + (seq + 5_000_000).cast(pl.String))
            .otherwise(pl.lit(prefix + "-P9") + (person + 1_000_000).cast(pl.String))
            .alias("victim_ref"),
            pl.when(pl.col("suspect_ref").is_null())
            .then(None)
            .when(pl.col("new_suspect_ref"))
            .then(pl.lit(prefix + "-P9") + (seq + 7_000_000).cast(pl.String))
            .otherwise(pl.lit(prefix + "-P9") + (person + 3_000_000).cast(pl.String))
            .alias("suspect_ref"),
        )
    return out


def with_arrivals(crimes: pl.DataFrame, arrivals: pl.DataFrame | None) -> pl.DataFrame:
    """A force's crimes after its crossing courses' later halves left and others arrived."""
    stayed = crimes.filter(~pl.col("cross_force"))
    if arrivals is None:
        return stayed
    return pl.concat([stayed, arrivals]).sort("recorded_date", "crime_ref")


def planted_courses(crimes: pl.DataFrame) -> pl.DataFrame:
    """One row per planted course of conduct (truth), from all forces' crimes."""
    return (
        crimes.filter(pl.col("group_kind") == "course")
        .sort("recorded_date", "crime_ref")
        .group_by("course_id")
        .agg(
            pl.col("force_code").first(),
            pl.col("victim_ref").first(),
            pl.col("suspect_ref").drop_nulls().first(),
            pl.col("victim_person").first(),
            pl.col("suspect_person").first(),
            pl.col("crime_ref").alias("crime_refs"),
            pl.col("force_code").unique(maintain_order=True).alias("forces"),
            pl.len().cast(pl.Int32).alias("n_crimes"),
            pl.col("recorded_date").min().alias("first_recorded_date"),
            pl.col("recorded_date").max().alias("last_recorded_date"),
            (pl.col("offence_code") == "8Q").any().alias("has_stalking"),
            pl.col("new_victim_ref").any(),
            pl.col("new_suspect_ref").any(),
            pl.col("blank_suspect_ref").any(),
            (pl.col("victim_name_typo") | pl.col("suspect_name_typo")).any().alias("name_typo"),
            pl.col("dob_swapped").any(),
            pl.col("dob_missing").any(),
            pl.col("cross_force").any(),
        )
        .with_columns(
            pl.when(pl.col("has_stalking"))
            .then(pl.lit("recognised"))
            .otherwise(pl.lit("unrecognised"))
            .alias("planted_as"),
            pl.concat_list(
                pl.when(pl.col(t)).then(pl.lit(t)).otherwise(None) for t in COURSE_NOISE_TYPES
            )
            .list.drop_nulls()
            .alias("noise"),
        )
        .sort("force_code", "first_recorded_date", "victim_ref", "course_id")
        .select(
            "course_id",
            "force_code",
            "forces",
            "victim_ref",
            "suspect_ref",
            "victim_person",
            "suspect_person",
            "crime_refs",
            "n_crimes",
            "first_recorded_date",
            "last_recorded_date",
            "planted_as",
            "noise",
        )
    )


def no_suspect_repeat_victims(crimes: pl.DataFrame) -> pl.DataFrame:
    """Decoys: victims with 2+ crimes where no suspect was identified (no name, no reference)."""
    return (
        crimes.filter(pl.col("suspect_person").is_null())
        .group_by("force_code", "victim_ref")
        .agg(
            pl.col("crime_ref").sort_by("recorded_date", "crime_ref").alias("crime_refs"),
            pl.len().cast(pl.Int32).alias("n_crimes"),
        )
        .filter(pl.col("n_crimes") >= 2)
        .sort("force_code", "victim_ref")
        .select("force_code", "victim_ref", "crime_refs", "n_crimes")
    )
