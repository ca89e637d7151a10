"""textual-serve's Server as ``optiscope serve`` runs it.

Imported only by ``optiscope serve`` (aiohttp is slow to import). Changes to the stock server:

- one printed line instead of a banner and a log;
- the page's websocket goes back to the address the browser used (a server bound to 0.0.0.0
  would otherwise send browsers to 0.0.0.0), and only from the page's own origin;
- Ctrl+C closes every open session and waits for its app process to end before the event
  loop closes, so stopping leaves no process behind and prints no traceback;
- files the app offers are relayed by ``web_downloads`` (the stock relay cancels a download
  after a 4 s pause);
- the page asks no other site for anything (the stock one loads its font from Google).
"""

from __future__ import annotations

import asyncio
import logging
import re
import signal
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from .host_guard import HostGuard
from .web_downloads import PatientDownloads, serve_download

log = logging.getLogger("textual-serve")

#: How long Ctrl+C waits for the open sessions' handlers before cancelling them.
SHUTDOWN_SECONDS = 5.0
#: How long a session's app gets to quit once asked before it is killed.
QUIT_SECONDS = 3.0


#: The stock page's stylesheet link to Google Fonts.
THIRD_PARTY_FONTS = re.compile(r"<link\b[^>]*fonts\.googleapis\.com[^>]*>", re.DOTALL)


class LocalPageLoader(jinja2.FileSystemLoader):
    """textual-serve's page without its Google Fonts stylesheet.

    That stylesheet blocks the page until it loads: behind a firewall that drops the request
    (a school network) the explorer stays blank for as long as the browser waits, and every
    visit tells Google who opened it. The page already names local fallbacks (Menlo, the
    browser's monospace); the terminal draws with Roboto Mono only where it is installed.
    """

    def get_source(self, environment: jinja2.Environment, template: str) -> Any:
        source, filename, uptodate = super().get_source(environment, template)
        return THIRD_PARTY_FONTS.sub("", source), filename, uptodate


class OptiscopeServer(Server):
    def __init__(
        self, command: str, host: str, port: int, url: str, hosts: HostGuard | None = None
    ) -> None:
        super().__init__(command, host=host, port=port, title="optiscope")
        self.url = url
        self.sockets: set[web.WebSocketResponse] = set()
        self.hosts = hosts or HostGuard()
        self.download_manager = PatientDownloads()

    def initialize_logging(self) -> None:
        logging.basicConfig(level=logging.WARNING, format="optiscope serve: %(message)s")

    def serve(self, debug: bool = False) -> None:
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        loop.add_signal_handler(signal.SIGINT, self.request_exit)
        loop.add_signal_handler(signal.SIGTERM, self.request_exit)
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            handle_signals=False,
            loop=loop,
            print=self._announce,  # called once the socket listens, not before
            shutdown_timeout=SHUTDOWN_SECONDS,
        )

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        aiohttp_jinja2.setup(app, loader=LocalPageLoader(self.templates_path))
        return app

    async def on_startup(self, app: web.Application) -> None:
        """Nothing to print yet: the socket is not listening until ``_announce``."""

    def _announce(self, _banner: str) -> None:
        print(f"optiscope: serving the explorer on {self.url} (Ctrl+C stops)", flush=True)

    async def on_shutdown(self, app: web.Application) -> None:
        for websocket in list(self.sockets):
            await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"server stopped")

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        refusal = self.hosts.refusal(request.host)
        if refusal is not None:
            log.warning("refused a page: %s", refusal)
            raise web.HTTPForbidden(text=f"optiscope: {refusal}")
        self.public_url = f"{request.scheme}://{request.host}"
        response: web.StreamResponse = await super().handle_index(request)
        return response

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        return await serve_download(request, self.download_manager, request.match_info["key"])

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One browser session: its own app process, ended and awaited when the page goes."""
        refusal = foreign_request(request, self.hosts)
        if refusal is not None:
            log.warning("refused a session: %s", refusal)
            raise web.HTTPForbidden(text=f"optiscope: {refusal}")
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        await websocket.prepare(request)
        self.sockets.add(websocket)
        service = AppService(
            self.command,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,  # type: ignore[arg-type]  # as textual-serve passes it
            download_manager=self.download_manager,
            debug=self.debug,
        )
        try:
            await service.start(width, height)
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            pass
        except Exception as error:
            log.exception(error)
        finally:
            self.sockets.discard(websocket)
            await _end(service)
            await websocket.close()
        return websocket


def foreign_request(request: web.Request, hosts: HostGuard) -> str | None:
    """Why a session request must be refused, or None.

    A browser sends the page's origin with every websocket: another site open in the same
    browser must not be able to start (and drive) an explorer here. The Host must also be one
    this server serves, so a DNS-rebound site (its own name, our address) cannot pass as it.
    """
    host = request.host.lower()
    origin = request.headers.get("Origin")
    if origin is not None and urlsplit(origin).netloc.lower() != host:
        return f"a page from {origin[:80]!r} may not open a session on {host[:80]}"
    return hosts.refusal(host)


async def _end(service: AppService) -> None:
    """Ask the session's app to quit, and wait until its process has ended."""
    process = service._process
    try:
        await asyncio.wait_for(service.stop(), QUIT_SECONDS)
    except TimeoutError:
        pass  # killed below
    except Exception as error:
        log.warning("a session ended with an error: %s", error)
    if process is None:
        return
    if process.returncode is None:
        try:
            await asyncio.wait_for(process.wait(), QUIT_SECONDS)
        except TimeoutError:
            process.kill()
            await process.wait()
