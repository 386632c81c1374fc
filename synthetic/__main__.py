"""CLI: python -m synthetic --seed 42 --scale 1.0 --years 2 [--end-quarter 2026/27-Q2]
[--data-dir DIR] [--clean] [--no-progress]"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from synthetic.generator import GeneratorConfig, generate
from synthetic.periods import FinancialQuarter, latest_complete_quarter


def _quarter(text: str) -> FinancialQuarter:
    try:
        return FinancialQuarter.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be above 0 (1.0 is national volume)")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m synthetic",
        description=(
            "Write deterministic SYNTHETIC demo data for every source into "
            "<data-dir>/landing/<source>/ and the planted truth into <data-dir>/synthetic_truth/."
        ),
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument(
        "--scale",
        type=_positive_float,
        default=1.0,
        help="volume: 1.0 = national (~600,000 stalking and harassment crimes a year)",
    )
    parser.add_argument(
        "--years",
        type=_positive_int,
        default=2,
        help="financial years of quarters to generate, ending at --end-quarter (default 2)",
    )
    parser.add_argument(
        "--end-quarter",
        type=_quarter,
        default=None,
        help="last financial quarter, e.g. 2026/27-Q2 (default: latest complete quarter, "
        f"now {latest_complete_quarter().label})",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="data directory (default: STALKING_DATA_DIR or ./data)",
    )
    parser.add_argument(
        "--clean",
        action="store_true",
        help="first delete earlier SYNTHETIC_ files in landing/ and the synthetic_truth/ folder",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    config = GeneratorConfig(
        seed=args.seed,
        scale=args.scale,
        years=args.years,
        end_quarter=args.end_quarter,
        data_dir=args.data_dir,
        progress=not args.no_progress,
        clean=args.clean,
    )
    started = time.perf_counter()
    result = generate(config)
    seconds = time.perf_counter() - started
    manifest = result.manifest
    print(
        f"SYNTHETIC data written to {result.paths.landing} in {seconds:.1f} s "
        f"(seed {manifest['seed']}, scale {manifest['scale']}, "
        f"{manifest['quarters'][0]} to {manifest['quarters'][-1]})",
        file=sys.stderr,
    )
    for source, n_rows in manifest["rows"].items():
        print(
            f"  {source:<20} {n_rows:>10,} rows in {manifest['files'][source]:>4} files",
            file=sys.stderr,
        )
    print(f"  planted truth in {result.paths.truth}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
