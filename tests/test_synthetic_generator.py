"""The synthetic demo-data generator: determinism, every source and profile, volumes, content
rules, and the planted linkage truth agreeing with what landed.

Files are read back here with a small reader of our own that follows the profile YAMLs, so the
test checks that every profile describes the files written with it, independently of
ingest.readers.
"""

from __future__ import annotations

import io
import json
import sys
import types
import zipfile
from datetime import date
from pathlib import Path

import fastexcel
import polars as pl
import pytest
import yaml

from ingest.records.contracts import EVIDENCE_REF_PATTERN
from ingest.settings import SEEDS_DIR
from synthetic import FinancialQuarter, GeneratorConfig, generate, latest_complete_quarter
from synthetic.__main__ import main
from synthetic.action_plans import SILENT_FORCES
from synthetic.crimes import NAME_DECOY_TOP_NAMES
from synthetic.masip import NEW_PROGRAMMES
from synthetic.masip import SILENT_FORCES as MASIP_SILENT_FORCES
from synthetic.names import SURNAMES
from synthetic.periods import quarters_ending
from synthetic.training import SILENT_FORCES as TRAINING_SILENT_FORCES

SEED = 7
SCALE = 0.02
YEARS = 2
END = "2026/27-Q2"
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
PROFILES_DIR = Path(__file__).resolve().parent.parent / "ingest" / "profiles"
DATE_COLUMNS = {
    "recorded_date",
    "victim_dob",
    "outcome_date",
    "application_date",
    "decision_date",
}
DATETIME_COLUMNS = {"contact_datetime"}
HOOK = "synthetic.published"


# --- helpers ------------------------------------------------------------------------------


class HookSpy(types.ModuleType):
    """Stands in for synthetic.published and records what the generator hands it."""

    def __init__(self) -> None:
        super().__init__(HOOK)
        self.calls: list[tuple[Path, pl.DataFrame, int]] = []

    def write_synthetic_published_tables(self, landing_dir, counts, seed):
        self.calls.append((Path(landing_dir), counts, seed))
        return []


def _generate_with_cli(data_dir: Path, seed: int = SEED) -> HookSpy:
    spy = HookSpy()
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, HOOK, spy)
        args = ["--seed", str(seed), "--scale", str(SCALE), "--years", str(YEARS)]
        args += ["--end-quarter", END, "--data-dir", str(data_dir), "--no-progress"]
        assert main(args) == 0
    return spy


def _profiles() -> dict[str, dict]:
    out = {}
    for path in sorted(PROFILES_DIR.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        out[spec["name"]] = spec
    return out


def _norm(value: object) -> str:
    return "".join(str(value).replace("\ufeff", "").split()).lower()


def _flatten(obj: object, prefix: str = "") -> dict[str, object]:
    if isinstance(obj, dict):
        out: dict[str, object] = {}
        for key, value in obj.items():
            out.update(_flatten(value, f"{prefix}{key}."))
        return out
    return {prefix[:-1]: obj}


def _header_index(rows: list[list[object]], spec: dict) -> int:
    if isinstance(spec.get("header_row", "auto"), int):
        return spec["header_row"] - 1
    wanted = {_norm(c) for c in spec["detect"]}
    for index, row in enumerate(rows[:30]):
        if wanted <= {_norm(c) for c in row if c is not None}:
            return index
    raise AssertionError(f"{spec['name']}: header not found")


def read_back(path: Path, spec: dict) -> pl.DataFrame:
    """A landed file as standard text columns, following its profile."""
    if spec["format"] == "jsonl":
        records = [
            _flatten(json.loads(line))
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        frame = pl.DataFrame(
            {
                key: [None if r.get(key) is None else str(r[key]) for r in records]
                for key in spec["columns"]
            },
            schema=dict.fromkeys(spec["columns"], pl.String),
        )
    elif spec["format"] == "csv":
        encoding = spec.get("encoding", "utf-8")
        text = path.read_bytes().decode("utf-8-sig" if encoding == "utf-8" else encoding)
        rows = [line.split(spec.get("delimiter", ",")) for line in text.splitlines()[:30]]
        frame = pl.read_csv(
            io.StringIO(text), skip_rows=_header_index(rows, spec), infer_schema=False
        )
    else:
        sheet = (
            fastexcel.read_excel(path.read_bytes())
            .load_sheet(spec.get("sheet", 0), header_row=None, dtypes="string")
            .to_polars()
        )
        index = _header_index([list(r) for r in sheet.head(30).iter_rows()], spec)
        header = [
            str(c) if c is not None else f"_blank_{i}" for i, c in enumerate(sheet.row(index))
        ]
        frame = sheet.slice(index + 1)
        frame.columns = header
    by_norm = {_norm(k): v for k, v in spec["columns"].items()}
    frame = frame.select(
        pl.col(c).alias(by_norm[_norm(c)]) for c in frame.columns if _norm(c) in by_norm
    )
    for column, mapping in (spec.get("value_maps") or {}).items():
        lookup = {_norm(k): str(v) for k, v in mapping.items()}
        key = pl.col(column).str.to_lowercase().str.replace_all(r"\s+", "")
        frame = frame.with_columns(
            pl.coalesce(key.replace_strict(lookup, default=None), pl.col(column)).alias(column)
        )
    for column in spec.get("strip_zero_padding", []):
        frame = frame.with_columns(
            pl.col(column).str.replace_all(r"(^|[^0-9])0+([0-9])", "${1}${2}")
        )
    for column, separator in (spec.get("split_list") or {}).items():
        frame = frame.with_columns(pl.col(column).str.replace_all(separator, ";", literal=True))
    if spec.get("derive_offence_code_from_subcode"):
        subcodes = pl.read_csv(SEEDS_DIR / "ref_offence_subcodes.csv", infer_schema=False)
        lookup = dict(zip(subcodes["offence_subcode"], subcodes["offence_code"], strict=True))
        frame = frame.with_columns(
            pl.coalesce(
                "offence_code", pl.col("offence_subcode").replace_strict(lookup, default=None)
            )
        )
    for column in DATE_COLUMNS & set(frame.columns):
        fmt = spec.get("date_format", "%Y-%m-%d")
        frame = frame.with_columns(pl.col(column).str.strptime(pl.Date, fmt))
    for column in DATETIME_COLUMNS & set(frame.columns):
        fmt = spec.get("datetime_format", "%Y-%m-%dT%H:%M:%S")
        frame = frame.with_columns(pl.col(column).str.strptime(pl.Datetime, fmt))
    return frame.with_columns(pl.lit(path.name).alias("_file"))


def _force_codes() -> dict[str, str]:
    """Force code, ONS name or alias (normalised) → force code."""
    forces = pl.read_csv(SEEDS_DIR / "ref_forces.csv", infer_schema=False)
    lookup = {}
    for code, name, aliases in forces.select("force_code", "force_name", "aliases").iter_rows():
        for spelling in [code, name, *(aliases or "").split("|")]:
            if spelling:
                lookup[_norm(spelling)] = code
    return lookup


def _to_force_code(frame: pl.DataFrame) -> pl.DataFrame:
    key = pl.col("force_code").str.to_lowercase().str.replace_all(r"\s+", "")
    return frame.with_columns(key.replace_strict(_force_codes(), default=None).alias("force_code"))


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    data_dir = tmp_path_factory.mktemp("synthetic_a")
    spy = _generate_with_cli(data_dir)
    truth = data_dir / "synthetic_truth"
    manifest = json.loads((truth / "manifest.json").read_text(encoding="utf-8"))
    assignment = pl.read_csv(truth / "profile_assignment.csv")
    profiles = _profiles()
    landed: dict[str, list[pl.DataFrame]] = {source: [] for source in SOURCES}
    profile_of_file: dict[str, str] = {}
    crime_profile = dict(assignment.select("force_code", "force_crimes_profile").iter_rows())
    spo_profile = dict(assignment.select("force_code", "force_spos_profile").iter_rows())
    for source in SOURCES:
        for path in sorted((data_dir / "landing" / source).iterdir()):
            if source == "force_crimes":
                name = crime_profile[path.name.split("_")[3]]
            elif source == "force_spos":
                name = spo_profile[path.name.split("_")[3]]
            else:
                # the national files are the only ones of their source with this extension
                candidates = [
                    n
                    for n, s in profiles.items()
                    if s["source"] == source and path.suffix == "." + s["format"]
                ]
                if source == "helpline_contacts":
                    head = path.read_bytes()[:300].decode("utf-8-sig", errors="ignore")
                    candidates = [
                        n
                        for n in candidates
                        if all(_norm(c) in _norm(head) for c in profiles[n]["detect"])
                    ]
                assert len(candidates) == 1, (path.name, candidates)
                name = candidates[0]
            profile_of_file[path.name] = name
            landed[source].append(read_back(path, profiles[name]))
    frames = {source: pl.concat(parts, how="diagonal") for source, parts in landed.items()}
    for source in ("force_crimes", "force_spos", "cps_returns", "helpline_contacts"):
        frames[source] = _to_force_code(frames[source])
    return {
        "dir": data_dir,
        "spy": spy,
        "manifest": manifest,
        "assignment": assignment,
        "profiles": profiles,
        "profile_of_file": profile_of_file,
        "frames": frames,
        "courses": pl.read_parquet(truth / "courses_of_conduct.parquet"),
        "params": pl.read_csv(truth / "force_parameters.csv"),
    }


# --- periods and CLI ----------------------------------------------------------------------


def test_default_end_quarter_is_latest_complete_financial_quarter():
    assert latest_complete_quarter(date(2026, 11, 29)) == FinancialQuarter(2026, 2)
    assert latest_complete_quarter(date(2026, 4, 1)) == FinancialQuarter(2025, 4)
    assert latest_complete_quarter(date(2026, 3, 31)) == FinancialQuarter(2025, 3)
    quarters = quarters_ending(FinancialQuarter.parse("2026/27-Q2"), 8)
    assert [q.label for q in (quarters[0], quarters[-1])] == ["2024/25-Q3", "2026/27-Q2"]
    assert quarters[-1].start == date(2026, 7, 1) and quarters[-1].end == date(2026, 9, 30)
    assert FinancialQuarter.parse("2025-26_Q4").end == date(2026, 3, 31)
    with pytest.raises(ValueError):
        FinancialQuarter.parse("2025/27-Q1")


def test_cli_rejects_bad_arguments(tmp_path, capsys):
    for bad in (["--scale", "0"], ["--years", "0"], ["--end-quarter", "Q5"]):
        with pytest.raises(SystemExit):
            main([*bad, "--data-dir", str(tmp_path)])
    assert "error" in capsys.readouterr().err


# --- determinism ----------------------------------------------------------------------------


def _generated_files(data_dir: Path) -> dict[str, bytes]:
    roots = [data_dir / "landing" / s for s in SOURCES] + [data_dir / "synthetic_truth"]
    files = {
        str(p.relative_to(data_dir)): p.read_bytes()
        for root in roots
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
    readme = data_dir / "landing" / "SYNTHETIC_DATA_README.txt"
    files[readme.name] = readme.read_bytes()
    return files


def test_same_seed_gives_byte_identical_files(run, tmp_path):
    _generate_with_cli(tmp_path)
    first, second = _generated_files(run["dir"]), _generated_files(tmp_path)
    assert sorted(first) == sorted(second)
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []


def test_another_seed_gives_other_data(run, tmp_path):
    spy = HookSpy()
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, HOOK, spy)
        generate(
            GeneratorConfig(
                seed=SEED + 1,
                scale=0.005,
                years=1,
                end_quarter=FinancialQuarter.parse(END),
                data_dir=tmp_path,
                progress=False,
            )
        )
    name = "SYNTHETIC_force_crimes_E23000001_2026-27_Q2"
    ours = next((run["dir"] / "landing" / "force_crimes").glob(name + ".*")).read_bytes()
    theirs = next((tmp_path / "landing" / "force_crimes").glob(name + ".*")).read_bytes()
    assert ours != theirs


# --- what is produced -------------------------------------------------------------------------


def test_every_source_and_profile_is_produced(run):
    manifest, data_dir = run["manifest"], run["dir"]
    assert manifest["synthetic"] is True
    assert manifest["quarters"][0] == "2024/25-Q3" and manifest["quarters"][-1] == END
    expected_files = {
        "force_crimes": 43 * 8,
        "force_spos": 43 * 8,
        "cps_returns": 8,
        "helpline_contacts": 8,
        "advocacy_caseload": 8,
        "survey_estimates": 1,
        # issue 18 item 5: one national funding return per financial year of the window
        "service_funding": len({q.financial_year for q in _quarters(run)}),
        # One per force but the silent one and financial year ended in the window (2).
        "training_returns": (43 - TRAINING_SILENT_FORCES) * 2,
        "masip_returns": 43 - MASIP_SILENT_FORCES,
    }
    # One return per force and quarter, but for the silent forces and the missed quarters.
    plan_files = manifest["files"]["action_plan_returns"]
    assert (43 - SILENT_FORCES) * 8 * 0.85 <= plan_files < (43 - SILENT_FORCES) * 8
    expected_files["action_plan_returns"] = plan_files
    for source, n_files in expected_files.items():
        names = [p.name for p in (data_dir / "landing" / source).iterdir()]
        assert len(names) == n_files == manifest["files"][source], source
        assert all(n.startswith(f"SYNTHETIC_{source}_") for n in names)
        assert run["frames"][source].height == manifest["rows"][source] > 0, source
    assert set(manifest["files_by_profile"]) == set(run["profiles"])  # every profile used
    assert set(run["profile_of_file"].values()) == set(run["profiles"])
    readme = (data_dir / "landing" / "SYNTHETIC_DATA_README.txt").read_text(encoding="utf-8")
    assert readme.startswith("SYNTHETIC DATA")
    truth = data_dir / "synthetic_truth"
    for name in ("courses_of_conduct.parquet", "profile_assignment.csv", "manifest.json"):
        assert (truth / name).is_file()


def test_profiles_follow_the_schema_and_standard_columns():
    allowed_keys = {
        "name", "source", "description", "format", "encoding", "delimiter", "sheet",
        "header_row", "detect", "columns", "date_format", "datetime_format", "value_maps",
        "strip_zero_padding", "derive_offence_code_from_subcode", "constants", "split_list",
    }  # fmt: skip
    profiles = _profiles()
    for name, spec in profiles.items():
        assert set(spec) <= allowed_keys, name
        assert {"name", "source", "description", "format", "detect", "columns"} <= set(spec)
        targets = list(spec["columns"].values())
        assert len(targets) == len(set(targets)), f"{name}: a standard column listed twice"
        for mapping in (spec.get("value_maps") or {}).values():
            assert all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items())
    for source in SOURCES:
        standard = profiles[f"{source}_standard"]
        assert all(k == v for k, v in standard["columns"].items())
    legacy_crimes = {p["format"] for p in profiles.values() if p["source"] == "force_crimes"}
    assert legacy_crimes == {"csv", "xlsx", "jsonl"}


def test_xlsx_files_carry_synthetic_banner_and_fixed_properties(run):
    for folder in ("force_crimes", "force_spos", "cps_returns"):
        path = next((run["dir"] / "landing" / folder).glob("*.xlsx"))
        reader = fastexcel.read_excel(path.read_bytes())
        for sheet_name in reader.sheet_names:
            sheet = reader.load_sheet(sheet_name, header_row=None, dtypes="string").to_polars()
            assert str(sheet.row(0)[0]).startswith("SYNTHETIC DATA"), (path.name, sheet_name)
        with zipfile.ZipFile(path) as archive:
            core = archive.read("docProps/core.xml").decode()
            assert "2026-10-01T00:00:00Z" in core and "SYNTHETIC" in core
            assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_profile_assignment_and_force_parameters(run):
    assignment = run["assignment"]
    assert assignment.height == 43
    params = run["params"]
    assert (
        params.height == 43 and params["force_code"].to_list() == assignment["force_code"].to_list()
    )
    assert params["stalking_rate_per_1000"].is_between(1.5, 2.5).all()
    assert params["screening_rate_stalking"].is_between(0.4, 0.9).all()
    shares = assignment["force_crimes_profile"].value_counts()
    standard = shares.filter(pl.col("force_crimes_profile") == "force_crimes_standard")
    assert 0.5 <= standard["count"].item() / 43 <= 0.7
    assert shares.height == 4  # the standard and three legacy crime profiles


def test_published_hook_gets_the_crime_counts(run):
    (landing, counts, seed), *rest = run["spy"].calls
    assert rest == [] and seed == SEED and landing == run["dir"] / "landing"
    assert counts.columns == [
        "force_code",
        "financial_year",
        "fy_quarter",
        "offence_code",
        "crimes",
    ]
    assert counts.height == 43 * 8 * 4
    assert counts["crimes"].sum() == run["manifest"]["rows"]["force_crimes"]
    assert set(counts["financial_year"]) == {"2024/25", "2025/26", "2026/27"}
    landed = (
        run["frames"]["force_crimes"]
        .group_by("force_code", "offence_code")
        .agg(pl.len().alias("landed"))
    )
    joined = counts.group_by("force_code", "offence_code").agg(pl.col("crimes").sum())
    joined = joined.join(landed, on=["force_code", "offence_code"], how="left").fill_null(0)
    assert (joined["crimes"] == joined["landed"]).all()


def test_missing_published_module_is_skipped(tmp_path):
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, HOOK, None)  # import raises ImportError
        result = generate(
            GeneratorConfig(
                seed=1,
                scale=0.002,
                years=1,
                end_quarter=FinancialQuarter.parse(END),
                data_dir=tmp_path,
                progress=False,
            )
        )
    assert result.manifest["published_tables"].startswith("skipped")


# --- volumes --------------------------------------------------------------------------------


def test_volumes_scale_with_population(run):
    crimes = run["frames"]["force_crimes"]
    forces = pl.read_csv(SEEDS_DIR / "ref_forces.csv").filter(pl.col("is_territorial"))
    per_force = (
        crimes.group_by("force_code")
        .agg(
            pl.len().alias("all"),
            (pl.col("offence_code") == "8Q").sum().alias("stalking"),
        )
        .join(forces.select("force_code", "population_mid2023"), on="force_code")
        .with_columns(
            (pl.col("stalking") / SCALE / YEARS / pl.col("population_mid2023") * 1000).alias(
                "stalking_per_1000"
            )
        )
    )
    assert per_force.height == 43
    national_per_year = crimes.height / SCALE / YEARS
    assert 520_000 <= national_per_year <= 680_000
    big = per_force.filter(pl.col("population_mid2023") >= 1_000_000)
    assert big["stalking_per_1000"].min() >= 1.2 and big["stalking_per_1000"].max() <= 3.0
    national_rate = per_force["stalking"].sum() / SCALE / YEARS / forces["population_mid2023"].sum()
    assert 1.6 <= national_rate * 1000 <= 2.5
    assert per_force.select(pl.corr("all", "population_mid2023")).item() > 0.95
    spos = run["frames"]["force_spos"].height
    assert 0.008 <= spos / per_force["stalking"].sum() <= 0.035
    contacts_per_100k_year = (
        run["frames"]["helpline_contacts"].height
        / SCALE
        / YEARS
        / forces["population_mid2023"].sum()
    ) * 100_000
    assert 25 <= contacts_per_100k_year <= 65


# --- content rules ---------------------------------------------------------------------------


def test_crime_codes_and_outcome_rules(run):
    crimes = run["frames"]["force_crimes"].with_columns(
        pl.col("outcome_type").cast(pl.Int64),
        pl.col("recorded_date").cast(pl.Date),
        pl.col("outcome_date").cast(pl.Date),
    )
    assert crimes["force_code"].null_count() == 0
    assert set(crimes["offence_code"]) == {"8Q", "8L", "8M", "8R"}
    stalking = crimes.filter(pl.col("offence_code") == "8Q")
    assert set(stalking["offence_subcode"]) <= {"8/65", "8/66", "195/12"}
    assert crimes.filter(pl.col("offence_code") != "8Q")["offence_subcode"].null_count() == (
        crimes.height - stalking.height
    )
    end = date(2026, 9, 30)
    assert crimes["recorded_date"].min() >= date(2024, 10, 1)
    assert crimes["recorded_date"].max() <= end
    assert crimes["outcome_type"].is_between(0, 22).all()
    with_outcome = crimes.filter(pl.col("outcome_type") > 0)
    assert with_outcome["outcome_date"].null_count() == 0
    assert (with_outcome["outcome_date"] >= with_outcome["recorded_date"]).all()
    assert with_outcome["outcome_date"].max() <= end
    assert crimes.filter(pl.col("outcome_type") == 0)["outcome_date"].null_count() == (
        crimes.filter(pl.col("outcome_type") == 0).height
    )
    not_yet = pl.col("outcome_type") == 0
    first_quarter = crimes.filter(pl.col("recorded_date") < date(2025, 1, 1)).select(not_yet.mean())
    last_quarter = crimes.filter(pl.col("recorded_date") >= date(2026, 7, 1)).select(not_yet.mean())
    assert last_quarter.item() > 0.4 > 0.1 > first_quarter.item()  # recent: mostly not yet
    assigned = stalking.filter(pl.col("outcome_type") > 0)
    charge_rate = (assigned["outcome_type"] == 1).mean()
    assert 0.04 <= charge_rate <= 0.16
    evidential = assigned["outcome_type"].is_in([14, 15, 16]).mean()
    assert evidential >= 0.4
    screened = (stalking["screening_completed"] == "Y").mean()
    assert 0.4 <= screened <= 0.9
    assert set(crimes["relationship"]) <= {
        "current_partner", "ex_partner", "family", "acquaintance", "stranger", "unknown",
    }  # fmt: skip
    assert set(crimes["risk_level"]) == {"standard", "medium", "high", "not_assessed"}
    for flag in ("domestic_flag", "cyber_flag", "screening_completed", "masip_referral"):
        assert set(crimes[flag]) == {"Y", "N"}, flag
    assert crimes["crime_ref"].n_unique() == crimes.height


def test_direct_identifiers_are_present_for_pseudonymisation(run, tmp_path):
    crimes = run["frames"]["force_crimes"].with_columns(
        pl.col("recorded_date").cast(pl.Date), pl.col("victim_dob").cast(pl.Date)
    )
    assert crimes["victim_name"].null_count() == 0
    with_suspect = crimes.filter(pl.col("suspect_ref").is_not_null())
    assert with_suspect["suspect_name"].null_count() == 0
    assert 0.05 <= crimes["suspect_ref"].null_count() / crimes.height <= 0.3
    dob = crimes.filter(pl.col("victim_dob").is_not_null())
    assert dob.height / crimes.height >= 0.75
    age = (pl.col("recorded_date") - pl.col("victim_dob")).dt.total_days() / 365.25
    ages = dob.select(age.alias("age"))["age"]
    assert ages.is_between(16, 75).mean() >= 0.85 and ages.min() >= 10
    cp1252 = [
        path
        for path in (run["dir"] / "landing" / "force_crimes").glob("*.csv")
        if run["profile_of_file"][path.name] == "force_crimes_legacy_cp1252_csv"
    ]
    raw = b"".join(p.read_bytes() for p in cp1252)
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # really cp1252, not UTF-8
    text = raw.decode("cp1252")
    assert "’" in text and "é" in text and "\r\n" in text
    assert "008/0" in text and "008Q" in text and ",Yes," in text


def test_spos_cps_helpline_and_advocacy_rules(run):
    frames = run["frames"]
    spo = frames["force_spos"]
    assert spo["spo_ref"].n_unique() == spo.height
    pending = spo["decision"] == "pending"
    assert (spo["decision_date"].is_null() == pending).all()
    decided = spo.filter(~pending)
    assert (decided["decision_date"] >= decided["application_date"]).all()
    assert set(spo["order_type"]) == {"interim", "full"}
    assert set(spo["decision"]) <= {"granted", "refused", "withdrawn", "pending"}
    assert spo["breach_count"].cast(pl.Int64).min() >= 0
    linked = spo.filter(pl.col("crime_ref").is_not_null())
    assert linked.height > 0
    stalking_refs = frames["force_crimes"].filter(pl.col("offence_code") == "8Q")
    hits = linked.join(stalking_refs, on=["force_code", "crime_ref"], how="semi")
    assert hits.height == linked.height  # every linked order points at that force's 8Q crime

    cps = frames["cps_returns"].with_columns(
        pl.col(c).cast(pl.Int64)
        for c in ("pre_charge_decisions", "charged", "prosecutions_completed", "convictions")
    )
    assert cps.height == 43 * 8 * 4
    assert cps["force_code"].null_count() == 0
    assert set(cps["offence_act"]) == {"PHA1997_s2A", "PHA1997_s4A", "PHA1997_s2", "PHA1997_s4"}
    assert set(cps["fy_quarter"]) == {"Q1", "Q2", "Q3", "Q4"}
    assert (cps["charged"] <= cps["pre_charge_decisions"]).all()
    assert (cps["convictions"] <= cps["prosecutions_completed"]).all()
    london = cps.filter(pl.col("force_code") == "E23000001")["cps_area"].unique().to_list()
    assert london == ["London North and London South"]
    police_charges = (
        frames["force_crimes"]
        .filter((pl.col("outcome_type") == "1") & pl.col("offence_code").is_in(["8Q", "8L", "8M"]))
        .height
    )
    assert 0.8 <= cps["charged"].sum() / police_charges <= 1.25
    stalking_acts = cps.filter(pl.col("offence_act").is_in(["PHA1997_s2A", "PHA1997_s4A"]))
    conviction_rate = (
        stalking_acts["convictions"].sum() / stalking_acts["prosecutions_completed"].sum()
    )
    assert 0.6 <= conviction_rate <= 0.92

    contacts = frames["helpline_contacts"]
    assert contacts["contact_id"].n_unique() == contacts.height
    known = contacts["force_code"].is_not_null()
    assert 0.7 <= known.mean() <= 0.9
    assert (known ^ contacts["region"].is_not_null()).all()  # force or region, never both
    assert 0.55 <= (contacts["answered"] == "Y").mean() <= 0.85
    parts = contacts["referred_to"].str.split(";").explode()
    assert set(parts) <= {"isac", "paladin", "masip", "police", "none"}
    assert set(contacts["channel"]) == {"phone", "email", "webchat"}

    caseload = frames["advocacy_caseload"].with_columns(
        pl.col(c).cast(pl.Int64)
        for c in (
            "referrals_received",
            "cases_opened",
            "cases_closed",
            "open_cases_end",
            "waiting_list_end",
        )
    )
    assert caseload["month"].n_unique() == 24
    assert set(caseload["force_code"]) == set(cps["force_code"])
    per_service = caseload.group_by("service_name").agg(pl.col("force_code").n_unique())
    assert per_service["force_code"].max() > 1  # some services serve several forces
    for column in ("referrals_received", "open_cases_end", "waiting_list_end"):
        assert caseload[column].min() >= 0
    assert (caseload["advocate_fte"].cast(pl.Float64) > 0).all()


def test_action_plan_returns_follow_their_contract(run):
    plans = run["frames"]["action_plan_returns"]
    ids = set(pl.read_csv(SEEDS_DIR / "ref_recommendations.csv")["recommendation_id"])
    assert set(plans["recommendation_id"]) == ids
    assert plans["force_code"].n_unique() == 43 - SILENT_FORCES
    key = ["force_code", "financial_year", "fy_quarter", "recommendation_id"]
    assert plans.select(key).is_unique().all()
    assert set(plans["status"]) == {"not_started", "in_progress", "implemented", "not_accepted"}
    implemented = plans.filter(pl.col("status") == "implemented")
    assert implemented["evidence_ref"].str.contains(EVIDENCE_REF_PATTERN).all()
    published = plans["plan_published"] == "Y"
    assert (plans["plan_published_date"].is_null() == ~published).all()
    # A status, and a plan's date, are as at the end of the return's quarter.
    ends = {q.financial_year + q.fy_quarter: q.end.isoformat() for q in _quarters(run)}
    end = (pl.col("financial_year") + pl.col("fy_quarter")).replace_strict(ends)
    assert plans.filter(pl.col("status_date") > end).is_empty()
    assert plans.filter(pl.col("plan_published_date") > end).is_empty()
    # Some forces published by the requested date, some later, some not at all.
    by_force = plans.group_by("force_code").agg(pl.col("plan_published_date").min())
    dates = by_force["plan_published_date"]
    assert (dates <= "2024-11-30").sum() > 0 and (dates > "2024-11-30").sum() > 0
    assert dates.null_count() > 0


def test_survey_estimates_cover_each_whole_12_months_of_the_window(run):
    survey = run["frames"]["survey_estimates"].with_columns(
        pl.col(c).cast(pl.Float64) for c in ("estimate_pct", "lower_pct", "upper_pct")
    )
    # One estimate per 12 months ending on the last month of the 4th quarter or later.
    ends = [f"{q.end:%Y-%m}" for q in _quarters(run)[3:]]
    assert survey["period_end"].to_list() == ends
    assert set(survey["survey"]) == {"csew"}
    assert (survey["lower_pct"] < survey["estimate_pct"]).all()
    assert (survey["estimate_pct"] < survey["upper_pct"]).all()
    assert survey["estimate_pct"].is_between(1, 6).all()
    assert survey["population_base"].cast(pl.Int64).n_unique() == 1


def test_service_funding_pays_for_the_caseloads_posts(run):
    """Issue 18 item 5: each service area's funded FTE in a year, over its funders, is the mean
    of the caseload's monthly funded posts; funders are seed codes; capacity follows the posts."""
    from ingest.reference import funding_source_lookup
    from synthetic.advocacy import CASES_PER_FTE

    funding = run["frames"]["service_funding"].with_columns(
        pl.col("funding_gbp", "advocate_fte").cast(pl.Float64),
        pl.col("caseload_capacity").cast(pl.Int64),
    )
    assert set(funding["funding_source"]) <= set(funding_source_lookup().values())
    assert (funding["advocate_fte"] > 0).all() and (funding["funding_gbp"] > 0).all()
    capacity = (funding["advocate_fte"] * CASES_PER_FTE).floor().cast(pl.Int64)
    assert (funding["caseload_capacity"] == capacity).all()
    year = {m: q.financial_year for q in _quarters(run) for m in q.months}
    posts = (
        run["frames"]["advocacy_caseload"]
        .with_columns(
            pl.col("advocate_fte").cast(pl.Float64),
            pl.col("month").replace_strict(year).alias("financial_year"),
        )
        .group_by("service_name", "force_code", "financial_year")
        .agg(pl.col("advocate_fte").mean().alias("posts"))
    )
    funded = funding.group_by("service_name", "force_code", "financial_year").agg(
        pl.col("advocate_fte").sum(), pl.len().alias("funders")
    )
    joined = posts.join(funded, on=["service_name", "force_code", "financial_year"], how="left")
    assert joined["advocate_fte"].null_count() == 0  # every service area and year is funded
    # Each funder's share is rounded to 0.01 FTE, and shares under 0.005 send no row.
    tolerance = 0.005 * 4 + 1e-9
    assert ((joined["advocate_fte"] - joined["posts"]).abs() <= tolerance).all()


def test_masip_returns_follow_the_planted_programmes(run):
    """A row per returning force and financial year; the forces planted with MASIP referrals
    have a programme all through the window, started in different years; a few other forces
    start one in the last year; nothing but the flag is filled in without a programme."""
    masip = run["frames"]["masip_returns"]
    years = sorted({q.financial_year for q in _quarters(run)})
    assert masip.group_by("force_code").agg(pl.col("financial_year").sort())[
        "financial_year"
    ].to_list() == [years] * (43 - MASIP_SILENT_FORCES)
    joined = masip.join(run["params"].select("force_code", "has_masip"), on="force_code")
    in_place = joined["programme_in_place"] == "Y"
    assert (joined.filter(pl.col("has_masip"))["programme_in_place"] == "Y").all()
    starting = joined.filter(~pl.col("has_masip") & in_place)
    assert starting["force_code"].n_unique() == NEW_PROGRAMMES
    assert set(starting["financial_year"]) == {years[-1]}
    starts = joined.filter(in_place)["start_date"].str.slice(0, 4)
    assert starts.n_unique() >= 3  # programmes started in different years
    blank = joined.filter(~in_place).select("start_date", "funded_places", "lead_agency_code")
    assert blank.null_count().row(0) == (blank.height,) * 3
    lead_agencies = pl.read_csv(SEEDS_DIR / "ref_masip_lead_agencies.csv")["lead_agency_code"]
    assert set(joined.filter(in_place)["lead_agency_code"]) <= set(lead_agencies)
    assert (joined.filter(in_place)["funded_places"].cast(pl.Int64) >= 1).all()


def _quarters(run) -> list[FinancialQuarter]:
    return [FinancialQuarter.parse(label) for label in run["manifest"]["quarters"]]


# --- planted truth --------------------------------------------------------------------------


def test_truth_courses_agree_with_the_landed_files(run):
    courses = run["courses"]
    crimes = run["frames"]["force_crimes"].with_columns(pl.col("recorded_date").cast(pl.Date))
    assert courses.columns == [
        "course_id", "force_code", "forces", "victim_ref", "suspect_ref", "victim_person",
        "suspect_person", "crime_refs", "n_crimes", "first_recorded_date", "last_recorded_date",
        "planted_as", "noise",
    ]  # fmt: skip
    assert set(courses["planted_as"]) == {"recognised", "unrecognised"}
    assert courses["n_crimes"].is_between(2, 5).all()
    assert courses["course_id"].is_unique().all()
    assert (courses["crime_refs"].list.len() == courses["n_crimes"]).all()
    members = courses.explode("crime_refs").rename({"crime_refs": "crime_ref"})
    landed = crimes.select("force_code", "crime_ref", "offence_code", "recorded_date")
    joined = members.drop("force_code").join(landed, on="crime_ref", how="left")
    assert joined["recorded_date"].null_count() == 0  # every truth crime_ref landed
    assert joined.select(pl.col("forces").list.contains(pl.col("force_code")).all()).item()
    per_course = joined.group_by("course_id", "planted_as").agg(
        (pl.col("offence_code") == "8Q").any().alias("has_stalking"),
        (pl.col("recorded_date").max() - pl.col("recorded_date").min())
        .dt.total_days()
        .alias("span"),
    )
    assert per_course.height == courses.height
    assert (per_course["span"] <= 365).all()
    assert (per_course["has_stalking"] == (per_course["planted_as"] == "recognised")).all()


def _truth_crimes(run) -> pl.DataFrame:
    return pl.read_parquet(run["dir"] / "synthetic_truth" / "crimes.parquet")


def test_linkage_noise_is_planted_at_the_documented_rates(run):
    """The noise that hides courses from exact references (docs/SYNTHETIC_DATA.md)."""
    from synthetic import crimes as c

    truth = _truth_crimes(run)
    later = truth.filter((pl.col("group_kind") == "course") & (pl.col("course_position") > 0))
    assert later.height >= 500
    for column, share in (
        ("new_victim_ref", c.NEW_VICTIM_REF_SHARE),
        ("new_suspect_ref", c.NEW_SUSPECT_REF_SHARE),
    ):
        assert abs(later[column].mean() - share) < 0.06, column
    assert 0.01 < truth["victim_name_typo"].mean() < 0.08
    assert truth.filter(pl.col("dob_swapped")).height > 0
    crossing = run["courses"].filter(pl.col("forces").list.len() > 1)
    assert abs(crossing.height / run["courses"].height - c.CROSS_FORCE_SHARE) < 0.04
    # A new reference really is new: a course's crimes carry several victim references.
    courses = truth.filter(pl.col("group_kind") == "course")
    refs = courses.group_by("course_id").agg(pl.col("victim_ref").n_unique())
    assert (refs["victim_ref"] > 1).mean() > 0.2


def test_blank_suspect_references_keep_the_suspect_name(run):
    crimes = run["frames"]["force_crimes"]
    truth = _truth_crimes(run).filter(pl.col("blank_suspect_ref"))
    assert truth.height > 0
    landed = crimes.join(truth.select("force_code", "crime_ref"), on=["force_code", "crime_ref"])
    assert landed.height == truth.height
    assert landed["suspect_ref"].null_count() == landed.height
    assert landed["suspect_name"].null_count() == 0


def test_names_are_written_in_several_formats(run):
    names = run["frames"]["force_crimes"]["victim_name"].drop_nulls()
    comma = names.str.contains(",").mean()
    upper = (names == names.str.to_uppercase()).mean()
    assert 0.1 < comma < 0.4 and 0.05 < upper < 0.3


def test_decoys_look_alike_but_are_not_courses(run):
    """Gap pairs: same references twice, over 12 months apart. Name decoys: consecutive single
    crimes whose victims share name, sex and birth year, and whose suspects share a name."""
    truth = _truth_crimes(run)
    gaps = truth.filter(pl.col("group_kind") == "gap_pair").sort("course_id", "recorded_date")
    spans = gaps.group_by("course_id").agg(
        (pl.col("recorded_date").max() - pl.col("recorded_date").min()).dt.total_days(),
        pl.len(),
    )
    assert spans.height > 0 and (spans["recorded_date"] > 365).all() and (spans["len"] == 2).all()
    assert (
        not truth.filter(pl.col("group_kind") != "course")["course_id"]
        .is_in(run["courses"]["course_id"].implode())
        .any()
    )
    crimes = run["frames"]["force_crimes"].with_columns(pl.col("victim_dob").cast(pl.Date))
    decoys = crimes.join(
        truth.filter(pl.col("name_decoy")).select("force_code", "crime_ref", "victim_person"),
        on=["force_code", "crime_ref"],
    )
    assert decoys.height >= 20
    normalised = decoys.with_columns(
        pl.col("victim_name").str.to_lowercase().str.replace_all(r"[^a-z ]", "").alias("n")
    )
    # Different people: each decoy victim is its own person, yet names repeat among them.
    assert normalised["victim_person"].n_unique() == normalised.height
    assert normalised.select(pl.col("victim_dob").dt.year()).to_series().is_duplicated().any()
    # Namesakes share common names: a decoy's surname is one of the most common (a typo aside).
    common = [s.lower() for s in SURNAMES[:NAME_DECOY_TOP_NAMES]]
    has_common = normalised["n"].str.split(" ").list.eval(pl.element().is_in(common)).list.any()
    assert has_common.mean() > 0.9


def test_the_exact_reference_rule_misses_most_courses(run):
    """The truth is worth testing against: a linker grouping by force, victim and suspect
    references (2+ crimes, within 12 months) recovers under 70% of the planted courses."""
    crimes = run["frames"]["force_crimes"].filter(pl.col("suspect_ref").is_not_null())
    pairs = (
        crimes.group_by("force_code", "victim_ref", "suspect_ref")
        .agg(pl.col("crime_ref"))
        .filter(pl.col("crime_ref").list.len() >= 2)
    )
    exact = {tuple(sorted(r)) for r in pairs["crime_ref"].to_list()}
    planted = {tuple(sorted(r)) for r in run["courses"]["crime_refs"].to_list()}
    assert len(exact & planted) / len(planted) < 0.7
    # ... and no-suspect decoys exist: victims with several crimes and no suspect at all.
    no_suspect = run["frames"]["force_crimes"].filter(
        pl.col("suspect_ref").is_null() & pl.col("suspect_name").is_null()
    )
    assert no_suspect.select("force_code", "victim_ref").is_duplicated().any()


def test_training_coverage_varies_by_force_and_rises_over_years(run):
    returns = run["frames"]["training_returns"].with_columns(
        pl.col("in_scope", "trained").cast(pl.Int64)
    )
    assert set(returns["course_type"]) == set(
        pl.read_csv(SEEDS_DIR / "ref_training_courses.csv")["course_type"]
    )
    assert (returns["trained"] <= returns["in_scope"]).all()
    assert returns.select("force_code", "financial_year", "course_type").is_unique().all()
    coverage = (
        returns.filter(pl.col("course_type").str.starts_with("specialist"))
        .group_by("force_code", "financial_year")
        .agg(coverage=pl.col("trained").sum() / pl.col("in_scope").sum())
        .sort("force_code", "financial_year")
    )
    assert coverage["financial_year"].unique().sort().to_list() == ["2024/25", "2025/26"]
    first = coverage.filter(pl.col("financial_year") == "2024/25")["coverage"]
    later = coverage.filter(pl.col("financial_year") == "2025/26")["coverage"]
    assert first.max() - first.min() > 0.2  # forces differ
    assert (later.to_numpy() > first.to_numpy()).all()  # every force's coverage rises
