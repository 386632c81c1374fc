"""Shared pieces of the synthetic generator: random streams, the force reference, sampling."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from ingest.settings import SEEDS_DIR

EPOCH = date(1970, 1, 1)
SYNTHETIC_PREFIX = "SYNTHETIC_"
GENERATOR_VERSION = "1.0"

RELATIONSHIPS = ("current_partner", "ex_partner", "family", "acquaintance", "stranger", "unknown")
SEXES = ("F", "M", "X", "U")
AGE_BANDS = ("0-15", "16-19", "20-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+")
AGE_BAND_LOWER = (0, 16, 20, 25, 35, 45, 55, 65, 75)


def stream(seed: int, *labels: object) -> np.random.Generator:
    """An independent random stream for (seed, labels...).

    Each source and force draws from its own stream, so changing one part of the generator (or
    the number of quarters of another source) never shifts the random numbers of another.
    Labels are hashed with CRC-32, which is stable across runs and platforms (unlike hash()).
    """
    entropy = [int(seed)] + [zlib.crc32(str(label).encode("utf-8")) for label in labels]
    return np.random.default_rng(entropy)


def day_number(day: date) -> int:
    """Days since 1970-01-01 (polars' Date physical value)."""
    return (day - EPOCH).days


def days_to_date(values: np.ndarray | pl.Series, name: str) -> pl.Series:
    """Integer day numbers to a polars Date series."""
    return pl.Series(name, np.asarray(values, dtype=np.int32)).cast(pl.Date)


def pick_index(rng: np.random.Generator, weights: Sequence[float], n: int) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def labels(name: str, options: Sequence[str], index: np.ndarray) -> pl.Series:
    """Category labels for integer codes: `options[index]` as a polars String series (fast: no
    Python objects per row)."""
    return pl.Series(name, list(options), dtype=pl.String).gather(np.asarray(index))


def yes_no(name: str, mask: np.ndarray) -> pl.Series:
    return labels(name, ("N", "Y"), np.asarray(mask, dtype=np.int64))


def unique_ids(rng: np.random.Generator, n: int, max_gap: int = 50) -> np.ndarray:
    """`n` distinct positive integers in random order (increasing sequence with random gaps,
    then shuffled), so references look unordered but can never collide."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    ids = np.cumsum(rng.integers(1, max_gap, size=n, dtype=np.int64))
    return rng.permutation(ids)


@dataclass(frozen=True)
class ForceTable:
    """The 43 territorial forces from the reference seed, in force_code order."""

    frame: pl.DataFrame

    @property
    def codes(self) -> list[str]:
        return self.frame["force_code"].to_list()

    @property
    def names(self) -> list[str]:
        return self.frame["force_name"].to_list()

    @property
    def population(self) -> np.ndarray:
        return self.frame["population_mid2023"].to_numpy().astype(float)

    def __len__(self) -> int:
        return self.frame.height

    def alias_or_name(self) -> list[str]:
        """The first alias where the reference has one, else the ONS name (how some legacy
        exports spell the force)."""
        out = []
        for name, aliases in zip(self.names, self.frame["aliases"].to_list(), strict=True):
            out.append(aliases.split("|")[0] if aliases else name)
        return out

    def abbreviation(self) -> list[str]:
        """Short force prefixes for references: initials plus the code's last two digits."""
        out = []
        for code, name in zip(self.codes, self.names, strict=True):
            words = [w for w in name.replace("-", " ").split() if w.lower() not in {"and", "of"}]
            letters = "".join(w[0] for w in words) if len(words) > 1 else words[0][:2]
            out.append(f"{letters.upper()}{code[-2:]}")
        return out


def load_forces() -> ForceTable:
    frame = pl.read_csv(
        SEEDS_DIR / "ref_forces.csv",
        schema_overrides={"population_mid2023": pl.Int64, "households_mid2021": pl.Int64},
    )
    frame = frame.filter(pl.col("is_territorial")).sort("force_code")
    if frame.height != 43:
        raise ValueError(f"expected 43 territorial forces in ref_forces.csv, found {frame.height}")
    return ForceTable(frame)


def load_stalking_subcodes() -> list[str]:
    frame = pl.read_csv(SEEDS_DIR / "ref_offence_subcodes.csv", infer_schema=False)
    return sorted(frame.filter(pl.col("offence_code") == "8Q")["offence_subcode"].to_list())


def age_band_expr(age_years: pl.Expr) -> pl.Expr:
    """Age in whole years to the SOURCES.md age band."""
    expr = pl.lit(AGE_BANDS[0])
    for lower, band in zip(AGE_BAND_LOWER[1:], AGE_BANDS[1:], strict=True):
        expr = pl.when(age_years >= lower).then(pl.lit(band)).otherwise(expr)
    return expr
