"""Tabs opened together start a few at a time (``OptiscopeServer.start_slots``): run
in-process with a stand-in app whose first screen comes a known time after it starts, so the
order is measured, not guessed. One slot here (a server has four per core): the order is plain."""

from __future__ import annotations

import asyncio
import itertools
import shlex
import sys
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from optiscope.tui.cli import web_server
from optiscope.tui.cli.web_server import OptiscopeServer, app_process

#: A Textual app as textual-serve sees it: the prelude line, then after DRAW_AFTER seconds
#: one screen packet (or none with "never"), then it quits when asked.
STAND_IN = """
import os, sys, time
os.write(1, b"__GANGLION__\\n")
if sys.argv[1] != "never":
    time.sleep(float(sys.argv[1]))
    os.write(1, b"D" + (5).to_bytes(4, "big") + b"drawn")
while chunk := os.read(0, 65536):
    if b'"quit"' in chunk:
        break
"""
DRAW_AFTER = 0.4


def stand_in(draw_after: str) -> str:
    return "exec " + shlex.join([sys.executable, "-c", STAND_IN, draw_after])


@pytest.fixture
async def client() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        yield session


async def serve(command: str) -> tuple[OptiscopeServer, TestServer]:
    server = OptiscopeServer(command, "127.0.0.1", 0, "http://127.0.0.1", max_sessions=10)
    server.start_slots = asyncio.Semaphore(1)
    test_server = TestServer(await server.make_app(), host="127.0.0.1")
    await test_server.start_server()
    return server, test_server


async def first_screen(client: aiohttp.ClientSession, url: str, t0: float) -> float:
    async with client.ws_connect(url) as ws:
        async for message in ws:
            if message.type == aiohttp.WSMsgType.BINARY and message.data == b"drawn":
                return time.monotonic() - t0
    raise AssertionError("the tab closed before its screen")


@pytest.mark.timeout(30)
async def test_tabs_opened_together_start_one_after_another(
    client: aiohttp.ClientSession,
) -> None:
    _, test_server = await serve(stand_in(str(DRAW_AFTER)))
    try:
        url = str(test_server.make_url("/ws"))
        t0 = time.monotonic()
        shown = sorted(await asyncio.gather(*(first_screen(client, url, t0) for _ in range(3))))
        # Sharing one slot, each app starts once the one before has drawn: the first
        # screens come DRAW_AFTER apart, not all together at the end.
        gaps = [b - a for a, b in itertools.pairwise(shown)]
        assert all(gap > 0.75 * DRAW_AFTER for gap in gaps), shown
    finally:
        await test_server.close()


@pytest.mark.timeout(30)
async def test_an_app_that_never_draws_holds_the_others_back_only_start_seconds(
    client: aiohttp.ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web_server, "START_SECONDS", 0.5)
    server, test_server = await serve(stand_in("never"))
    try:
        url = str(test_server.make_url("/ws"))
        silent = await client.ws_connect(url)
        await asyncio.sleep(0.1)  # it takes the slot first
        server.command = stand_in(str(DRAW_AFTER))
        t0 = time.monotonic()
        assert await first_screen(client, url, t0) < 0.5 + DRAW_AFTER + 2
        await silent.close()
    finally:
        await test_server.close()


@pytest.mark.timeout(30)
async def test_stopping_ends_the_app_starting_and_starts_none_of_the_tabs_waiting(
    client: aiohttp.ClientSession,
) -> None:
    server, test_server = await serve(stand_in("never"))
    try:
        url = str(test_server.make_url("/ws"))
        tabs = [await client.ws_connect(url) for _ in range(3)]
        await asyncio.sleep(0.3)
        started = [s for s in server.sessions.values() if app_process(s.service) is not None]
        assert len(server.sessions) == 3 and len(started) == 1  # two wait for the slot
        (process,) = [app_process(s.service) for s in started]
        sessions = list(server.sessions.values())
        await server.on_shutdown(test_server.app)
        await asyncio.sleep(0.3)  # the waiting handlers get the slot, and must not start
        assert process is not None and process.returncode is not None
        assert [app_process(s.service) is None for s in sessions] == [False, True, True]
        for tab in tabs:
            await tab.close()
    finally:
        await test_server.close()
