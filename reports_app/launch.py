"""Start the app: `python -m reports_app.launch [public|restricted]`.

The restricted view (exact counts) listens on 127.0.0.1 unless STALKING_APP_ADDRESS names
another address (e.g. behind a reverse proxy with sign-in: docs/WAREHOUSE.md). Extra
arguments go to `streamlit run` as they are.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"


def command(view: str, extra: list[str]) -> list[str]:
    args = [sys.executable, "-m", "streamlit", "run", str(APP)]
    address = os.environ.get("STALKING_APP_ADDRESS")
    if view == "restricted":
        address = address or "127.0.0.1"
    if address and not any(a.startswith("--server.address") for a in extra):
        args += ["--server.address", address]
    return args + extra


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    view = argv.pop(0) if argv and argv[0] in ("public", "restricted") else "public"
    os.environ["STALKING_APP_VIEW"] = view
    cmd = command(view, argv)
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    main()
