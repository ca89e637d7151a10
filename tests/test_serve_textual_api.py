"""What ``optiscope serve`` relies on in textual-serve beyond its public API: if an upgrade
changes it, these fail and say what to update (tui/cli/web_server.py, tui/cli/web_messages.py)."""

from __future__ import annotations

import re
import sys
from asyncio.subprocess import Process
from pathlib import Path

import pytest
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager
from textual_serve.server import Server

from optiscope.tui.cli.web_messages import parse_message
from optiscope.tui.cli.web_server import app_process


async def _nothing(*_args: object) -> None:
    return None


@pytest.mark.timeout(30)
async def test_an_app_service_keeps_its_process_where_web_server_reads_it() -> None:
    service = AppService(
        f"exec {sys.executable} -c 'import time; time.sleep(30)'",
        write_bytes=_nothing,
        write_str=_nothing,
        close=_nothing,
        download_manager=DownloadManager(),
    )
    changed = (
        "textual-serve changed: AppService no longer keeps its app process in ._process; "
        "update app_process() in tui/cli/web_server.py, which kills apps that do not quit"
    )
    assert app_process(service) is None, changed
    await service.start(80, 24)
    process = app_process(service)
    try:
        assert isinstance(process, Process) and process.returncode is None, changed
    finally:
        if process is not None:
            process.kill()
            await process.wait()
        await service.stop()


def test_the_page_sends_only_messages_web_messages_understands() -> None:
    """web_messages refuses any message it does not know: a new one in textual-serve's page
    would be dropped with a log line in every session until it is added there."""
    script = (Path(Server("true").statics_path) / "js" / "textual.js").read_text()
    kinds = set(re.findall(r'JSON\.stringify\(\["([a-z_]+)"', script))
    assert kinds == {"stdin", "resize", "ping", "focus", "blur"}, (
        f"textual-serve's page now sends {sorted(kinds)}: teach tui/cli/web_messages.py "
        "the new ones"
    )
    for sample in [
        '["stdin", "n"]',
        '["resize", {"width": 80, "height": 24}]',
        '["ping", "1"]',
        '["focus"]',
        '["blur"]',
    ]:
        parse_message(sample)
