"""Measure course detection against the synthetic truth and write docs/LINKAGE.md's figures.

    python -m linkage.evaluate --data-dir DIR [--data-dir DIR2 ...] [--write-doc docs/LINKAGE.md]

Each DIR holds a synthetic run (landing/ and synthetic_truth/, `python -m synthetic`); the
first is reported in full, every one in a summary row (two seeds and two scales, so that the
figures are not tuned to one draw). The landed crime files are read and validated as ingest
does, given linkage keys and keyed references (ingest.linkage_keys, ingest.runner.pseudonymise),
linked (linkage.people) and chained into courses (linkage.courses); the exact-reference rule
runs on the same records beside it.

Scoring (docs/LINKAGE.md, "How accuracy is measured"): a detected course is correct when all
its crimes belong to one planted course and it is the largest such detected course for it (a
planted course split in two counts once correct, once wrong). Precision = correct / detected;
recall = planted courses with a correct detected course / planted courses.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ingest.pseudonymise import hash_columns, pseudonymise
from ingest.records.readers import read_file
from ingest.records.validation import validate
from ingest.sources import CONTRACTS
from linkage.courses import chain_courses
from linkage.people import LinkageSettings, link_pairs
from synthetic.crimes import COURSE_NOISE_TYPES

EVALUATION_KEY = b"linkage-evaluation-key"  # any key: the measurement never leaves this run
SWEEP = (0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999)
FIGURES_BEGIN = "<!-- figures: written by python -m linkage.evaluate -->"
FIGURES_END = "<!-- end of figures -->"


def landed_crimes(data_dir: Path, key: bytes) -> pl.DataFrame:
    """The landed force crime files as ingest would write them to raw/, plus linkage keys:
    read one by one, validated and keyed in one pass per export profile (as ingest batches)."""
    contract = CONTRACTS["force_crimes"]
    by_profile: dict[str, list[pl.DataFrame]] = {}
    profiles = {}
    for path in sorted((data_dir / "landing" / "force_crimes").glob("*.*")):
        read = read_file(path, "force_crimes")
        profiles[read.profile.name] = read.profile
        by_profile.setdefault(read.profile.name, []).append(
            read.frame.with_columns(pl.lit(path.name).alias("_file_name"))
        )
    frames = []
    for name, parts in by_profile.items():
        combined = pl.concat(parts, how="diagonal_relaxed")
        checked = validate(combined, contract, profiles[name], "batch", dt.date.today())
        # pseudonymise() derives the linkage keys, exactly as ingest does
        keyed = pseudonymise(checked.accepted, contract, key)
        frames.append(keyed.drop("_file_name", "_row_number"))
    return pl.concat(frames, how="diagonal_relaxed")


def truth_crimes(data_dir: Path, key: bytes) -> pl.DataFrame:
    """Each planted crime's keyed crime_ref, its planted course (null outside one) and noise."""
    truth = pl.read_parquet(data_dir / "synthetic_truth" / "crimes.parquet")
    courses = pl.read_parquet(data_dir / "synthetic_truth" / "courses_of_conduct.parquet")
    truth = hash_columns(truth, ["crime_ref"], "force_code", key)
    return truth.select(
        "crime_ref",
        pl.when(pl.col("group_kind") == "course").then(pl.col("course_id")).alias("course_id"),
        "group_kind",
        "name_decoy",
    ).join(
        courses.select("course_id", "noise", "planted_as", "n_crimes"), on="course_id", how="left"
    )


def exact_rule_pairs(crimes: pl.DataFrame) -> pl.DataFrame:
    """Today's rule: the pair is (force, victim reference, suspect reference), both present."""
    return crimes.select(
        "crime_ref",
        pl.when(pl.col("victim_ref").is_not_null() & pl.col("suspect_ref").is_not_null())
        .then(pl.concat_str("force_code", "victim_ref", "suspect_ref", separator="|"))
        .alias("pair_id"),
    )


def components(crime_refs: pl.Series, predictions: pl.DataFrame, threshold: float) -> pl.DataFrame:
    """Connected components of the predictions at or above `threshold` (for the sweep)."""
    index = {ref: i for i, ref in enumerate(crime_refs.to_list())}
    edges = predictions.filter(pl.col("match_probability") >= threshold)
    left = np.array([index[r] for r in edges["crime_ref_l"].to_list()], dtype=np.int64)
    right = np.array([index[r] for r in edges["crime_ref_r"].to_list()], dtype=np.int64)
    n = len(index)
    graph = coo_matrix((np.ones(left.size), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return pl.DataFrame({"crime_ref": crime_refs, "pair_id": labels.astype(np.int64)})


@dataclass(frozen=True)
class Scores:
    detected: int
    correct: int
    planted: int
    recalled: int

    @property
    def precision(self) -> float:
        return self.correct / self.detected if self.detected else float("nan")

    @property
    def recall(self) -> float:
        return self.recalled / self.planted if self.planted else float("nan")


def score(courses: pl.DataFrame, truth: pl.DataFrame) -> pl.DataFrame:
    """Per detected course: its best planted course and whether it is the correct detection of
    it. Per planted course: recalled or not. Returned as two frames in one (kind column)."""
    members = (
        courses.with_row_index("detected_id")
        .select("detected_id", "crimes", pl.col("crime_refs").alias("crime_ref"))
        .explode("crime_ref")
        .join(truth.select("crime_ref", "course_id"), on="crime_ref", how="left")
    )
    best = (
        members.group_by("detected_id", "crimes", "course_id")
        .len()
        .sort("len", "course_id", descending=[True, False], nulls_last=True)
        .group_by("detected_id", maintain_order=True)
        .first()
        .with_columns(
            (pl.col("course_id").is_not_null() & (pl.col("len") == pl.col("crimes"))).alias("pure")
        )
        .sort("pure", "crimes", "detected_id", descending=[True, True, False])
        .with_columns(
            (pl.col("pure") & pl.col("detected_id").is_first_distinct().over("course_id")).alias(
                "correct"
            )
        )
    )
    return best.select("detected_id", "course_id", "correct")


def scores(courses: pl.DataFrame, truth: pl.DataFrame) -> dict[str, Scores]:
    """Overall, by noise type, and by planted kind. For a noise type, precision is over the
    detected courses touching a crime of a course with that noise."""
    best = score(courses, truth)
    planted = truth.filter(pl.col("course_id").is_not_null()).unique("course_id")
    recalled = set(best.filter(pl.col("correct"))["course_id"].to_list())
    touching = (
        courses.with_row_index("detected_id")
        .select("detected_id", pl.col("crime_refs").alias("crime_ref"))
        .explode("crime_ref")
        .join(truth.select("crime_ref", "course_id", "noise", "planted_as"), on="crime_ref")
    )
    groups: dict[str, pl.Expr] = {"all": pl.lit(True)}
    groups |= {t: pl.col("noise").list.contains(t) for t in COURSE_NOISE_TYPES}
    groups["clean"] = pl.col("noise").list.len() == 0
    groups["recognised"] = pl.col("planted_as") == "recognised"
    groups["unrecognised"] = pl.col("planted_as") == "unrecognised"
    out = {}
    for name, condition in groups.items():
        sub = planted.filter(condition)
        if name == "all":
            detected = best
        else:
            ids = touching.filter(condition.fill_null(False))["detected_id"].unique()
            detected = best.filter(pl.col("detected_id").is_in(ids.implode()))
        out[name] = Scores(
            detected=detected.height,
            correct=int(detected["correct"].sum()),
            planted=sub.height,
            recalled=sum(c in recalled for c in sub["course_id"].to_list()),
        )
    return out


def decoy_false_courses(courses: pl.DataFrame, truth: pl.DataFrame) -> dict[str, int]:
    """Detected courses containing a gap-pair or same-name decoy crime."""
    members = (
        courses.with_row_index("detected_id")
        .select("detected_id", pl.col("crime_refs").alias("crime_ref"))
        .explode("crime_ref")
        .join(truth, on="crime_ref")
    )
    return {
        "gap_pair": members.filter(pl.col("group_kind") == "gap_pair")["detected_id"].n_unique(),
        "name_decoy": members.filter(pl.col("name_decoy"))["detected_id"].n_unique(),
    }


def _fmt(x: float) -> str:
    return "n/a" if x != x else f"{x:.3f}"


@dataclass(frozen=True)
class Measured:
    """One synthetic run, linked and scored (Splink and the exact rule beside it)."""

    manifest: dict
    crimes: int
    ours: dict[str, Scores]
    theirs: dict[str, Scores]
    decoys: dict[str, int]
    exact_decoys: dict[str, int]
    decoy_pairs: int
    hidden_crimes: dict[str, int]  # crimes inside courses not recorded as stalking
    cross_force_detected: int
    sweep: list[tuple[float, Scores]]
    read_seconds: float
    link_seconds: float


def hidden_crimes(courses: pl.DataFrame) -> int:
    """The hidden-stalking measure: crimes inside courses none of whose crimes is recorded as
    stalking (8Q)."""
    return int(courses.filter(~pl.col("recognised_as_stalking"))["crimes"].sum())


def measure(data_dir: Path, settings: LinkageSettings) -> Measured:
    window = settings.course_window_days
    manifest = json.loads((data_dir / "synthetic_truth" / "manifest.json").read_text())
    started = time.perf_counter()
    crimes = landed_crimes(data_dir, EVALUATION_KEY)
    truth = truth_crimes(data_dir, EVALUATION_KEY)
    read_seconds = time.perf_counter() - started

    started = time.perf_counter()
    result = link_pairs(crimes, settings, min_probability=min(SWEEP))
    linked = crimes.join(result.pairs, on="crime_ref", how="left")
    probabilistic = chain_courses(linked, "pair_id", window)
    link_seconds = time.perf_counter() - started

    exact = chain_courses(
        crimes.filter(pl.col("offence_code").is_in(settings.course_offences)).join(
            exact_rule_pairs(crimes), on="crime_ref"
        ),
        "pair_id",
        window,
    )
    planted = pl.read_parquet(data_dir / "synthetic_truth" / "courses_of_conduct.parquet")
    sweep = []
    refs = result.pairs["crime_ref"]
    for threshold in SWEEP:
        pairs = components(refs, result.predictions, threshold)
        swept = chain_courses(crimes.join(pairs, on="crime_ref"), "pair_id", window)
        sweep.append((threshold, scores(swept, truth)["all"]))
    return Measured(
        manifest=manifest,
        crimes=crimes.height,
        ours=scores(probabilistic, truth),
        theirs=scores(exact, truth),
        decoys=decoy_false_courses(probabilistic, truth),
        exact_decoys=decoy_false_courses(exact, truth),
        decoy_pairs=truth.filter(pl.col("name_decoy")).height // 2,
        hidden_crimes={
            "planted": int(
                planted.filter(pl.col("planted_as") == "unrecognised")["n_crimes"].sum()
            ),
            "Splink": hidden_crimes(probabilistic),
            "exact rule": hidden_crimes(exact),
        },
        cross_force_detected=probabilistic.filter(pl.col("forces").list.len() > 1).height,
        sweep=sweep,
        read_seconds=read_seconds,
        link_seconds=link_seconds,
    )


def _run_name(m: Measured) -> str:
    return f"seed {m.manifest['seed']}, scale {m.manifest['scale']}"


def figures(runs: list[Measured], settings: LinkageSettings) -> str:
    """The figures block: the first run in full, then every run in one table."""
    first = runs[0]
    ours, theirs = first.ours, first.theirs
    lines = [
        FIGURES_BEGIN,
        "",
        f"Synthetic run ({_run_name(first)}, {len(first.manifest['quarters'])} quarters): "
        f"{first.crimes:,} crimes, {ours['all'].planted:,} planted courses; Splink at match "
        f"probability {settings.threshold_match_probability} (linkage/settings.yaml). Linking "
        f"and chaining took {first.link_seconds:.1f} s (reading and keying the landed files "
        f"{first.read_seconds:.1f} s).",
        "",
        "| planted courses | n | exact rule precision | exact rule recall | "
        "Splink precision | Splink recall |",
        "|---|---|---|---|---|---|",
    ]
    for name in ours:
        lines.append(
            f"| {name} | {ours[name].planted:,} | {_fmt(theirs[name].precision)} | "
            f"{_fmt(theirs[name].recall)} | {_fmt(ours[name].precision)} | "
            f"{_fmt(ours[name].recall)} |"
        )
    hidden = first.hidden_crimes
    lines += [
        "",
        f"Detected courses: Splink {ours['all'].detected:,}, exact rule "
        f"{theirs['all'].detected:,}. Containing a gap-pair crime (same pair, over 12 months "
        f"apart): Splink {first.decoys['gap_pair']}, exact {first.exact_decoys['gap_pair']}; "
        f"containing a same-name decoy crime: Splink {first.decoys['name_decoy']} of "
        f"{first.decoy_pairs:,} decoy pairs, exact {first.exact_decoys['name_decoy']}. "
        f"Cross-force courses detected by Splink: {first.cross_force_detected:,}.",
        "",
        f"Crimes inside courses none of whose crimes is recorded as stalking (the hidden-stalking "
        f"measure): planted {hidden['planted']:,}, Splink {hidden['Splink']:,} "
        f"({hidden['Splink'] / hidden['planted']:.3f} of planted), exact rule "
        f"{hidden['exact rule']:,} ({hidden['exact rule'] / hidden['planted']:.3f}).",
        "",
        "Threshold trade-off (same trained model, clusters re-formed at each threshold):",
        "",
        "| match probability | detected | precision | recall |",
        "|---|---|---|---|",
    ]
    for threshold, s in first.sweep:
        marker = " (configured)" if threshold == settings.threshold_match_probability else ""
        lines.append(
            f"| {threshold}{marker} | {s.detected:,} | {_fmt(s.precision)} | {_fmt(s.recall)} |"
        )
    lines += [
        "",
        "Every run measured (same settings; the lowest recall over the noise types and the "
        "kinds, and the same-name decoys that became courses):",
        "",
        "| run | crimes | planted | exact rule P / R | Splink P / R | lowest recall | "
        "cross_force R | dob_missing R | decoy courses | hidden crimes, Splink / planted |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for m in runs:
        lowest = min((k for k in m.ours if k != "all"), key=lambda k: m.ours[k].recall)
        lines.append(
            f"| {_run_name(m)} | {m.crimes:,} | {m.ours['all'].planted:,} | "
            f"{_fmt(m.theirs['all'].precision)} / {_fmt(m.theirs['all'].recall)} | "
            f"{_fmt(m.ours['all'].precision)} / {_fmt(m.ours['all'].recall)} | "
            f"{_fmt(m.ours[lowest].recall)} ({lowest}) | {_fmt(m.ours['cross_force'].recall)} | "
            f"{_fmt(m.ours['dob_missing'].recall)} | {m.decoys['name_decoy']} of "
            f"{m.decoy_pairs:,} | "
            f"{m.hidden_crimes['Splink'] / m.hidden_crimes['planted']:.3f} |"
        )
    lines += ["", FIGURES_END]
    return "\n".join(lines)


def evaluate(data_dirs: list[Path]) -> str:
    """Measure every run; return the figures as Markdown."""
    settings = LinkageSettings.load()
    return figures([measure(d, settings) for d in data_dirs], settings)


def write_doc(doc: Path, figures: str) -> None:
    """Replace the figures block of `doc` (the hand-written text around it stays)."""
    text = doc.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(FIGURES_BEGIN) + ".*?" + re.escape(FIGURES_END), re.S)
    if not pattern.search(text):
        raise SystemExit(f"{doc}: no figures block ({FIGURES_BEGIN} ... {FIGURES_END})")
    doc.write_text(pattern.sub(lambda _: figures, text), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir", type=Path, action="append", required=True, help="repeat for more runs"
    )
    parser.add_argument("--write-doc", type=Path, default=None)
    args = parser.parse_args(argv)
    figures = evaluate(args.data_dir)
    print(figures)
    if args.write_doc:
        write_doc(args.write_doc, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
