"""Probabilistic linkage of crime records into victim-suspect pairs (Splink, DuckDB backend).

Each crime with an identified suspect (a reference or a name) is one record: the victim's and
the suspect's keyed hashes (force references, name and date-of-birth keys from
ingest/linkage_keys.py), the recording force and date. Splink (Fellegi-Sunter) scores the
candidate pairs the blocking rules admit, with u from random sampling, m by EM and the name
levels adjusted for how common each name is; pairs at or above the configured threshold are
joined into clusters (connected components). A cluster is one pair
of people, a victim and a suspect, across references, forces and spellings.

Suspects carry no date of birth, so a suspect is only ever identified together with a victim:
two "John Smith"s are told apart by whom they target.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import yaml

from ingest.linkage_keys import DOB_KEY_COLUMNS

SETTINGS_FILE = Path(__file__).with_name("settings.yaml")
# The columns a record needs (raw/force_crimes after ingest; keys may be absent, see below).
REFERENCE_COLUMNS = ("crime_ref", "force_code", "recorded_date", "offence_code", "relationship")
PERSON_COLUMNS = (
    "victim_ref",
    "suspect_ref",
    "victim_name_key",
    "victim_forename_key",
    "victim_surname_key",
    *DOB_KEY_COLUMNS,
    "suspect_name_key",
    "suspect_forename_key",
    "suspect_surname_key",
)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LinkageSettings:
    threshold_match_probability: float
    course_window_days: int
    course_offences: tuple[str, ...]
    review_sample_per_band: int
    training: dict[str, Any]
    splink: dict[str, Any]

    @classmethod
    def load(cls, path: Path = SETTINGS_FILE) -> LinkageSettings:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        raw["course_offences"] = tuple(raw["course_offences"])
        return cls(**raw)


def absent_columns(crimes: pl.DataFrame) -> list[str]:
    return [c for c in PERSON_COLUMNS if c not in crimes.columns]


def linkable_records(crimes: pl.DataFrame, settings: LinkageSettings) -> pl.DataFrame:
    """The records Splink sees: course offences with an identified suspect. Key columns a
    frame lacks (raw/ written before linkage keys existed) are null: those records then link
    on their references alone."""
    missing = absent_columns(crimes)
    if missing:
        log.warning("linkage: no %s in the crimes; those comparisons are null", ", ".join(missing))
    frame = crimes.with_columns(pl.lit(None, pl.String).alias(c) for c in missing)
    return (
        frame.select(*REFERENCE_COLUMNS, *PERSON_COLUMNS)
        .filter(
            pl.col("offence_code").is_in(settings.course_offences)
            & (pl.col("suspect_ref").is_not_null() | pl.col("suspect_name_key").is_not_null())
        )
        .with_columns(
            # Both phonetic codes of a person together: the value a "both names sound alike"
            # match is term-frequency adjusted on (no more information than the two keys).
            pl.concat_str(f"{role}_forename_key", f"{role}_surname_key", separator="|").alias(
                f"{role}_sound_key"
            )
            for role in ("victim", "suspect")
        )
    )


def _load(records: pl.DataFrame, con: duckdb.DuckDBPyConnection) -> None:
    con.register("linkage_records_view", records.to_arrow())
    con.execute("create or replace table linkage_records as from linkage_records_view")
    con.unregister("linkage_records_view")


def _linker(settings: dict[str, Any], con: duckdb.DuckDBPyConnection):
    from splink import DuckDBAPI, Linker  # heavy import, only when linking

    table = DuckDBAPI(connection=con).register("linkage_records")
    return Linker(table, settings, log_level=logging.WARNING)


def _pairs_admitted(con: duckdb.DuckDBPyConnection, rule: str) -> int:
    return con.execute(
        "select count(*) from linkage_records as l join linkage_records as r "
        f"on l.crime_ref < r.crime_ref and ({rule})"
    ).fetchall()[0][0]


def _prior(n: int, settings: LinkageSettings, con: duckdb.DuckDBPyConnection) -> float:
    """lambda, as Splink's direct estimate: pairs the deterministic rules admit / all pairs /
    their assumed recall. Clipped to [one match among all pairs, 0.99], so that a small extract
    (no deterministic pair, or nearly all) still has a usable prior."""
    training = settings.training
    total = n * (n - 1) / 2
    found = sum(_pairs_admitted(con, rule) for rule in training["deterministic_rules"])
    return min(max(found / total / training["deterministic_recall"], 1 / total), 0.99)


def train(linker, settings: LinkageSettings, con: duckdb.DuckDBPyConnection) -> None:
    """u by random sampling and m by EM (one session a rule); lambda is set beforehand.
    A rule admitting fewer than em_min_pairs pairs (a small or key-less extract) is skipped:
    EM cannot learn from it, and the m values it would train keep their defaults."""
    training = settings.training
    linker.training.estimate_u_using_random_sampling(
        max_pairs=training["u_max_pairs"], seed=training["seed"]
    )
    for rule in training["em_blocking_rules"]:
        admitted = _pairs_admitted(con, rule)
        if admitted < training["em_min_pairs"]:
            log.warning("linkage: EM session skipped, %d pairs only: %s", admitted, rule)
            continue
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, max_pairs=training["em_max_pairs"]
        )


PREDICTION_SCHEMA = {
    "crime_ref_l": pl.String,
    "crime_ref_r": pl.String,
    "match_probability": pl.Float64,
}


@dataclass(frozen=True)
class LinkResult:
    pairs: pl.DataFrame  # crime_ref -> pair_id (every linkable record, singletons included)
    predictions: pl.DataFrame  # scored candidate pairs: crime_ref_l, crime_ref_r, match_probability
    model: dict[str, Any]  # the trained Splink settings (m and u per level), for the record


def link_pairs(
    crimes: pl.DataFrame,
    settings: LinkageSettings | None = None,
    threshold: float | None = None,
    min_probability: float | None = None,
) -> LinkResult:
    """Link crimes into victim-suspect pairs. `threshold` overrides the configured one (the
    evaluation sweeps it); predictions below `min_probability` (default: the threshold) are
    not returned."""
    settings = settings or LinkageSettings.load()
    threshold = settings.threshold_match_probability if threshold is None else threshold
    records = linkable_records(crimes, settings)
    with duckdb.connect() as con:
        _load(records, con)
        rules = settings.splink["blocking_rules_to_generate_predictions"]
        if records.height < 2 or not sum(_pairs_admitted(con, rule) for rule in rules):
            # Nothing can link (an empty or tiny extract): every record is its own pair.
            return LinkResult(
                pairs=records.select("crime_ref", pl.col("crime_ref").alias("pair_id")),
                predictions=pl.DataFrame(schema=PREDICTION_SCHEMA),
                model={},
            )
        splink_settings = dict(settings.splink)
        splink_settings["probability_two_random_records_match"] = _prior(
            records.height, settings, con
        )
        linker = _linker(splink_settings, con)
        train(linker, settings, con)
        predictions = linker.inference.predict(
            threshold_match_probability=min(threshold, min_probability or threshold)
        )
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold
        )
        pairs = con.sql(
            f"select crime_ref, cluster_id as pair_id from {clusters.physical_name}"
        ).pl()
        scored = con.sql(
            f"select crime_ref_l, crime_ref_r, match_probability from {predictions.physical_name}"
        ).pl()
        model = linker.misc.save_model_to_json()
    return LinkResult(pairs=pairs, predictions=scored, model=model)
