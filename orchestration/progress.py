"""What a person sees while `make pipeline` runs: one line per step, a progress bar, the
step's time and row counts; everything else (Dagster's and dbt's own logs, library output)
goes to a log file under the data directory, named at the end.

`PipelineProgress` is a Dagster logger: Dagster hands it every log record of the run, each
carrying the structured event (step started, asset materialised, step failed...) that the
terminal lines are made from. While the run lasts, the process's own stdout and stderr (and
so every subprocess, dbt included) are redirected into the log file, so nothing but the
progress display reaches the terminal.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import dagster as dg
from dagster._core.events import DagsterEventType
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

# Metadata keys whose values are row counts worth a place on the step's line.
ROW_COUNT_KEYS = ("rows_accepted", "rows_rejected", "dagster/row_count", "rows", "tables")


@dataclass
class StepState:
    started: float
    assets: int = 0
    rows: dict[str, int] = field(default_factory=dict)


def first_sentence(text: str) -> str:
    """The first line of an error message, without the exception's module path."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "unknown error")
    return line if len(line) <= 240 else line[:237] + "..."


class PipelineProgress(logging.Handler):
    """Draws progress from Dagster events; writes every record to the log file."""

    def __init__(self, console: Console, log: IO[str], total_steps: int, total_assets: int):
        super().__init__(level=logging.DEBUG)
        self.console = console
        self.log = log
        self.steps: dict[str, StepState] = {}
        self.failures: list[tuple[str, str]] = []
        self.progress = Progress(
            TextColumn("{task.description:<34}"),
            BarColumn(bar_width=30),
            TextColumn("{task.completed:>3.0f}/{task.total:.0f} assets"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        )
        self.task = self.progress.add_task("starting", total=max(total_assets, 1))
        self.total_steps = total_steps
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))

    def __enter__(self) -> PipelineProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.log.write(self.format(record) + "\n")
            meta = getattr(record, "dagster_meta", None) or {}
            event = meta.get("dagster_event")
            if event is not None:
                self._on_event(event)
        except Exception:  # a display problem must never fail the run
            self.handleError(record)

    def _on_event(self, event) -> None:
        kind, step = event.event_type, event.step_key
        if kind == DagsterEventType.STEP_START:
            self.steps[step] = StepState(started=time.perf_counter())
            self.progress.update(self.task, description=f"running {step}")
        elif kind == DagsterEventType.ASSET_MATERIALIZATION:
            state = self.steps.get(step)
            if state is not None:
                state.assets += 1
                for key, value in event.event_specific_data.materialization.metadata.items():
                    if key in ROW_COUNT_KEYS and isinstance(getattr(value, "value", None), int):
                        state.rows[key.split("/")[-1]] = state.rows.get(key, 0) + value.value
            self.progress.advance(self.task)
        elif kind == DagsterEventType.STEP_SUCCESS:
            self._finish(step, "[green]done[/]")
        elif kind == DagsterEventType.STEP_FAILURE:
            error = event.event_specific_data.error
            reason = first_sentence(error.message if error else "")
            self.failures.append((step, reason))
            self._finish(step, "[red]FAILED[/]", reason)
        elif kind == DagsterEventType.STEP_SKIPPED:
            self.console.print(f"  [yellow]skipped[/] {step} (an upstream step failed)")

    def _finish(self, step: str, status: str, reason: str = "") -> None:
        state = self.steps.pop(step, None)
        seconds = time.perf_counter() - state.started if state else 0.0
        rows = state.rows if state else {}
        counts = ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in rows.items())
        assets = f"{state.assets} assets" if state and state.assets else ""
        detail = "; ".join(x for x in (assets, counts) if x)
        line = f"  {status} {step:<34} {seconds:6.1f} s  {detail}"
        self.console.print(
            line + (f"\n      why: {reason}" if reason else ""), highlight=False, soft_wrap=True
        )


@contextlib.contextmanager
def output_into(log_path: Path) -> Iterator[tuple[Console, IO[str]]]:
    """Send this process's stdout/stderr (and its subprocesses') to `log_path`; yield a console
    on the original terminal for the progress display, and the log file itself."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved_out, saved_err = os.dup(1), os.dup(2)
    terminal = os.fdopen(os.dup(2), "w", buffering=1)
    with log_path.open("w", buffering=1) as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            yield Console(file=terminal, force_terminal=terminal.isatty(), highlight=False), log
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved_out, 1)
            os.dup2(saved_err, 2)
            os.close(saved_out)
            os.close(saved_err)
            terminal.close()


def progress_logger_def(handler: PipelineProgress) -> dg.LoggerDefinition:
    """A Dagster logger that hands every record of the run to `handler`."""

    @dg.logger(description="Progress lines on the terminal; the full log to a file.")
    def _progress(_init_context) -> logging.Logger:
        logger = logging.getLogger(f"stalking.pipeline.{id(handler)}")
        logger.setLevel(logging.DEBUG)
        logger.propagate = False
        logger.handlers = [handler]
        return logger

    return _progress
