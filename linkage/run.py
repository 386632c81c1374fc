"""The pipeline's linkage step: raw/force_crimes in, <data_dir>/linkage/crime_pairs.parquet out.

Reads every usable submission (the ledger's accepted files not failed by validation), one row
per crime reference (the latest submission's, by ingest order), links the crimes into
victim-suspect pairs (linkage.people) and writes one row per linkable crime: its keyed
crime_ref and pair_id. The warehouse chains pairs into courses (dbt, source linkage). The
trained model's parameters are written beside it for the record, and a clerical review sample
of scored pairs around the threshold (linkage.review). Restricted zone: record level.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ingest.ledger import Ledger, atomic_write_parquet
from ingest.settings import DataPaths
from linkage.people import LinkageSettings, link_pairs
from linkage.review import BAND_EDGES, REVIEW_SCHEMA, review_sample

OUTPUT_SCHEMA = {"crime_key": pl.String, "pair_id": pl.String}


def crime_pairs_path(paths: DataPaths) -> Path:
    """Where the linkage step writes (dbt's source linkage.crime_pairs reads the same file)."""
    return paths.root / "linkage" / "crime_pairs.parquet"


def review_sample_path(paths: DataPaths) -> Path:
    return crime_pairs_path(paths).with_name("review_sample.parquet")


@dataclass(frozen=True)
class LinkageRun:
    crimes: int
    linked_records: int
    pairs_with_two_or_more: int
    review_pairs: int
    seconds: float


def current_crimes(paths: DataPaths) -> pl.DataFrame:
    """Every crime of a usable submission, once (the latest submission's row)."""
    ledger = Ledger(paths.ledger, paths.quarantine, paths.archive)
    usable = (
        ledger.records("force_crimes")
        .filter(
            pl.col("status").is_in(["accepted", "partially_accepted"])
            & (pl.col("validation") != "failed")
        )
        .sort("ingest_seq")
    )
    files = [
        p
        for sha in usable["file_sha256"].to_list()
        if (p := paths.raw / "force_crimes" / sha / "part.parquet").exists()
    ]
    if not files:
        return pl.DataFrame()
    frames = [pl.read_parquet(f) for f in files]
    return pl.concat(frames, how="diagonal_relaxed").unique(
        "crime_ref", keep="last", maintain_order=True
    )


def run_linkage(paths: DataPaths, settings: LinkageSettings | None = None) -> LinkageRun:
    started = time.perf_counter()
    settings = settings or LinkageSettings.load()
    crimes = current_crimes(paths)
    target = crime_pairs_path(paths)
    target.parent.mkdir(parents=True, exist_ok=True)
    if crimes.is_empty():
        pairs = pl.DataFrame(schema=OUTPUT_SCHEMA)
        review = pl.DataFrame(schema=REVIEW_SCHEMA)
        model: dict = {}
    else:
        # Scored down to the lowest review band, so the sample can look below the threshold.
        result = link_pairs(crimes, settings, min_probability=min(BAND_EDGES))
        pairs = result.pairs.select(
            pl.col("crime_ref").alias("crime_key"), pl.col("pair_id").cast(pl.String)
        )
        review = review_sample(
            result.predictions,
            settings.threshold_match_probability,
            settings.review_sample_per_band,
            settings.training["seed"],
        )
        model = result.model
    atomic_write_parquet(pairs, target)
    atomic_write_parquet(review, review_sample_path(paths))
    (target.parent / "model.json").write_text(json.dumps(model, indent=1, default=str))
    repeated = pairs.group_by("pair_id").len().filter(pl.col("len") >= 2).height
    return LinkageRun(
        crimes=crimes.height,
        linked_records=pairs.height,
        pairs_with_two_or_more=repeated,
        review_pairs=review.height,
        seconds=time.perf_counter() - started,
    )
