"""``optiscope serve`` end to end: a real server, Debian's chromium, real key presses.

The terminal is drawn on a canvas, so nothing of it is in the DOM. The test reads the app's
state two ways: screenshots of page regions that must change (plot, status line) and must not
(the controls pane, the footer) as keys are pressed, and the SVG screenshot the app offers as
a browser download (key P), whose status line must say the step the keys moved to.

Chromium comes from apt-get (``.ci/run`` installs it), never from Playwright's own download.
Outside CI a missing chromium skips the test; with OPTISCOPE_REQUIRE_BROWSER=1 (set by
``.ci/run``) it fails instead, so CI cannot pass by skipping.
"""

from __future__ import annotations

import hashlib
import html
import os
import queue
import re
import shutil
import subprocess
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from serving import free_port, start_server, stop, wait_for_line

pytestmark = pytest.mark.timeout(180)

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}
STARTUP_SECONDS = 30
DRAW_SECONDS = 20


def _require_browser() -> bool:
    return os.environ.get("OPTISCOPE_REQUIRE_BROWSER") == "1"


def _unavailable(reason: str) -> None:
    if _require_browser():
        pytest.fail(f"{reason} (OPTISCOPE_REQUIRE_BROWSER=1: the browser test must run)")
    pytest.skip(reason)


@dataclass
class Served:
    """A running ``optiscope serve`` and every line it printed so far."""

    process: subprocess.Popen[str]
    url: str
    lines: queue.Queue[str] = field(default_factory=queue.Queue)

    def output(self) -> str:
        out = []
        while not self.lines.empty():
            out.append(self.lines.get_nowait())
        return "".join(out)


@pytest.fixture
def served() -> Iterator[Served]:
    port = free_port()
    process, lines = start_server(["--port", str(port)])
    try:
        match = wait_for_line(lines, r"serving the explorer on (http://\S+)", STARTUP_SECONDS)
        assert match[1] == f"http://127.0.0.1:{port}"
        yield Served(process, match[1], lines)
    finally:
        stop(process)


@pytest.fixture
def browser() -> Iterator[Any]:
    executable = shutil.which("chromium")
    if executable is None:
        _unavailable("Debian's chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as pw:
        try:
            chromium = pw.chromium.launch(
                executable_path=executable, args=CHROMIUM_FLAGS, timeout=30_000
            )
        except Exception as exc:
            pytest.fail(f"chromium at {executable} could not start: {exc}".splitlines()[0])
        try:
            yield chromium
        finally:
            chromium.close()


def wait_until_stable(shot: Callable[[], bytes], seconds: float = DRAW_SECONDS) -> bytes:
    """The screenshot once two in a row, 300 ms apart, are identical."""
    deadline = time.monotonic() + seconds
    last = shot()
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = shot()
        if now == last:
            return now
        last = now
    raise AssertionError(f"the page kept changing for {seconds} s")


def next_download(page: Any, downloads: list[Any], index: int, seconds: float = 15) -> Any:
    """The download number ``index`` (from 0), waiting for it at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while len(downloads) <= index and time.monotonic() < deadline:
        page.wait_for_timeout(100)  # lets Playwright deliver its events
    assert len(downloads) > index, f"no download #{index + 1} within {seconds} s"
    return downloads[index]


def status_line(svg: str) -> str:
    """The text of the SVG line that holds the status ("paused  t 4  loss ...")."""
    lines: dict[str, list[str]] = {}
    for line_id, text in re.findall(r'clip-path="url\(#[\w-]+-line-(\d+)\)">([^<]*)</text>', svg):
        lines.setdefault(line_id, []).append(html.unescape(text).replace("\xa0", " "))
    for parts in lines.values():
        text = "".join(parts)
        if re.search(r"\bt \d+\s+loss", text):
            return text
    raise AssertionError("no status line in the downloaded screenshot")


def test_keys_in_the_browser_step_the_explorer(served: Served, browser: Any) -> None:
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    page = context.new_page()
    downloads: list[Any] = []
    page.on("download", lambda download: downloads.append(download))
    # textual-serve opens each download with window.open: it arrives on a new page.
    context.on("page", lambda popup: popup.on("download", lambda d: downloads.append(d)))

    page.goto(served.url, timeout=15_000)
    start = page.locator("#start")
    if start.is_visible():
        start.click()
    try:
        page.wait_for_selector("body.-first-byte", timeout=DRAW_SECONDS * 1000)
    except Exception as exc:  # playwright's TimeoutError: say what the server printed
        pytest.fail(
            f"the explorer never drew in the page ({exc}); the server said: {served.output()}"
        )
    page.focus("textarea.xterm-helper-textarea")

    width, height = VIEWPORT["width"], VIEWPORT["height"]
    regions = {  # fractions of the page: controls left, plot and table right, footer last
        "controls": (0.0, 0.0, 0.2, 0.55),
        "plot": (0.3, 0.0, 1.0, 0.6),
        "table and status": (0.3, 0.6, 1.0, 0.95),
        "footer": (0.0, 0.97, 1.0, 1.0),
    }

    last: list[bytes] = []

    def shoot() -> dict[str, str]:
        """A digest of each region's pixels once the page has changed (keys were pressed since
        the last call) and then stopped changing."""
        if last:
            deadline = time.monotonic() + DRAW_SECONDS
            while page.screenshot() == last[0] and time.monotonic() < deadline:
                page.wait_for_timeout(100)  # no change at all fails the asserts below
        last[:] = [wait_until_stable(lambda: page.screenshot())]
        shots = {}
        for name, (x0, y0, x1, y1) in regions.items():
            clip = {"x": x0 * width, "y": y0 * height, "width": (x1 - x0) * width}
            clip["height"] = (y1 - y0) * height
            shots[name] = hashlib.sha256(page.screenshot(clip=clip)).hexdigest()
        return shots

    before = shoot()
    for _ in range(5):
        page.keyboard.press("n")
    forward = shoot()
    page.keyboard.press("p")
    back = shoot()

    for name in ("plot", "table and status"):
        assert forward[name] != before[name], f"{name}: five steps forward changed nothing"
        assert back[name] != forward[name], f"{name}: one step back changed nothing"
    for name in ("controls", "footer"):
        assert before[name] == forward[name] == back[name], f"{name} changed on stepping"

    page.keyboard.press("Shift+P")  # the app's screenshot, offered as a download
    download = next_download(page, downloads, 0)
    assert download.suggested_filename.endswith(".svg")
    assert download.failure() is None, f"{download.failure()}; the server said: {served.output()}"
    with open(download.path(), encoding="utf-8") as fh:
        status = status_line(fh.read())
    assert re.search(r"\bt 4\s+loss", status), status

    page.keyboard.press("Shift+E")  # the export: CSV and JSON in one zip
    export = next_download(page, downloads, 1)
    assert export.suggested_filename.endswith(".zip")
    assert export.failure() is None, f"{export.failure()}; the server said: {served.output()}"
    with zipfile.ZipFile(export.path()) as zf:
        assert sorted(Path(n).suffix for n in zf.namelist()) == [".csv", ".json"]

    # Ctrl+C with the session still open: a clean stop, one line, no traceback.
    code = stop(served.process)
    output = served.output()
    context.close()
    assert code == 0, output
    assert "server stopped" in output
    assert "Traceback" not in output, output
