"""A clerical review sample of scored record pairs around the threshold (docs/LINKAGE.md,
"Checking on real data").

The threshold and the fixed m were chosen on synthetic data. On real data, a person in the
restricted zone looks up both crimes of each sampled pair, says whether they are one
victim-suspect pair, and the labels go to Splink's `accuracy_analysis_from_labels_table`. The
sample is stratified by match probability, so that pairs just below and just above the
threshold (where a wrong threshold shows) are there in known numbers, whatever their share of
all pairs. Record level and restricted, like the pairs themselves.
"""

from __future__ import annotations

import polars as pl

# Band edges in match probability; the threshold is added as one more edge.
BAND_EDGES = (0.5, 0.8, 0.95, 0.99, 0.999)
REVIEW_SCHEMA = {
    "crime_key_l": pl.String,
    "crime_key_r": pl.String,
    "match_probability": pl.Float64,
    "band": pl.String,
    "linked": pl.Boolean,
}


def bands(threshold: float) -> list[tuple[float, float]]:
    """[low, high) bands from the lowest edge up, split at the threshold; the last ends at 1."""
    edges = sorted({*BAND_EDGES, threshold})
    return list(zip(edges, [*edges[1:], 1.0 + 1e-12], strict=True))


def review_sample(
    predictions: pl.DataFrame, threshold: float, per_band: int, seed: int
) -> pl.DataFrame:
    """Up to `per_band` scored pairs from each band (all of a smaller band), with whether the
    configured threshold links them. `predictions`: crime_ref_l, crime_ref_r,
    match_probability."""
    parts = []
    for low, high in bands(threshold):
        band = predictions.filter(pl.col("match_probability").is_between(low, high, "left"))
        if band.is_empty():
            continue
        parts.append(
            band.sample(min(per_band, band.height), seed=seed).with_columns(
                pl.lit(f"[{low}, {min(high, 1.0)})").alias("band")
            )
        )
    if not parts:
        return pl.DataFrame(schema=REVIEW_SCHEMA)
    return (
        pl.concat(parts)
        .select(
            pl.col("crime_ref_l").alias("crime_key_l"),
            pl.col("crime_ref_r").alias("crime_key_r"),
            "match_probability",
            "band",
            (pl.col("match_probability") >= threshold).alias("linked"),
        )
        .sort("match_probability")
    )
