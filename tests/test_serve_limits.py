"""``optiscope serve`` protects itself from one tab: a real server, real explorer sessions and
websocket clients on loopback, sending what textual-serve's page sends and what it never would.

Each bad input is followed by a real key, and the test waits for the explorer's step counter
to move: the session (and its app) must have lived through it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import queue
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest
from serving import (
    alive,
    app_pids,
    free_port,
    rss_megabytes,
    start_server,
    stop,
    wait_for_line,
    wait_for_screen,
)

from optiscope.tui.cli.web_server import QUIT_SECONDS

#: Long enough for an explorer's first screen on a shared 2-core machine.
FIRST_SCREEN_SECONDS = 40
#: Memory a server with one or two sessions stays under; unprotected, one tab took 3.5 GB.
SERVER_MEGABYTES = 800


class Server:
    def __init__(self, process: subprocess.Popen[str], lines: queue.Queue[str], port: int):
        self.process, self.lines, self.port = process, lines, port

    def log(self) -> list[str]:
        """The lines printed since the last call."""
        out = []
        while True:
            try:
                out.append(self.lines.get_nowait())
            except queue.Empty:
                return out

    def log_after(self, seconds: float) -> list[str]:
        time.sleep(seconds)
        return self.log()

    def megabytes(self) -> float:
        return rss_megabytes([self.process.pid, *app_pids(self.process.pid)])


@contextlib.contextmanager
def serving(*argv: str) -> Iterator[Server]:
    port = free_port()
    process, lines = start_server(["--port", str(port), *argv])
    try:
        wait_for_line(lines, r"serving the explorer on", 30)
        yield Server(process, lines, port)
    finally:
        assert stop(process, signal.SIGINT) == 0


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with serving() as started:
        yield started


@pytest.fixture
async def client() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        yield session


async def open_tab(client: aiohttp.ClientSession, port: int, query: str = "width=120&height=40"):  # type: ignore[no-untyped-def]
    ws = await client.ws_connect(f"ws://127.0.0.1:{port}/ws?{query}", max_msg_size=0)
    await wait_for_screen(ws, rb"\bt 0\b", FIRST_SCREEN_SECONDS)
    return ws


async def step(ws: Any, to: int) -> None:
    """Press n once: the explorer must show step ``to``."""
    await ws.send_str(json.dumps(["stdin", "n"]))
    await wait_for_screen(ws, rb"\bt %d\b" % to, 20)


def said_by(lines: list[str], notice: str) -> list[str]:
    """Every line about the one session that said ``notice``; lines about the others (an
    earlier test's tab, ending) are theirs."""
    said = [re.match(r"optiscope serve: session (\d+): ", line) for line in lines if notice in line]
    numbers = {match[1] for match in said if match}
    assert len(numbers) == 1, lines
    prefix = f"optiscope serve: session {numbers.pop()}: "
    return [line for line in lines if line.startswith(prefix)]


# -- malformed messages, sizes, keys --------------------------------------------------------------
@pytest.mark.timeout(90)
async def test_a_malformed_message_is_one_log_line_and_the_session_goes_on(
    server: Server, client: aiohttp.ClientSession
) -> None:
    ws = await open_tab(client, server.port)
    server.log()
    bad: list[str | bytes] = [
        "hello",
        "[]",
        '["stdin", 5]',
        '["resize", {}]',
        '["resize", {"width": "wide", "height": -1}]',
        b"\x00\xff\xfe binary garbage",
        "[" * 200_000,  # a huge JSON: 200 KB of nesting
    ]
    for n, message in enumerate(bad, start=1):
        await (ws.send_bytes(message) if isinstance(message, bytes) else ws.send_str(message))
        await step(ws, n)  # the app still takes keys after each one
    lines = said_by(server.log_after(0.3), "ignored a ")
    assert len(lines) == len(bad), lines
    assert all(re.match(r"optiscope serve: session \d+: ignored a ", line) for line in lines)
    await ws.close()


@pytest.mark.timeout(90)
async def test_terminal_sizes_are_clamped_in_the_url_and_in_resize_messages(
    server: Server, client: aiohttp.ClientSession
) -> None:
    ws = await open_tab(client, server.port, "width=100000&height=100000")
    for width, height in [(20_000, 20_000), (-5, 0), (10**30, 10**30)]:
        await ws.send_str(json.dumps(["resize", {"width": width, "height": height}]))
    await ws.send_str(json.dumps(["resize", {"width": 500, "height": 200}]))
    await ws.send_str(json.dumps(["stdin", "n"]))
    screen = await wait_for_screen(ws, rb"\bt 1\b", 30)
    rows = [int(row) for row in re.findall(rb"\x1b\[(\d+);\d+H", screen)]
    # The screen is 200 rows (not 20,000): a step repaints rows down to the status line,
    # which sits just above the footer in row 200.
    assert 190 <= max(rows) <= 200
    assert server.megabytes() < SERVER_MEGABYTES
    lines = said_by(server.log_after(0.3), "terminal; it gets")
    # Said once per session, for the URL's size; the resizes after it are clamped quietly.
    assert len(lines) == 1 and "asked for a 100000x100000 terminal; it gets 500x200" in lines[0]
    await ws.close()


@pytest.mark.timeout(90)
async def test_a_paste_passes_and_a_flood_of_keys_is_dropped_with_one_log_line(
    server: Server, client: aiohttp.ClientSession
) -> None:
    ws = await open_tab(client, server.port)
    server.log()
    # A paste as long as a spec, then 20,000 keys at once: of the burst of 4096, the paste
    # leaves 3796, enough for three of the thousands; the rest is dropped.
    await ws.send_str(json.dumps(["stdin", "n" * 300]))
    for _ in range(20):
        await ws.send_str(json.dumps(["stdin", "n" * 1000]))
    await wait_for_screen(ws, rb"\bt 3300\b", 60)
    await step(ws, 3301)  # the session goes on, and a key passes again
    lines = said_by(server.log_after(0.3), "the excess is dropped")
    assert len(lines) == 1, lines
    await ws.close()


@pytest.mark.timeout(90)
async def test_a_message_over_the_size_cap_closes_only_its_own_session(
    server: Server, client: aiohttp.ClientSession
) -> None:
    flooder, bystander = await open_tab(client, server.port), await open_tab(client, server.port)
    apps = set(app_pids(server.process.pid))
    server.log()
    await flooder.send_str(json.dumps(["stdin", "n" * 3_000_000]))  # 3 MB: 3,000,000 keys
    closed = await flooder.receive(timeout=20)
    while closed.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT):  # screen updates
        closed = await flooder.receive(timeout=20)
    assert closed.type == aiohttp.WSMsgType.CLOSE and closed.data == 1009  # message too big
    await step(bystander, 1)
    deadline = time.monotonic() + 10
    while len(set(app_pids(server.process.pid)) & apps) != 1 and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert len(set(app_pids(server.process.pid)) & apps) == 1  # the flooder's app has ended
    assert server.megabytes() < SERVER_MEGABYTES
    lines = said_by(server.log_after(0.3), "closed: it sent a message over 256 KiB")
    assert len(lines) == 1, lines
    await bystander.close()


@pytest.mark.timeout(30)
@pytest.mark.parametrize("path", ["/static/", "/static/js/", "/static/css", "/static/../"])
def test_static_files_are_served_but_no_directory_is_listed(server: Server, path: str) -> None:
    base = f"http://127.0.0.1:{server.port}"
    with urllib.request.urlopen(f"{base}/static/js/textual.js", timeout=10) as response:
        assert response.status == 200
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(base + path, timeout=10)
    assert refused.value.code in (403, 404)
    assert b"Index of" not in refused.value.read()


# -- how many sessions ----------------------------------------------------------------------------
def _page(port: int) -> tuple[int, str, str | None]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            return response.status, response.read().decode(), None
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode(), refused.headers.get("Retry-After")


@pytest.mark.timeout(90)
async def test_past_max_sessions_the_class_is_full_until_a_tab_closes(
    client: aiohttp.ClientSession,
) -> None:
    with serving("--max-sessions", "2") as server:
        url = f"ws://127.0.0.1:{server.port}/ws?width=80&height=24"
        first, second = await client.ws_connect(url), await client.ws_connect(url)
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect(url)
        assert refused.value.status == 503
        # What the refusal says (the client above keeps no body): ask as a browser does.
        handshake = {
            "Upgrade": "websocket",
            "Connection": "Upgrade",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        }
        async with client.get(url.replace("ws:", "http:"), headers=handshake) as response:
            assert response.status == 503 and response.headers["Retry-After"] == "60"
            said = await response.text()
        assert said == "optiscope: the class is full: 2 sessions are open; try again in a minute"
        status, page, retry = await asyncio.to_thread(_page, server.port)
        assert status == 503 and retry == "60"
        assert "The class is full: 2 sessions are open; try again in a minute" in page
        lines = server.log_after(0.3)
        assert sum("the class is full" in line for line in lines) == 1, lines

        await first.close()  # its app quits; then there is room again
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                third = await client.ws_connect(url)
                break
            except aiohttp.WSServerHandshakeError:
                await asyncio.sleep(0.2)
        else:
            raise AssertionError("no room after a tab closed")
        assert (await asyncio.to_thread(_page, server.port))[0] == 503  # full again
        await second.close()
        await third.close()


# -- stopping ----------------------------------------------------------------------------------
@pytest.mark.timeout(90)
async def test_ctrl_c_ends_every_session_even_one_whose_app_does_not_answer(
    client: aiohttp.ClientSession,
) -> None:
    """The hung app stands for one busy rendering: stopped (SIGSTOP), it reads nothing, so
    only a kill ends it. The signal goes to the server alone, as a service manager sends it:
    the apps hear only from the server."""
    with serving() as server:
        tabs = [await open_tab(client, server.port) for _ in range(2)]
        apps = app_pids(server.process.pid)
        assert len(apps) == 2
        os.kill(apps[0], signal.SIGSTOP)
        started = time.monotonic()
        server.process.send_signal(signal.SIGINT)
        code = await asyncio.to_thread(server.process.wait, QUIT_SECONDS + 10)
        took = time.monotonic() - started
        assert code == 0 and took < QUIT_SECONDS + 4, took
        assert not any(alive(pid) for pid in apps)
        lines = server.log()
        assert any(f"its app did not quit within {QUIT_SECONDS:g} s; killed" in x for x in lines)
        assert lines[-1] == "optiscope: server stopped\n"
        assert not any("Traceback" in line for line in lines), lines
        for tab in tabs:
            await tab.close()


@pytest.mark.parametrize(
    ("cores", "gigabytes", "sessions"),
    [(2, 24, 32), (8, 24, 49), (64, 4, 8), (1, 0.1, 1), (256, 1024, 1000)],
)
def test_the_default_session_cap_fits_the_cores_and_half_the_memory(
    monkeypatch: pytest.MonkeyPatch, cores: int, gigabytes: float, sessions: int
) -> None:
    """16 a core, each counted at 250 MB of half the memory: 24 GB holds 49, 2 cores 32."""
    from optiscope.tui.cli import serve_command

    pages = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": int(gigabytes * 2**30 / 4096)}
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(cores)))
    monkeypatch.setattr(os, "sysconf", pages.__getitem__)
    assert serve_command.default_max_sessions() == sessions
