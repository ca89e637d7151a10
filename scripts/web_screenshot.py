"""Save screenshots/web.png: the explorer served by ``optiscope serve``, in headless chromium.

Needs Debian's chromium (apt-get install chromium) and the test extras (playwright):

    python scripts/web_screenshot.py [--steps 20] [--out screenshots/web.png]
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from serving import free_port, start_server, stop, wait_for_line  # noqa: E402

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20, help="steps to take before the shot")
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots" / "web.png")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        print("chromium not found: apt-get install chromium", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    port = free_port()
    process, lines = start_server(["--port", str(port)])
    try:
        url = wait_for_line(lines, r"serving the explorer on (\S+)", 30)[1]
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(url, timeout=15_000)
            page.wait_for_selector("body.-first-byte", timeout=20_000)
            page.focus("textarea.xterm-helper-textarea")
            for _ in range(args.steps):
                page.keyboard.press("n")
            time.sleep(2)  # let the last frame and the fade-in finish
            args.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.out))
            browser.close()
    finally:
        stop(process, signal.SIGINT)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
