"""Files offered to the browser in served mode: the relay and the app's pipe.

Both failures these tests pin down came from CI, where the browser test once saw an export
"canceled": textual-serve's relay gave up after 4 s and then crashed (task_done on an empty
queue), and Textual's web driver can interleave a file chunk with a screen update on its pipe.
"""

from __future__ import annotations

import asyncio
import os
import random
import threading
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from textual.app import App
from textual.drivers.web_driver import WebDriver
from textual_serve._binary_encode import load as binary_load

from optiscope.tui.app import OptiscopeApp
from optiscope.tui.cli import web_downloads
from optiscope.tui.cli.web_downloads import DownloadStalled, PatientDownloads, serve_download
from optiscope.tui.web_driver import WholePacketWebDriver, whole_packet_driver

KEY = "k3y"


class FakeApp:
    """A session's app as the relay sees it: it answers each chunk request from ``script``.

    Each entry is bytes to send, ``"stall"`` to never answer, or ``"close"`` for a session
    that closes (the relay is told as textual-serve tells it: a None chunk)."""

    def __init__(self, downloads: PatientDownloads, script: list[Any], connected: bool = True):
        self.downloads = downloads
        self.script = list(script)
        self.connected = connected
        self.requests = 0

    async def send_meta(self, meta: dict[str, object]) -> bool:
        assert meta["type"] == "deliver_chunk_request" and meta["key"] == KEY
        if not self.connected:
            return False
        self.requests += 1
        step = self.script.pop(0)
        if step == "close":
            await self.downloads._active_downloads[KEY].incoming_chunks.put(None)
        elif step != "stall":
            await self.downloads.chunk_received(KEY, step)
        return True


async def offered(script: list[Any], connected: bool = True, name: str = "run.zip") -> Any:
    downloads = PatientDownloads()
    app = FakeApp(downloads, script, connected)
    await downloads.create_download(
        app_service=app,  # type: ignore[arg-type]
        delivery_key=KEY,
        file_name=name,
        open_method="download",
        mime_type="application/zip",
    )
    return downloads, app


async def collect(downloads: PatientDownloads) -> bytes:
    return b"".join([chunk async for chunk in downloads.download(KEY)])


async def test_the_file_arrives_whole_and_in_order_then_the_offer_ends() -> None:
    downloads, app = await offered([b"PK\x03", b"\x04rest", "text ✓", b""])
    assert await collect(downloads) == b"PK\x03\x04rest" + "text ✓".encode()
    assert app.requests == 4
    assert KEY not in downloads._active_downloads


@pytest.mark.parametrize(
    ("script", "connected", "why"),
    [
        ([b"part", "stall"], True, "no data from the app"),
        ([b"part", "close"], True, "session closed"),
        ([], False, "session closed"),
    ],
    ids=["app-silent", "session-closed", "app-gone"],
)
async def test_a_file_that_stops_short_fails_instead_of_ending_early(
    monkeypatch: pytest.MonkeyPatch, script: list[Any], connected: bool, why: str
) -> None:
    monkeypatch.setattr(web_downloads, "CHUNK_SECONDS", 0.05)
    downloads, _ = await offered(script, connected)
    got: list[bytes] = []
    with pytest.raises(DownloadStalled, match=why):
        async for chunk in downloads.download(KEY):
            got.append(chunk)
    assert got == script[:1] if connected else got == []
    assert KEY not in downloads._active_downloads


async def test_a_slow_chunk_is_waited_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web_downloads, "CHUNK_SECONDS", 2.0)
    downloads, app = await offered([b"first", "stall", b""])
    late = asyncio.get_running_loop().call_later(
        0.3, downloads._active_downloads[KEY].incoming_chunks.put_nowait, b"late"
    )
    assert await collect(downloads) == b"firstlate"
    assert app.requests == 3
    late.cancel()


async def _get(downloads: PatientDownloads) -> tuple[int, dict[str, str], bytes | Exception]:
    app = web.Application()

    async def handler(request: web.Request) -> web.StreamResponse:
        return await serve_download(request, downloads, request.match_info["key"])

    app.router.add_get("/download/{key}", handler)
    async with TestClient(TestServer(app)) as client:
        response = await client.get(f"/download/{KEY}")
        body: bytes | Exception
        try:
            body = await response.read()
        except aiohttp.ClientError as error:
            body = error
        return response.status, dict(response.headers), body


async def test_the_browser_gets_the_file_as_an_attachment_with_its_name() -> None:
    downloads, _ = await offered([b"a" * 70_000, b"b" * 10, b""], name="my run (2).zip")
    status, headers, body = await _get(downloads)
    assert status == 200
    assert body == b"a" * 70_000 + b"b" * 10
    assert headers["Content-Type"] == "application/zip"
    assert headers["Content-Disposition"].startswith("attachment; filename=")
    assert "my%20run%20%282%29.zip" in headers["Content-Disposition"]


async def test_the_browser_sees_a_stalled_file_as_a_failed_transfer_not_a_short_file(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(web_downloads, "CHUNK_SECONDS", 0.05)
    downloads, _ = await offered([b"half a zip", "stall"])
    status, _, body = await _get(downloads)
    assert status == 200  # the headers went out before the stall
    assert isinstance(body, aiohttp.ClientPayloadError), body
    assert "the download of run.zip failed: no data from the app" in caplog.text


async def test_an_unknown_or_finished_download_is_not_found() -> None:
    downloads, _ = await offered([b"x", b""])
    await collect(downloads)
    status, _, body = await _get(downloads)
    assert status == 404
    assert isinstance(body, bytes) and b"optiscope:" in body


# -- the app's side: packets on the pipe --------------------------------------------------------


def _packets(stream: bytes) -> list[tuple[bytes, bytes]]:
    """The stream cut into (type, payload) packets as textual-serve reads it."""
    packets, at = [], 0
    while at < len(stream):
        kind, size = stream[at : at + 1], int.from_bytes(stream[at + 1 : at + 5], "big")
        packets.append((kind, stream[at + 5 : at + 5 + size]))
        at += 5 + size
    return packets


def _race(driver: WebDriver) -> list[tuple[bytes, bytes]]:
    """Two threads write large packets to the driver's pipe while a slow reader drains it."""
    read_end, write_end = os.pipe()
    driver.fileno = write_end
    received = bytearray()

    def drain() -> None:
        while chunk := os.read(read_end, 3000):
            received.extend(chunk)
            if random.random() < 0.3:
                threading.Event().wait(0.0005)  # a server that falls behind: the pipe fills

    def screen() -> None:
        for n in range(40):
            driver.write(f"{n:03d}" + "s" * 90_000)

    def chunks() -> None:
        for n in range(40):
            driver.write_binary_encoded(("deliver_chunk", KEY, bytes([n]) * 70_000))

    reader = threading.Thread(target=drain)
    writers = [threading.Thread(target=screen), threading.Thread(target=chunks)]
    reader.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join(60)
    os.close(write_end)
    reader.join(60)
    os.close(read_end)
    return _packets(bytes(received))


async def test_file_chunks_and_screen_updates_reach_the_pipe_as_whole_packets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The driver's stdin reader is not needed here (and pytest's stdin cannot be polled).
    monkeypatch.setattr("textual.drivers.web_driver.InputReader", lambda: None)
    driver = WholePacketWebDriver(App())
    packets = _race(driver)
    assert len(packets) == 80
    screens = [payload for kind, payload in packets if kind == b"D"]
    chunks = [payload for kind, payload in packets if kind == b"P"]
    assert [s[:3] for s in screens] == [f"{n:03d}".encode() for n in range(40)]
    assert all(s[3:] == b"s" * 90_000 for s in screens)
    assert len(chunks) == 40
    for n, payload in enumerate(chunks):  # decoded as the server decodes them
        assert list(binary_load(payload)) == ["deliver_chunk", KEY, bytes([n]) * 70_000]


def test_the_explorer_uses_the_whole_packet_driver_only_when_served(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert whole_packet_driver(WebDriver) is WholePacketWebDriver
    monkeypatch.setattr("textual.constants.DRIVER", "textual.drivers.web_driver:WebDriver")
    assert OptiscopeApp().driver_class is WholePacketWebDriver
    monkeypatch.setattr("textual.constants.DRIVER", None)
    assert OptiscopeApp().driver_class is not WholePacketWebDriver
