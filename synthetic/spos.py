"""Stalking Protection Orders: applications per force, some linked to the force's stalking
crimes, with decisions as at the end of the generated window."""

from __future__ import annotations

import numpy as np
import polars as pl

from synthetic.common import labels, pick_index, stream

ORDER_TYPES = ("interim", "full")
DECISIONS = ("granted", "refused", "withdrawn", "pending")
STANDARD_COLUMNS = (
    "force_code",
    "spo_ref",
    "crime_ref",
    "application_date",
    "order_type",
    "decision",
    "decision_date",
    "breach_count",
)
APPLICATION_MEAN_DELAY_DAYS = 40.0  # from the crime being recorded to the application
DECISION_MEAN_DELAY_DAYS = {"interim": 5.0, "full": 55.0}
BREACHES_PER_YEAR = {"interim": 0.2, "full": 0.35}  # per granted order in force


def generate_force_spos(
    seed: int,
    force_code: str,
    prefix: str,
    params: dict,
    crimes: pl.DataFrame,
    q_start_days: np.ndarray,
    window_end_day: int,
) -> pl.DataFrame:
    """SPO applications for one force. `crimes` is the force's crime frame (standard columns
    plus quarter_idx); applications are about `spo_applications_per_100_stalking` per 100 of
    its stalking crimes."""
    rng = stream(seed, "force_spos", force_code)
    window_start = int(q_start_days[0])
    stalking = crimes.filter(pl.col("offence_code") == "8Q").select(
        "crime_ref", pl.col("recorded_date").cast(pl.Int32).alias("day")
    )
    n_apps = int(rng.poisson(params["spo_applications_per_100_stalking"] / 100 * stalking.height))
    n_linked = min(int(rng.binomial(n_apps, params["spo_linked_share"])), stalking.height)
    linked_rows = rng.choice(stalking.height, size=n_linked, replace=False)
    linked_rows.sort()
    linked = stalking[linked_rows]
    linked_day = linked["day"].to_numpy().astype(np.int64) + np.floor(
        rng.gamma(2.0, APPLICATION_MEAN_DELAY_DAYS / 2.0, n_linked)
    ).astype(np.int64)
    keep = linked_day <= window_end_day  # applications after the window are not yet made
    n_unlinked = n_apps - n_linked
    unlinked_day = rng.integers(window_start, window_end_day + 1, n_unlinked)
    day = np.concatenate([linked_day[keep], unlinked_day])
    crime_ref = pl.concat(
        [
            linked["crime_ref"].filter(pl.Series(keep)),
            pl.Series([None] * n_unlinked, dtype=pl.String),
        ]
    )
    n = day.size
    order_type = pick_index(rng, (0.35, 0.65), n)
    is_full = order_type == 1
    decision_delay = np.floor(
        rng.gamma(
            2.0,
            np.where(is_full, DECISION_MEAN_DELAY_DAYS["full"], DECISION_MEAN_DELAY_DAYS["interim"])
            / 2.0,
        )
    ).astype(np.int64)
    decision_day = day + decision_delay
    grant_p = params["spo_grant_rate"]
    decision = pick_index(rng, (grant_p, (1 - grant_p) * 0.35, (1 - grant_p) * 0.65), n)
    pending = decision_day > window_end_day
    decision[pending] = 3
    years_in_force = np.maximum(window_end_day - decision_day, 0) / 365.25
    breach_rate = np.where(is_full, BREACHES_PER_YEAR["full"], BREACHES_PER_YEAR["interim"])
    breaches = np.where(decision == 0, rng.poisson(breach_rate * years_in_force), 0)
    q_idx = np.searchsorted(q_start_days, day, side="right") - 1
    frame = pl.DataFrame(
        [
            pl.Series("application_day", day),
            crime_ref.alias("crime_ref"),
            labels("order_type", ORDER_TYPES, order_type),
            labels("decision", DECISIONS, decision),
            pl.Series("decision_day", decision_day),
            pl.Series("breach_count", breaches.astype(np.int64)),
            pl.Series("quarter_idx", q_idx),
            pl.Series("tiebreak", rng.random(n)),
        ]
    ).sort("application_day", "tiebreak")
    ref_start = int(rng.integers(10, 500))
    return frame.select(
        pl.lit(force_code).alias("force_code"),
        (
            pl.lit(prefix + "-SPO-")
            + (pl.int_range(1, pl.len() + 1) + ref_start).cast(pl.String).str.zfill(5)
        ).alias("spo_ref"),
        "crime_ref",
        pl.col("application_day").cast(pl.Int32).cast(pl.Date).alias("application_date"),
        "order_type",
        "decision",
        pl.when(pl.col("decision") != "pending")
        .then(pl.col("decision_day").cast(pl.Int32).cast(pl.Date))
        .alias("decision_date"),
        "breach_count",
        "quarter_idx",
    )
