"""The synthetic demo-data generator: every record-level and aggregate source, in the national
standard and legacy export profiles, plus the planted truth the pipeline's tests check against.

Deterministic: the same seed and arguments give byte-identical files. Every file is marked
synthetic (SYNTHETIC_ file names, XLSX banners and document properties, a landing README).
"""

from __future__ import annotations

import importlib
import json
import logging
import shutil
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from tqdm import tqdm

from ingest.settings import DataPaths, data_paths
from synthetic import (
    action_plans,
    advocacy,
    cps,
    funding,  # issue 18 item 5
    helpline,
    masip,
    spos,
    survey,
    training,
)
from synthetic.common import (
    GENERATOR_VERSION,
    SYNTHETIC_PREFIX,
    day_number,
    load_forces,
    load_stalking_subcodes,
    stream,
)
from synthetic.crimes import (
    OFFENCES,
    PHA_ACTS,
    STANDARD_COLUMNS,
    TRUTH_COLUMNS,
    cross_force_arrivals,
    generate_force_crimes,
    no_suspect_repeat_victims,
    planted_courses,
    with_arrivals,
)
from synthetic.params import force_parameters
from synthetic.periods import FinancialQuarter, latest_complete_quarter, quarters_ending
from synthetic.profiles import STANDARD_PROFILE, Profile, assign_profiles, load_profiles
from synthetic.writers import SYNTHETIC_NOTICE, landing_file, write_export, write_text

log = logging.getLogger(__name__)

SOURCES = (
    "force_crimes",
    "force_spos",
    "cps_returns",
    "helpline_contacts",
    "advocacy_caseload",
    "action_plan_returns",
    "survey_estimates",
    "service_funding",  # issue 18 item 5
    "training_returns",
    "masip_returns",
)
PUBLISHED_HOOK_MODULE = "synthetic.published"

LANDING_README = """\
SYNTHETIC DATA - NOT REAL

Every file in this landing area whose name begins with SYNTHETIC_ was written by the project's
synthetic demo-data generator (python -m synthetic). The crimes, people, names, dates of
birth, references, orders, prosecutions, helpline contacts, advocacy caseloads, action-plan
returns (against a synthetic list of recommendations), survey estimates, training returns,
MASIP returns and services' funding and capacity they hold are invented. They describe no real
person or case and must never be presented as statistics.

Volumes follow published figures only in broad size (see docs/SYNTHETIC_DATA.md).

seed={seed} scale={scale} quarters={first} to {last}
The planted truth (courses of conduct, profile assignment, force parameters) is in
synthetic_truth/ beside landing/, outside anything the pipeline ingests.
"""


@dataclass(frozen=True)
class GeneratorConfig:
    seed: int = 42
    scale: float = 1.0
    years: int = 2
    end_quarter: FinancialQuarter | None = None  # default: latest complete quarter
    data_dir: Path | None = None  # default: ingest.settings.data_paths()
    progress: bool = True
    clean: bool = False  # remove earlier SYNTHETIC_ landing files and the truth first

    def resolved_end_quarter(self) -> FinancialQuarter:
        return self.end_quarter or latest_complete_quarter()

    def paths(self) -> DataPaths:
        return DataPaths(Path(self.data_dir).resolve()) if self.data_dir else data_paths()


@dataclass
class GenerationResult:
    paths: DataPaths
    manifest: dict[str, Any]
    counts: pl.DataFrame = field(repr=False)


def _banner_period(quarter: FinancialQuarter) -> str:
    return (
        f"{quarter.financial_year} {quarter.fy_quarter} "
        f"({quarter.start:%d/%m/%Y} to {quarter.end:%d/%m/%Y})"
    )


def _force_spelling(forces_frame: pl.DataFrame, profile: Profile) -> dict[str, str] | None:
    how = profile.quirks.get("force_as", "code")
    if how == "code":
        return None
    codes = forces_frame["force_code"].to_list()
    names = forces_frame["force_name"].to_list()
    if how == "name":
        return dict(zip(codes, names, strict=True))
    aliases = forces_frame["aliases"].to_list()
    return {
        code: (alias.split("|")[0] if alias else name)
        for code, name, alias in zip(codes, names, aliases, strict=True)
    }


def _respell_force(frame: pl.DataFrame, mapping: dict[str, str] | None) -> pl.DataFrame:
    if mapping is None:
        return frame
    return frame.with_columns(pl.col("force_code").replace(mapping))


def _clean(paths: DataPaths) -> None:
    for source in SOURCES:
        folder = paths.landing / source
        if folder.is_dir():
            for path in sorted(folder.glob(SYNTHETIC_PREFIX + "*")):
                path.unlink()
    if paths.truth.is_dir():
        shutil.rmtree(paths.truth)


def generate(config: GeneratorConfig) -> GenerationResult:
    if config.scale <= 0:
        raise ValueError("--scale must be above 0 (1.0 is national volume)")
    if config.years < 1:
        raise ValueError("--years must be 1 or more")
    seed, scale = int(config.seed), float(config.scale)
    end_quarter = config.resolved_end_quarter()
    quarters = quarters_ending(end_quarter, 4 * config.years)
    if end_quarter.end >= date.today():
        log.warning(
            "end quarter %s has not ended yet: files will hold dates after today, which ingest "
            "rejects as future dates",
            end_quarter.label,
        )
    paths = config.paths()
    if config.clean:
        _clean(paths)
    landing, truth_dir = paths.landing, paths.truth
    for source in SOURCES:
        (landing / source).mkdir(parents=True, exist_ok=True)
    truth_dir.mkdir(parents=True, exist_ok=True)
    # the extract date: every file describes the data as at the end of the end quarter
    extracted = datetime.combine(end_quarter.end + timedelta(days=1), time())

    forces = load_forces()
    params = force_parameters(seed, forces)
    profiles = load_profiles()
    assignment = assign_profiles(seed, forces)
    subcodes = load_stalking_subcodes()
    prefixes = forces.abbreviation()
    q_start_days = np.array([day_number(q.start) for q in quarters], dtype=np.int64)
    window_end_day = day_number(end_quarter.end)

    rows: dict[str, int] = dict.fromkeys(SOURCES, 0)
    files: dict[str, int] = dict.fromkeys(SOURCES, 0)
    rows_by_profile: dict[str, int] = {}
    files_by_profile: dict[str, int] = {}

    def record(source: str, profile: Profile, n_rows: int) -> None:
        rows[source] += n_rows
        files[source] += 1
        rows_by_profile[profile.name] = rows_by_profile.get(profile.name, 0) + n_rows
        files_by_profile[profile.name] = files_by_profile.get(profile.name, 0) + 1

    crime_truth, count_frames = [], []

    def force_crimes(i: int) -> pl.DataFrame:
        return generate_force_crimes(
            seed, scale, quarters, forces.codes[i], prefixes[i], params.row(i, named=True), subcodes
        ).crimes

    # A course crossing forces moves crimes from one force's files to another's: a first pass
    # collects the crimes that move (each force's generation is deterministic, so the second
    # pass regenerates the same crimes one force at a time, keeping memory per force).
    arrivals = cross_force_arrivals(
        {
            code: force_crimes(i).filter(pl.col("cross_force"))
            for i, code in enumerate(forces.codes)
        },
        dict(zip(forces.codes, prefixes, strict=True)),
        seed,
    )
    police_charges = np.zeros((len(forces), len(quarters), len(PHA_ACTS)), dtype=np.int64)
    bar = tqdm(
        total=len(forces),
        desc="synthetic force crimes and SPOs",
        unit="force",
        file=sys.stderr,
        disable=not config.progress,
    )
    for i, force_code in enumerate(forces.codes):
        force_name = forces.names[i]
        force_params = params.row(i, named=True)
        assigned = assignment.row(i, named=True)
        crimes = with_arrivals(force_crimes(i), arrivals.pop(force_code))

        # --- crime files, one per quarter -------------------------------------------------
        profile = profiles[assigned["force_crimes_profile"]]
        spelling = _force_spelling(forces.frame, profile)
        by_quarter = crimes.partition_by("quarter_idx", as_dict=True, maintain_order=True)
        for q_idx, quarter in enumerate(quarters):
            part = by_quarter.get((q_idx,), crimes.clear())
            rng = stream(seed, "render", "force_crimes", force_code, quarter.label)
            extra = None
            if profile.name == "force_crimes_legacy_xlsx":
                stations = [f"{prefixes[i]}-ST{k:02d}" for k in range(1, 13)]
                extra = {
                    "Station Code": pl.Series(stations).gather(
                        rng.integers(0, len(stations), part.height)
                    )
                }
            n_written = write_export(
                _respell_force(part.select(STANDARD_COLUMNS), spelling),
                profile,
                landing_file(landing, "force_crimes", [force_code, quarter.file_label], profile),
                banner=[
                    "SYNTHETIC DATA - stalking and harassment crimes recorded (demo extract)",
                    f"Force: {force_name}. Period: {_banner_period(quarter)}.",
                    SYNTHETIC_NOTICE,
                    "Notes: dates are DD/MM/YYYY. Outcome is the Home Office outcome type "
                    "(0 = not yet assigned).",
                ],
                created=extracted,
                rng=rng,
                bom=assigned["standard_csv_bom"] if profile.format == "csv" else None,
                extra_columns=extra,
            )
            record("force_crimes", profile, n_written)

        # --- SPO files, one per quarter ---------------------------------------------------
        spo_frame = spos.generate_force_spos(
            seed, force_code, prefixes[i], force_params, crimes, q_start_days, window_end_day
        )
        spo_profile = profiles[assigned["force_spos_profile"]]
        spo_spelling = _force_spelling(forces.frame, spo_profile)
        spo_by_quarter = spo_frame.partition_by("quarter_idx", as_dict=True, maintain_order=True)
        for q_idx, quarter in enumerate(quarters):
            part = spo_by_quarter.get((q_idx,), spo_frame.clear())
            n_written = write_export(
                _respell_force(part.select(spos.STANDARD_COLUMNS), spo_spelling),
                spo_profile,
                landing_file(landing, "force_spos", [force_code, quarter.file_label], spo_profile),
                banner=[
                    "SYNTHETIC DATA - Stalking Protection Order register",
                    f"Force: {force_name}. Applications made {_banner_period(quarter)}.",
                    SYNTHETIC_NOTICE,
                ],
                created=extracted,
                bom=assigned["standard_csv_bom"] if spo_profile.format == "csv" else None,
            )
            record("force_spos", spo_profile, n_written)

        # --- what other sources and the truth need from the crimes ----------------------
        count_frames.append(
            crimes.group_by("quarter_idx", "offence_code")
            .agg(pl.len().alias("crimes"))
            .with_columns(pl.lit(force_code).alias("force_code"))
        )
        charged = crimes.filter(pl.col("pha_act").is_not_null())
        outcome_q = (
            np.searchsorted(
                q_start_days,
                charged["outcome_date"].cast(pl.Int32).to_numpy().astype(np.int64),
                side="right",
            )
            - 1
        )
        act_of = charged["pha_act"].replace_strict(
            {act: k for k, act in enumerate(PHA_ACTS)}, return_dtype=pl.Int64
        )
        np.add.at(police_charges[i], (outcome_q, act_of.to_numpy()), 1)
        crime_truth.append(
            crimes.select(
                "force_code",
                "crime_ref",
                "recorded_date",
                "offence_code",
                "victim_ref",
                "suspect_ref",
                "outcome_type",
                "outcome_date",
                (pl.col("group_kind") == "course").alias("in_planted_course"),
                *TRUTH_COLUMNS,
            )
        )
        bar.update(1)
    bar.close()

    # --- national files, one per quarter: CPS returns, helpline contacts, advocacy caseload
    n_q = len(quarters)
    cps_frame = cps.generate_cps_returns(seed, forces, quarters, police_charges)
    contacts = helpline.generate_helpline(seed, scale, forces, params, quarters)
    caseload = advocacy.generate_advocacy(seed, scale, forces, params, quarters)
    contacts_by_quarter = contacts.partition_by("quarter_idx", as_dict=True, maintain_order=True)
    national_bar = tqdm(
        quarters,
        desc="synthetic CPS, helpline and advocacy",
        unit="quarter",
        file=sys.stderr,
        disable=not config.progress,
    )
    for q_idx, quarter in enumerate(national_bar):
        older_half = q_idx < n_q // 2
        # The CPS sent its published XLSX tables for the older half of the window and the
        # national standard CSV return since; the helpline charity likewise moved from its
        # old case-management tool's export to the standard.
        profile = profiles[
            "cps_returns_published_xlsx" if older_half else STANDARD_PROFILE["cps_returns"]
        ]
        part = cps_frame.filter(pl.col("quarter_idx") == q_idx).select(cps.STANDARD_COLUMNS)
        n_written = write_export(
            _respell_force(part, _force_spelling(forces.frame, profile)),
            profile,
            landing_file(landing, "cps_returns", [quarter.file_label], profile),
            banner=[
                "SYNTHETIC DATA - Table 1: stalking and harassment offences by CPS Area and "
                "police force area",
                f"Financial year {quarter.financial_year}, Quarter {quarter.quarter}",
                "Offences under the Protection from Harassment Act 1997: s.2 harassment, s.4 "
                "fear of violence, s.2A stalking, s.4A stalking involving fear of violence or "
                "serious alarm or distress.",
                SYNTHETIC_NOTICE,
            ],
            cover=[
                "SYNTHETIC DATA",
                "Quarterly prosecutions return: stalking and harassment (demo data)",
                "Table 1: pre-charge decisions, charges, completed prosecutions and convictions "
                "by CPS Area and police force area.",
                SYNTHETIC_NOTICE,
            ],
            created=extracted,
        )
        record("cps_returns", profile, n_written)

        profile = profiles[
            "helpline_contacts_legacy_csv" if older_half else STANDARD_PROFILE["helpline_contacts"]
        ]
        part = contacts_by_quarter.get((q_idx,), contacts.clear()).select(helpline.STANDARD_COLUMNS)
        n_written = write_export(
            _respell_force(part, _force_spelling(forces.frame, profile)),
            profile,
            landing_file(landing, "helpline_contacts", [quarter.file_label], profile),
            banner=[],
            created=extracted,
        )
        record("helpline_contacts", profile, n_written)

        profile = profiles[STANDARD_PROFILE["advocacy_caseload"]]
        part = caseload.filter(pl.col("quarter_idx") == q_idx).select(advocacy.STANDARD_COLUMNS)
        n_written = write_export(
            part,
            profile,
            landing_file(landing, "advocacy_caseload", [quarter.file_label], profile),
            banner=[],
            created=extracted,
        )
        record("advocacy_caseload", profile, n_written)

    # --- action-plan returns, one file per returning force and quarter --------------------
    profile = profiles[STANDARD_PROFILE["action_plan_returns"]]
    plan_returns = action_plans.generate_action_plans(seed, forces, quarters)
    for (q_idx, force_code), part in sorted(
        plan_returns.partition_by(["quarter_idx", "force_code"], as_dict=True).items()
    ):
        n_written = write_export(
            part.select(action_plans.STANDARD_COLUMNS),
            profile,
            landing_file(
                landing, "action_plan_returns", [force_code, quarters[q_idx].file_label], profile
            ),
            banner=[],
            created=extracted,
        )
        record("action_plan_returns", profile, n_written)

    # --- survey estimates, one national file ------------------------------------------------
    profile = profiles[STANDARD_PROFILE["survey_estimates"]]
    n_written = write_export(
        survey.generate_survey_estimates(seed, scale, forces, quarters),
        profile,
        landing_file(landing, "survey_estimates", ["national"], profile),
        banner=[],
        created=extracted,
    )
    record("survey_estimates", profile, n_written)

    # --- issue 18 item 5: service funding returns, one national file per financial year ----
    profile = profiles[STANDARD_PROFILE["service_funding"]]
    service_funding = funding.generate_funding(seed, caseload, quarters)
    for (year,), part in sorted(
        service_funding.partition_by(["financial_year"], as_dict=True).items()
    ):
        n_written = write_export(
            part,
            profile,
            landing_file(landing, "service_funding", ["national", year.replace("/", "-")], profile),
            banner=[],
            created=extracted,
        )
        record("service_funding", profile, n_written)

    # --- training returns, one file per returning force and financial year ----------------
    profile = profiles[STANDARD_PROFILE["training_returns"]]
    training_returns = training.generate_training(seed, forces, quarters)
    for (force_code, year), part in sorted(
        training_returns.partition_by(["force_code", "financial_year"], as_dict=True).items()
    ):
        n_written = write_export(
            part,
            profile,
            landing_file(
                landing, "training_returns", [force_code, year.replace("/", "-")], profile
            ),
            banner=[],
            created=extracted,
        )
        record("training_returns", profile, n_written)

    # --- MASIP returns, one file per returning force (a row per financial year) ------------
    profile = profiles[STANDARD_PROFILE["masip_returns"]]
    masip_returns = masip.generate_masip_returns(seed, scale, forces, params, quarters)
    for (force_code,), part in sorted(
        masip_returns.partition_by("force_code", as_dict=True).items()
    ):
        n_written = write_export(
            part,
            profile,
            landing_file(landing, "masip_returns", [force_code], profile),
            banner=[],
            created=extracted,
        )
        record("masip_returns", profile, n_written)

    # --- counts for the published-tables hook ----------------------------------------------
    quarter_keys = pl.DataFrame(
        {
            "quarter_idx": list(range(n_q)),
            "financial_year": [q.financial_year for q in quarters],
            "fy_quarter": [q.fy_quarter for q in quarters],
        },
        schema_overrides={"quarter_idx": pl.Int64},
    )
    grid = (
        pl.DataFrame({"force_code": forces.codes})
        .join(quarter_keys, how="cross")
        .join(pl.DataFrame({"offence_code": list(OFFENCES)}), how="cross")
    )
    counts = (
        grid.join(
            pl.concat(count_frames).with_columns(pl.col("quarter_idx").cast(pl.Int64)),
            on=["force_code", "quarter_idx", "offence_code"],
            how="left",
        )
        .with_columns(pl.col("crimes").fill_null(0).cast(pl.Int64))
        .sort("force_code", "quarter_idx", "offence_code")
        .select("force_code", "financial_year", "fy_quarter", "offence_code", "crimes")
    )
    published = _call_published_hook(landing, counts, seed)

    # --- planted truth ----------------------------------------------------------------------
    crime_truth_frame = pl.concat(crime_truth)
    courses_frame = planted_courses(crime_truth_frame)
    courses_frame.write_parquet(truth_dir / "courses_of_conduct.parquet")
    no_suspect_repeat_victims(crime_truth_frame).write_parquet(
        truth_dir / "no_suspect_repeat_victims.parquet"
    )
    crime_truth_frame.write_parquet(truth_dir / "crimes.parquet")
    assignment.write_csv(truth_dir / "profile_assignment.csv")
    params.write_csv(truth_dir / "force_parameters.csv")
    advocacy.services(seed, forces).write_csv(truth_dir / "advocacy_services.csv")
    counts.write_csv(truth_dir / "crime_counts.csv")

    manifest = {
        "synthetic": True,
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "scale": scale,
        "years": config.years,
        "end_quarter": end_quarter.label,
        "quarters": [q.label for q in quarters],
        "extract_date": extracted.date().isoformat(),
        "rows": rows,
        "files": files,
        "rows_by_profile": dict(sorted(rows_by_profile.items())),
        "files_by_profile": dict(sorted(files_by_profile.items())),
        "crimes_by_offence": {
            code: int(counts.filter(pl.col("offence_code") == code)["crimes"].sum())
            for code in OFFENCES
        },
        "courses_of_conduct": {
            "planted": courses_frame.height,
            "recognised": int((courses_frame["planted_as"] == "recognised").sum()),
            "unrecognised": int((courses_frame["planted_as"] == "unrecognised").sum()),
            "crimes_in_courses": int(courses_frame["n_crimes"].sum()),
        },
        "cps_charged_total": int(cps_frame["charged"].sum()),
        "published_tables": published,
        "truth_files": sorted(p.name for p in truth_dir.iterdir() if p.name != "manifest.json"),
    }
    (truth_dir / "manifest.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=False) + "\n", encoding="utf-8"
    )
    write_text(
        landing / "SYNTHETIC_DATA_README.txt",
        LANDING_README.format(
            seed=seed, scale=scale, first=quarters[0].label, last=quarters[-1].label
        ),
    )
    return GenerationResult(paths=paths, manifest=manifest, counts=counts)


def _call_published_hook(landing: Path, counts: pl.DataFrame, seed: int) -> str:
    """Hand the crime counts to synthetic.published (written separately) if present."""
    try:
        module = importlib.import_module(PUBLISHED_HOOK_MODULE)
    except ImportError as error:
        if getattr(error, "name", None) == PUBLISHED_HOOK_MODULE:
            log.info("%s not present: synthetic published tables skipped", PUBLISHED_HOOK_MODULE)
            return "skipped (module not present)"
        log.warning(
            "%s could not be imported (%s): synthetic published tables skipped",
            PUBLISHED_HOOK_MODULE,
            error,
        )
        return f"skipped (import failed: {error})"
    module.write_synthetic_published_tables(landing, counts, seed)
    return "written"
