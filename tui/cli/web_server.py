"""textual-serve's Server as ``optiscope serve`` runs it.

Imported only by ``optiscope serve`` (aiohttp is slow to import). Changes to the stock server:

- one printed line instead of a banner and a log;
- the page's websocket goes back to the address the browser used (a server bound to 0.0.0.0
  would otherwise send browsers to 0.0.0.0), with wss: behind a proxy that ends TLS, and only
  from the page's own origin; a cookie lets a proxy keep a browser on one instance;
- at most ``max_sessions`` sessions at once; past that the page says the class is full;
- every message a tab sends is checked first (``web_messages``): sizes clamped to 500x200,
  keys rate-limited, messages capped in size, a malformed one dropped with one log line;
- Ctrl+C ends every session at once: each app is asked to quit and killed if it has not
  within ``QUIT_SECONDS`` (a busy one does not answer), so stopping takes seconds, leaves no
  process behind and prints no traceback;
- ``/static/`` lists no directories (the stock server does);
- files the app offers are relayed by ``web_downloads`` (the stock relay cancels a download
  after a 4 s pause);
- the page asks no other site for anything (the stock one loads its font from Google).

textual-serve's private parts reached here, and only here: ``AppService._process`` (the app's
process, to kill it). tests/test_serve_textual_api.py fails if it changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import logging
import os
import re
import secrets
import signal
from asyncio.subprocess import Process
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager
from textual_serve.server import Server

from .host_guard import HostGuard
from .web_downloads import PatientDownloads, serve_download
from .web_messages import (
    MAX_MESSAGE_BYTES,
    BadMessage,
    Focus,
    KeyBucket,
    Keys,
    Ping,
    Resize,
    describe,
    parse_message,
    size_from_query,
)

log = logging.getLogger("textual-serve")

#: How long Ctrl+C waits for the open sessions' handlers before cancelling them.
SHUTDOWN_SECONDS = 5.0
#: How long a session's app gets to quit once asked before it is killed.
QUIT_SECONDS = 3.0
#: How long closing a tab's websocket may wait for the browser to answer.
CLOSE_SECONDS = 2.0
#: Malformed messages logged per session: a tab sending a stream of them gets a quiet console.
LOGGED_BAD_MESSAGES = 10
#: What a full server's page and refused websockets tell the browser: when to try again.
RETRY_SECONDS = 60


#: A random name for the browser, only for a reverse proxy to keep it on one instance
#: (``hash $cookie_optiscope_browser``): its session and downloads live there.
BROWSER_COOKIE = "optiscope_browser"
COOKIE_SECONDS = 7 * 24 * 3600


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


def app_process(service: AppService) -> Process | None:
    """The session's app process (None before it starts): textual-serve keeps it private."""
    process: Process | None = service._process
    return process


class Session:
    """One browser tab: its websocket, its app, and what it may still send."""

    def __init__(
        self,
        number: int,
        websocket: web.WebSocketResponse,
        command: str,
        downloads: DownloadManager,
        debug: bool,
    ):
        self.number = number
        self.websocket = websocket
        self.service = AppService(
            command,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,  # type: ignore[arg-type]  # as textual-serve passes it
            download_manager=downloads,
            debug=debug,
        )
        self.keys = KeyBucket()
        self.bad_messages = 0
        self.said: set[str] = set()  # the notices logged once per session
        self._ending = asyncio.Lock()

    def say(self, message: str, *args: object) -> None:
        log.warning(f"session {self.number}: {message}", *args)

    def say_once(self, notice: str, message: str, *args: object) -> None:
        if notice not in self.said:
            self.said.add(notice)
            self.say(message + " (said once per session)", *args)

    async def relay(self) -> None:
        """Pass the tab's messages to its app until the tab closes."""
        async for frame in self.websocket:
            if frame.type == WSMsgType.TEXT:
                await self.take(frame.data)
            elif frame.type == WSMsgType.BINARY:
                self.refuse(f"a binary message, which the page never sends: {describe(frame.data)}")
            elif frame.type == WSMsgType.ERROR:  # aiohttp closes the socket after it
                if getattr(frame.data, "code", None) == WSCloseCode.MESSAGE_TOO_BIG:
                    self.say("closed: it sent a message over %d KiB", MAX_MESSAGE_BYTES // 1024)
                else:
                    self.say("closed: %s", frame.data)

    async def take(self, raw: str) -> None:
        try:
            message = parse_message(raw)
        except BadMessage as bad:
            self.refuse(str(bad))
            return
        if not self.keys.take(max(message.count, 1) if isinstance(message, Keys) else 1):
            self.say_once(
                "flood",
                "sent more than %d keys at once or over %d a second: the excess is dropped",
                self.keys.burst,
                self.keys.rate,
            )
            return
        if isinstance(message, Keys):
            await self.service.send_bytes(message.data)
        elif isinstance(message, Resize):
            self.note_clamp(message)
            await self.service.set_terminal_size(message.width, message.height)
        elif isinstance(message, Ping):
            await self.websocket.send_json(["pong", message.stamp])
        elif isinstance(message, Focus):
            await (self.service.focus() if message.focused else self.service.blur())

    def note_clamp(self, size: Resize) -> None:
        if size.clamped:
            width, height = size.asked
            self.say_once(
                "clamped",
                "asked for a %dx%d terminal; it gets %dx%d",
                width,
                height,
                size.width,
                size.height,
            )

    def refuse(self, reason: str) -> None:
        self.bad_messages += 1
        if self.bad_messages <= LOGGED_BAD_MESSAGES:
            self.say("ignored %s", reason)
        if self.bad_messages == LOGGED_BAD_MESSAGES:
            self.say("further malformed messages from this session are ignored silently")

    async def end(self) -> None:
        """Close the tab's socket and end its app: asked to quit, killed if it has not.

        Safe to call again (the handler and Ctrl+C both do) and to cancel: the kill is not
        awaited, so a cancelled end still leaves no process running.
        """
        async with self._ending:
            process = app_process(self.service)
            stopping = asyncio.ensure_future(self.service.stop())  # sends the app "quit"
            try:
                await asyncio.gather(self._close_socket(), self._wait_for_exit(process))
            finally:
                if process is not None and process.returncode is None:
                    with contextlib.suppress(ProcessLookupError):
                        process.kill()
            # Once the app is gone its output ends, and with it textual-serve's reader.
            try:
                await asyncio.wait_for(stopping, QUIT_SECONDS)
                if process is not None:
                    await asyncio.wait_for(process.wait(), QUIT_SECONDS)
            except TimeoutError:
                self.say("its app did not end within %g s of being killed", QUIT_SECONDS)
            except Exception as error:
                self.say("its app ended with an error: %s", error)

    async def _close_socket(self) -> None:
        if self.websocket.prepared:
            with contextlib.suppress(TimeoutError, ConnectionError):
                await asyncio.wait_for(
                    self.websocket.close(code=WSCloseCode.GOING_AWAY, message=b"session ended"),
                    CLOSE_SECONDS,
                )

    async def _wait_for_exit(self, process: Process | None) -> None:
        if process is None:
            return
        try:
            # Not textual-serve's stop(): its reader swallows a cancel, so a timeout around
            # it could wait forever for an app that never quits.
            await asyncio.wait_for(process.wait(), QUIT_SECONDS)
        except TimeoutError:
            self.say("its app did not quit within %g s; killed", QUIT_SECONDS)


class OptiscopeServer(Server):
    def __init__(
        self,
        command: str,
        host: str,
        port: int,
        url: str,
        hosts: HostGuard | None = None,
        *,
        max_sessions: int,
    ) -> None:
        super().__init__(command, host=host, port=port, title="optiscope")
        self.url = url
        self.hosts = hosts or HostGuard()
        self.max_sessions = max_sessions
        self.sessions: dict[int, Session] = {}
        self.numbers = itertools.count(1)
        self.stopping = False
        self.said_full = False
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
        try:
            web.run_app(
                self.make_app(),
                host=self.host,
                port=self.port,
                handle_signals=False,
                loop=loop,
                print=self._announce,  # called once the socket listens, not before
                shutdown_timeout=SHUTDOWN_SECONDS,
            )
        finally:
            self.kill_leftovers()

    async def make_app(self) -> web.Application:
        """The stock server's routes, with ``/static`` listing no directories."""
        app = web.Application()
        aiohttp_jinja2.setup(app, loader=LocalPageLoader(self.templates_path))
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.static("/static", self.statics_path, show_index=False, name="static"),
            ]
        )
        app.on_shutdown.append(self.on_shutdown)
        return app

    def _announce(self, _banner: str) -> None:
        print(f"optiscope: serving the explorer on {self.url} (Ctrl+C stops)", flush=True)

    async def on_shutdown(self, app: web.Application) -> None:
        """Ctrl+C: end every session at once; each takes at most about ``QUIT_SECONDS``."""
        self.stopping = True
        await asyncio.gather(*(session.end() for session in list(self.sessions.values())))

    def kill_leftovers(self) -> None:
        """Kill any app still running once the event loop is gone (a session that was
        starting when the server stopped): nothing outlives the server."""
        for session in self.sessions.values():
            process = app_process(session.service)
            if process is not None and process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, signal.SIGKILL)

    def refusal(self) -> str | None:
        """Why no new session can open now, or None."""
        if self.stopping:
            return "the server is stopping"
        if len(self.sessions) < self.max_sessions:
            self.said_full = False
            return None
        if not self.said_full:
            self.said_full = True
            log.warning(
                "the class is full: %d sessions are open; new ones are refused until one closes",
                len(self.sessions),
            )
        return f"the class is full: {len(self.sessions)} sessions are open; try again in a minute"

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        refusal = self.hosts.refusal(request.host)
        if refusal is not None:
            log.warning("refused a page: %s", refusal)
            raise web.HTTPForbidden(text=f"optiscope: {refusal}")
        full = self.refusal()
        if full is not None:
            raise web.HTTPServiceUnavailable(
                text=unavailable_page(full),
                content_type="text/html",
                headers={"Retry-After": str(RETRY_SECONDS)},
            )
        self.public_url = f"{page_scheme(request)}://{request.host}"
        response: web.StreamResponse = await super().handle_index(request)
        if BROWSER_COOKIE not in request.cookies:
            response.set_cookie(
                BROWSER_COOKIE,
                secrets.token_urlsafe(12),
                max_age=COOKIE_SECONDS,
                httponly=True,
                samesite="Lax",
            )
        return response

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        return await serve_download(request, self.download_manager, request.match_info["key"])

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One browser session: its own app process, ended and awaited when the page goes."""
        refusal = foreign_request(request, self.hosts)
        if refusal is not None:
            log.warning("refused a session: %s", refusal)
            raise web.HTTPForbidden(text=f"optiscope: {refusal}")
        full = self.refusal()
        if full is not None:
            raise web.HTTPServiceUnavailable(
                text=f"optiscope: {full}", headers={"Retry-After": str(RETRY_SECONDS)}
            )
        size = size_from_query(request.query)
        websocket = web.WebSocketResponse(
            heartbeat=15, max_msg_size=MAX_MESSAGE_BYTES, timeout=CLOSE_SECONDS
        )
        session = Session(
            next(self.numbers), websocket, self.command, self.download_manager, self.debug
        )
        self.sessions[session.number] = session
        try:
            await websocket.prepare(request)
            session.note_clamp(size)
            await session.service.start(size.width, size.height)
            if not self.stopping:  # Ctrl+C while it started: on_shutdown did not see its app
                await session.relay()
        except asyncio.CancelledError:
            pass
        except Exception as error:
            session.say("ended by an error: %s: %s", type(error).__name__, error)
        finally:
            await session.end()
            del self.sessions[session.number]
        return websocket


def page_scheme(request: web.Request) -> str:
    """The scheme the browser used: a proxy that ends TLS says it in X-Forwarded-Proto.

    Trusting the header is safe: it only chooses ws: or wss: in the page sent back to
    whoever sent it. Without it, a page served over https would open an insecure websocket,
    which browsers block.
    """
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return forwarded if forwarded in ("http", "https") else request.scheme


def unavailable_page(reason: str) -> str:
    """The page a browser gets instead of the explorer; it tries again by itself."""
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="{RETRY_SECONDS}">
<title>optiscope: {html.escape(reason)}</title>
<style>body{{background:#0c181f;color:#eee;font:16px menlo,monospace;margin:20vh 10vw}}</style>
</head><body><h1>optiscope</h1><p>{html.escape(reason.capitalize())}.</p>
<p>This page tries again in {RETRY_SECONDS} seconds.</p></body></html>
"""


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
