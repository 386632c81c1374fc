"""CI smoke check: the demo app's first page renders in headless Chromium with its banner.

Usage: python .ci/page_check.py URL TEXT [SCREENSHOT.png]. Exits non-zero, saying why, when the
page shows an exception or the text never appears.
"""

from __future__ import annotations

import sys

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main(url: str, text: str, screenshot: str | None = None) -> int:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(url, wait_until="domcontentloaded", timeout=60_000)
        try:
            page.get_by_text(text, exact=False).first.wait_for(timeout=90_000)
        except Exception:
            print(f"page check FAILED: {url} never showed {text!r}", file=sys.stderr)
            print(page.inner_text("body")[:2000], file=sys.stderr)
            return 1
        try:  # let the script finish its run (the "Running..." status goes away)
            page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=120_000)
        except Exception:
            print("page check: the page was still running after 120 s", file=sys.stderr)
        errors = page.locator("[data-testid='stException']").count()
        if screenshot:
            page.screenshot(path=screenshot, full_page=True)
        browser.close()
    if errors:
        print(f"page check FAILED: {url} shows {errors} exception(s)", file=sys.stderr)
        return 1
    print(f"page check passed: {url} shows {text!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
