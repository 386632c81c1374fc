"""linkage.review.review_sample: a stratified clerical review sample around the threshold."""

from __future__ import annotations

import polars as pl

from linkage.review import bands, review_sample


def predictions(probabilities: list[float]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "crime_ref_l": [f"L{i}" for i in range(len(probabilities))],
            "crime_ref_r": [f"R{i}" for i in range(len(probabilities))],
            "match_probability": probabilities,
        }
    )


def test_bands_split_at_the_threshold_and_cover_up_to_one():
    edges = bands(0.9)
    assert edges[0][0] == 0.5 and edges[-1][1] > 1.0
    assert (0.8, 0.9) in edges and (0.9, 0.95) in edges
    assert all(low < high for low, high in edges)


def test_each_band_is_sampled_to_its_quota_and_small_bands_whole():
    # 200 pairs just below the threshold, 3 just above, 100 certain ones, 10 below every band.
    scored = predictions([0.85] * 200 + [0.92] * 3 + [0.9995] * 100 + [0.1] * 10)
    sample = review_sample(scored, threshold=0.9, per_band=20, seed=1)
    counts = dict(sample.group_by("band").len().iter_rows())
    assert counts == {"[0.8, 0.9)": 20, "[0.9, 0.95)": 3, "[0.999, 1.0)": 20}
    assert (sample["linked"] == (sample["match_probability"] >= 0.9)).all()
    assert sample.select("crime_key_l", "crime_key_r").is_unique().all()
    assert review_sample(scored, 0.9, 20, seed=1).equals(sample), "the same seed, the same sample"


def test_no_predictions_give_an_empty_sample_with_its_columns():
    sample = review_sample(predictions([]), threshold=0.9, per_band=5, seed=1)
    assert sample.is_empty() and "crime_key_l" in sample.columns
