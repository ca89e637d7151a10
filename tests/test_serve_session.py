"""One tab's messages as ``web_server.Session`` passes them on, without a server or an app:
what reaches the app, and what the operator's console is told."""

from __future__ import annotations

import json
import logging

import pytest
from textual_serve.download_manager import DownloadManager

from optiscope.tui.cli.web_messages import KEY_BURST
from optiscope.tui.cli.web_server import LOGGED_BAD_MESSAGES, Session


class FakeSocket:
    def __init__(self) -> None:
        self.sent: list[object] = []

    async def send_json(self, data: object) -> None:
        self.sent.append(data)

    async def send_str(self, data: str) -> None:
        self.sent.append(data)

    async def send_bytes(self, data: bytes) -> None:
        self.sent.append(data)

    async def close(self) -> None:
        return None


@pytest.fixture
def session() -> tuple[Session, list[tuple[str, object]]]:
    """A session whose app records what it is sent."""
    tab = Session(7, FakeSocket(), "true", DownloadManager(), debug=False)  # type: ignore[arg-type]
    app: list[tuple[str, object]] = []

    async def send_bytes(data: bytes) -> bool:
        app.append(("keys", data))
        return True

    async def set_terminal_size(width: int, height: int) -> None:
        app.append(("resize", (width, height)))

    tab.service.send_bytes = send_bytes  # type: ignore[method-assign]
    tab.service.set_terminal_size = set_terminal_size  # type: ignore[method-assign]
    return tab, app


async def test_every_message_costs_a_key_so_empty_ones_cannot_flood(
    session: tuple[Session, list[tuple[str, object]]], caplog: pytest.LogCaptureFixture
) -> None:
    tab, app = session
    for _ in range(KEY_BURST + 1000):  # sent faster than 200 a second refills
        await tab.take('["stdin", ""]')
    for _ in range(100):
        await tab.take('["resize", {"width": 80, "height": 24}]')
    assert KEY_BURST <= len(app) < KEY_BURST + 100  # the refill during the loop, at most
    assert [r.getMessage() for r in caplog.records] == [
        "session 7: sent more than 4096 keys at once or over 200 a second: the excess is "
        "dropped (said once per session)"
    ]


async def test_sizes_reach_the_app_clamped_and_the_console_hears_of_it_once(
    session: tuple[Session, list[tuple[str, object]]], caplog: pytest.LogCaptureFixture
) -> None:
    tab, app = session
    for width, height in [(20_000, 20_000), (-1, 30), (120, 40)]:
        await tab.take(json.dumps(["resize", {"width": width, "height": height}]))
    assert app == [("resize", (500, 200)), ("resize", (1, 30)), ("resize", (120, 40))]
    assert len(caplog.records) == 1
    assert "asked for a 20000x20000 terminal; it gets 500x200" in caplog.records[0].getMessage()


async def test_a_stream_of_malformed_messages_is_logged_a_few_times_then_quietly(
    session: tuple[Session, list[tuple[str, object]]], caplog: pytest.LogCaptureFixture
) -> None:
    tab, app = session
    caplog.set_level(logging.WARNING)
    for n in range(100):
        await tab.take(f"garbage {n}")
    await tab.take('["stdin", "n"]')
    assert app == [("keys", b"n")]  # the session goes on
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == LOGGED_BAD_MESSAGES + 1
    assert lines[0] == "session 7: ignored a message that is not JSON: 'garbage 0' (9 characters)"
    assert lines[-1].endswith("further malformed messages from this session are ignored silently")
