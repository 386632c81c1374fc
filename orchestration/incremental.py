"""What an incremental run rebuilds: the dbt models downstream of the sources whose usable
submissions changed since the last successful build, and the steps after them.

The state of the last build (warehouse/build_state.json) holds a fingerprint of the dbt
project and one per source: a digest of the source's ledger records (arrivals, statuses,
validation), which is everything dbt reads about a source besides its raw/ files, and those
files are named by the records. A run whose project changed, or with no state, rebuilds all.

The ledger itself is read by every staging model, and `int_ingest__submission_periods` by
every model in force, so "descendants of the ledger" would be everything. But a per-source
model (one built with the submission macros: `usable_submission_rows`, `rows_of_version`, ...)
reads only its own source's ledger rows; so the walk down the graph does not pass from those
cross-source nodes to a per-source model. A per-source model is rebuilt when its own source
changed (the walk reaches it from `source:raw.<name>`), and the cross-source models themselves
(ingest_ledger, release_coverage, the submission periods) every time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ingest.ledger import Ledger
from ingest.settings import SOURCES, DataPaths

PACKAGE = "stalking_warehouse"
# Cross-source nodes whose rows are keyed by source: per-source models read only their own.
SOURCE_KEYED_NODES = frozenset(
    f"model.{PACKAGE}.{name}"
    for name in (
        "stg_ingest__ledger",
        "int_ingest__submission_periods",
        "int_ingest__superseded_submissions",
    )
)
PER_SOURCE_MACROS = frozenset(
    f"macro.{PACKAGE}.{name}"
    for name in (
        "usable_submission_rows",
        "submission_files",
        "rows_of_version",
        "resubmitted_periods",
    )
)
# Read on every run: any arrival adds a ledger record, a rejection a quarantine record.
ALWAYS_CHANGED = (f"source.{PACKAGE}.ingest.ledger", f"source.{PACKAGE}.ingest.quarantine")
LINKAGE_SOURCE = f"source.{PACKAGE}.linkage.crime_pairs"
LINKED_SOURCE = "force_crimes"  # the linkage step reads it


def state_path(paths: DataPaths) -> Path:
    return paths.warehouse_db.parent / "build_state.json"


def project_fingerprint(manifest: dict) -> str:
    """Changes when any model, test, seed, macro or source definition does."""
    parts = sorted(
        f"{uid}:{node.get('checksum', {}).get('checksum', '')}:{node.get('raw_code', '')}"
        for group in ("nodes", "sources", "macros")
        for uid, node in manifest.get(group, {}).items()
    )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def source_fingerprints(paths: DataPaths) -> dict[str, str]:
    ledger = Ledger(paths.ledger, paths.quarantine, paths.archive)
    records = ledger.records() if any(paths.ledger.glob("*.parquet")) else None
    out = {}
    for source in SOURCES:
        if records is None:
            out[source] = ""
            continue
        rows = records.filter(pl.col("source") == source).sort("record_id")
        out[source] = hashlib.sha256(rows.write_json().encode()).hexdigest()
    return out


@dataclass(frozen=True)
class BuildState:
    project: str
    sources: dict[str, str]

    def save(self, paths: DataPaths) -> None:
        state_path(paths).write_text(json.dumps({"project": self.project, "sources": self.sources}))

    @classmethod
    def load(cls, paths: DataPaths) -> BuildState | None:
        path = state_path(paths)
        if not path.exists() or not paths.warehouse_db.exists():
            return None
        data = json.loads(path.read_text())
        return cls(data["project"], data["sources"])


def changed_sources(before: BuildState | None, now: BuildState) -> set[str] | None:
    """The sources to rebuild from; None: rebuild everything (no state, or new code)."""
    if before is None or before.project != now.project:
        return None
    return {s for s, digest in now.sources.items() if before.sources.get(s) != digest}


def _children(manifest: dict) -> dict[str, list[str]]:
    children: dict[str, list[str]] = {}
    for uid, node in manifest["nodes"].items():
        for parent in node.get("depends_on", {}).get("nodes", []):
            children.setdefault(parent, []).append(uid)
    return children


def _is_per_source(node: dict) -> bool:
    return bool(PER_SOURCE_MACROS & set(node.get("depends_on", {}).get("macros", [])))


def models_to_rebuild(manifest: dict, changed: Iterable[str]) -> set[str]:
    """The unique ids of the models (and seeds, snapshots) whose inputs changed."""
    changed = set(changed)
    start = [f"source.{PACKAGE}.raw.{s}" for s in sorted(changed)] + list(ALWAYS_CHANGED)
    if LINKED_SOURCE in changed:
        start.append(LINKAGE_SOURCE)
    children = _children(manifest)
    seen: set[str] = set()
    todo = list(start)
    while todo:
        node = todo.pop()
        for child in children.get(node, []):
            if child in seen:
                continue
            if node in SOURCE_KEYED_NODES and _is_per_source(manifest["nodes"][child]):
                continue  # reached from its own source if that changed
            seen.add(child)
            todo.append(child)
    return {uid for uid in seen if manifest["nodes"][uid]["resource_type"] == "model"}


@dataclass(frozen=True)
class Plan:
    keys: set  # the Dagster asset keys the run's second part materialises
    state: BuildState  # to save once they are built
    summary: str


def plan(paths: DataPaths, asset_graph, full: bool = False) -> Plan:
    """The assets after ingest that this run must build (asset_graph: the definitions')."""
    import dagster as dg

    from orchestration.dbt_manifest import dbt_project
    from orchestration.defs.linkage_assets import crime_pairs
    from orchestration.defs.warehouse_assets import WarehouseTranslator, warehouse

    manifest = json.loads(dbt_project.manifest_path.read_text())
    now = BuildState(project_fingerprint(manifest), source_fingerprints(paths))
    after_ingest = set(asset_graph.get_all_asset_keys()) - set(
        dg.AssetSelection.groups("ingest").resolve(asset_graph)
    )
    changed = None if full else changed_sources(BuildState.load(paths), now)
    if changed is None:
        return Plan(after_ingest, now, "full build: every model and test")
    if not changed:
        return Plan(set(), now, "nothing new since the last build: the release stands")
    translator = WarehouseTranslator()
    models = models_to_rebuild(manifest, changed)
    rebuild = {translator.get_asset_key(manifest["nodes"][uid]) for uid in models}
    skipped = set(warehouse.keys) - rebuild
    if LINKED_SOURCE not in changed:
        skipped |= set(crime_pairs.keys)
    return Plan(
        after_ingest - skipped,
        now,
        f"incremental: {', '.join(sorted(changed))} changed; {len(models)} of "
        f"{sum(n['resource_type'] == 'model' for n in manifest['nodes'].values())} models "
        "rebuilt with their tests",
    )
