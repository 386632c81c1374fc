"""`make pipeline`: run the full_pipeline job through Dagster over whatever is in landing/.

Runs in process against a persistent Dagster instance under the data directory, so the run,
its asset materialisations and check results show in `make ui` afterwards. The terminal shows
one line per step (orchestration.progress); the full log goes to
<data dir>/logs/pipeline-<time>.log, named at the end.

full_pipeline runs in two parts in the one process: ingest (with its blocking checks), then
only what the new files change (orchestration.incremental: the dbt models downstream of the
changed sources with their tests, linkage if the crimes changed, the audit, the release). With
--full, or when the dbt project changed or no earlier build is recorded, the second part is
everything. Nothing new: nothing after ingest runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time

from ingest.lock import data_dir_lock
from ingest.settings import data_paths
from orchestration import incremental
from orchestration.dbt_manifest import prepare_manifest
from orchestration.progress import (
    PipelineProgress,
    first_sentence,
    output_into,
    progress_logger_def,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.run_pipeline")
    parser.add_argument("--job", default="full_pipeline", help="Dagster job to run")
    parser.add_argument(
        "--full", action="store_true", help="rebuild and test every model, not only what changed"
    )
    args = parser.parse_args(argv)

    paths = data_paths().ensure()
    os.environ["STALKING_DATA_DIR"] = str(paths.root)
    os.environ.setdefault("DAGSTER_HOME", str(paths.dagster_home))
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    paths.dagster_home.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    log_path = paths.root / "logs" / f"pipeline-{stamp}-{os.getpid()}.log"
    started = time.perf_counter()

    with output_into(log_path) as (console, log):
        console.print(f"{args.job}: data dir {paths.root}")
        stage = "preparing the dbt manifest"
        try:
            prepare_manifest()
            stage = "loading the Dagster definitions"
            import dagster as dg

            from orchestration.definitions import defs

            job = defs.resolve_job_def(args.job)
            assets = len(defs.resolve_asset_graph().get_all_asset_keys())
            console.print(f"  ready in {time.perf_counter() - started:.1f} s; {assets} assets")
            handler = PipelineProgress(console, log, len(job.nodes_in_topological_order), assets)
            job = job.with_logger_defs({"progress": progress_logger_def(handler)})
            stage = "running the job"
            # One run per data dir, held from ingest to publish (the ingest steps re-enter it).
            with data_dir_lock(paths.root), handler, dg.DagsterInstance.get() as instance:

                def execute(selection=None):
                    return job.execute_in_process(
                        run_config={"loggers": {"progress": {}}},
                        instance=instance,
                        raise_on_error=False,
                        asset_selection=selection,
                    )

                if args.job != "full_pipeline":
                    result = execute()
                else:
                    graph = defs.resolve_asset_graph()
                    ingest = dg.AssetSelection.groups("ingest").resolve(graph)
                    result = execute(sorted(ingest))
                    if result.success:
                        plan = incremental.plan(paths, graph, full=args.full)
                        console.print(f"  {plan.summary}")
                        if plan.keys:
                            result = execute(sorted(plan.keys))
                        if result.success:
                            plan.state.save(paths)
        except Exception as error:  # outside any step: say where, why, and the log
            log.write(f"\n{type(error).__name__}: {error}\n")
            import traceback

            traceback.print_exc(file=log)
            console.print(
                f"[red]{args.job} FAILED[/] while {stage}: {first_sentence(str(error))}\n"
                f"  full log: {log_path}"
            )
            return 1
        seconds = time.perf_counter() - started
        if not result.success:
            failed = handler.failures or [("(no step)", "the run did not succeed")]
            for step, reason in failed:
                console.print(f"[red]{args.job} FAILED[/] at step {step}: {reason}")
            console.print(f"  after {seconds:.0f} s; full log: {log_path}")
            return 1
        console.print(
            f"[green]{args.job} succeeded[/] in {seconds:.0f} s\n"
            f"  public file: {paths.public_db}\n  restricted file: {paths.restricted_db}\n"
            f"  full log: {log_path}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
