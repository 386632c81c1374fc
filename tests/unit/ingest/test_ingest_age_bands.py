"""Age bands from date of birth and event date: whole years, exact across month and year ends."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl

from ingest.pseudonymise import age_band
from ingest.records.contracts import AGE_BANDS

UPPER = {"0-15": 15, "16-19": 19, "20-24": 24, "25-34": 34, "35-44": 44}
UPPER |= {"45-54": 54, "55-64": 64, "65-74": 74}


def band_by_hand(dob: dt.date, on: dt.date) -> str | None:
    age = on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
    if age < 0 or age > 120:
        return None
    return next((band for band, upper in UPPER.items() if age <= upper), AGE_BANDS[-1])


def bands(pairs: list[tuple[dt.date, dt.date]]) -> list[str | None]:
    frame = pl.DataFrame(pairs, schema={"dob": pl.Date, "on": pl.Date}, orient="row")
    return frame.select(age_band(pl.col("dob"), pl.col("on")).alias("band"))["band"].to_list()


def test_the_reported_victim_is_45_not_35():
    # Born 1 January 1980, recorded 5 October 2025: 45 years old (the 8-bit month bug gave 35-44).
    assert bands([(dt.date(1980, 1, 1), dt.date(2025, 10, 5))]) == ["45-54"]


def test_birthdays_either_side_of_every_month_boundary():
    pairs = []
    for month in range(1, 13):
        for years in (15, 16, 19, 20, 24, 25, 34, 35, 44, 45, 74, 75):
            dob = dt.date(1990, month, 1) if month != 2 else dt.date(1990, 2, 28)
            birthday = dob.replace(year=dob.year + years)
            pairs += [
                (dob, birthday - dt.timedelta(days=1)),
                (dob, birthday),
                (dob, birthday + dt.timedelta(days=1)),
            ]
    pairs = [(d, o) for d, o in pairs if o <= dt.date(2070, 1, 1)]
    assert bands(pairs) == [band_by_hand(d, o) for d, o in pairs]


def test_leap_day_births_and_random_pairs_match_whole_years_by_hand():
    rng = random.Random(7)
    start = dt.date(1920, 1, 1).toordinal()
    pairs = [
        (dt.date(2000, 2, 29), dt.date(2016, 2, 28)),
        (dt.date(2000, 2, 29), dt.date(2016, 3, 1)),
    ]
    for _ in range(5000):
        dob = dt.date.fromordinal(rng.randint(start, start + 36_000))
        pairs.append((dob, dt.date.fromordinal(dob.toordinal() + rng.randint(-30, 40_000))))
    assert bands(pairs) == [band_by_hand(d, o) for d, o in pairs]


def test_unknown_or_impossible_ages_have_no_band():
    assert bands([(dt.date(2026, 1, 1), dt.date(2025, 1, 1))]) == [None]
    frame = pl.DataFrame(
        {"dob": [None], "on": [dt.date(2025, 1, 1)]}, schema={"dob": pl.Date, "on": pl.Date}
    )
    banded = frame.select(age_band(pl.col("dob"), pl.col("on")).alias("band"))
    assert banded["band"].to_list() == [None]
