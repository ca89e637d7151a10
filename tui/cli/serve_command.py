"""``optiscope serve``: the explorer in a web browser, one app process per browser session.

textual-serve runs one shell command for every browser session. That command is built here
from setup options validated once, before the server starts (a bad option is one line and
exit 2, as everywhere else), and carries only checked values: a ``--session FILE`` is read
here, on the operator's side, and handed on as a spec string, so no session ever names a
server path. Each session runs ``optiscope --served``: its files stay in a temporary folder
of its own (see ``launch.run_explorer``), and exports and screenshots also go to the
browser as downloads.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
import tempfile
from typing import Any

from optiscope.core.errors import OptiscopeError
from optiscope.core.params import Param

from .host_guard import (
    HostGuard,
    canonical_host,
    loopback_address,
    unspecified_address,
    valid_host_name,
)
from .options import number_type
from .run_command import add_setup_options, resolve_setup
from .session_options import (
    SETUP_DESTS,
    add_session_options,
    refuse_setup_with_lesson,
    session_from_args,
)
from .web_messages import KEY_BURST, KEYS_PER_SECOND, MAX_HEIGHT, MAX_MESSAGE_BYTES, MAX_WIDTH

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
#: Sessions per CPU core: a tab's start costs about a CPU-second (0.8-1.3 measured by
#: benchmarks/bench_serve.py), so a full class opening at once on an idle machine waits about
#: this long, in seconds, for its last screen (on a shared 2-core one, 40 tabs waited 34-37 s).
SESSIONS_PER_CORE = 16
#: Memory counted per session: a tab's app holds ~95 MB at start and ~115 MB at 500x200 after
#: 2000 steps (benchmarks/bench_serve.py); the rest is room for the views it opens.
SESSION_MEGABYTES = 250
#: The most sessions --max-sessions accepts: beyond this, serve more instances (README).
MAX_SESSIONS_LIMIT = 1000
PORT = Param("port", DEFAULT_PORT, "TCP port to listen on", 1, 65535, kind="int")
MAX_SESSIONS = Param(
    "max-sessions", 32, "browser tabs served at once", 1, MAX_SESSIONS_LIMIT, kind="int"
)


def default_max_sessions() -> int:
    """Sessions this machine holds: 16 per core, and no more than half its memory fits."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # no sysconf: count cores only
        memory = 2**62
    by_memory = memory // 2 // (SESSION_MEGABYTES * 2**20)
    return max(1, min((cores or 1) * SESSIONS_PER_CORE, by_memory, MAX_SESSIONS_LIMIT))


def add_serve_parser(sub: Any) -> None:
    serve = sub.add_parser(
        "serve",
        help="serve the explorer to web browsers (each browser session gets its own)",
        description=(
            "Serve the explorer over HTTP with textual-serve: open the printed URL in a "
            "browser. The setup options preload every session. Ctrl+C stops the server."
        ),
    )
    add_setup_options(serve)
    add_session_options(serve)
    serve.add_argument(
        "--lesson", metavar="ID", help="open every session on a lesson (optiscope list lessons)"
    )
    serve.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default {DEFAULT_HOST}; any other needs --public)",
    )
    serve.add_argument(
        "--port",
        type=number_type(PORT),
        default=DEFAULT_PORT,
        help=f"port, 1 to 65535 (default {DEFAULT_PORT})",
    )
    serve.add_argument(
        "--public",
        action="store_true",
        help="allow a --host that is not loopback: anyone who can reach the port can use the app",
    )
    serve.add_argument(
        "--allow-host",
        action="append",
        metavar="NAME",
        help="a host name or address browsers use to reach the server (repeat for several); "
        "pages asking for any other name are refused (this stops DNS rebinding). "
        "Needed with --host 0.0.0.0; loopback names are always served",
    )
    sessions = default_max_sessions()
    serve.add_argument(
        "--max-sessions",
        type=number_type(MAX_SESSIONS),
        default=sessions,
        metavar="N",
        help=f"most browser tabs served at once; more get a 'class is full' page (default "
        f"here {sessions}: {SESSIONS_PER_CORE} per CPU core, as each tab's start takes about a "
        f"CPU-second, and at most one per {SESSION_MEGABYTES} MB of half the memory). Each tab "
        f"is limited to {MAX_WIDTH}x{MAX_HEIGHT} cells, {KEYS_PER_SECOND} keys a second (bursts "
        f"of {KEY_BURST}) and messages of {MAX_MESSAGE_BYTES // 1024} KiB",
    )
    serve.set_defaults(handler=serve_command)


def is_loopback(host: str) -> bool:
    return loopback_address(canonical_host(host))


def session_argv(args: argparse.Namespace) -> list[str]:
    """The options each browser session's app starts with, after checking them all.

    Raises OptiscopeError on a bad option, exactly as ``optiscope`` itself would.
    """
    if args.lesson is not None:
        from optiscope.core.lessons.catalog import get_lesson

        refuse_setup_with_lesson(args)

        return ["--lesson", get_lesson(args.lesson).id]
    session = session_from_args(args)
    if session is not None:
        from optiscope.core.session.spec import to_spec

        session.build()  # resolves every optimizer spec on the surface
        return [f"--spec={to_spec(session)}"]
    resolve_setup(args)
    argv: list[str] = []
    defaults: dict[str, object] = args.setup_defaults
    for dest in SETUP_DESTS:
        value = getattr(args, dest)
        if value == defaults[dest]:
            continue
        # "--opt=value" so that a value starting with "-" stays a value.
        values = value if isinstance(value, list) else [value]
        argv += [f"--{dest}={v}" for v in values]
    return argv


def session_command(args: argparse.Namespace) -> str:
    """The shell command textual-serve runs per browser session: quoted, checked values."""
    command = [sys.executable, "-m", "optiscope", "--served", *session_argv(args)]
    # exec: the process textual-serve waits for and may kill is the app, not a shell.
    return "exec " + shlex.join(command)


def url_of(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def serve_command(args: argparse.Namespace) -> int:
    if not is_loopback(args.host) and not args.public:
        raise OptiscopeError(
            f"--host {args.host} is not a loopback address: anyone who can reach it could use "
            "the app; add --public to allow that"
        )
    for name in args.allow_host or []:
        if not valid_host_name(name):
            raise OptiscopeError(
                f"--allow-host takes a host name or address, without a port; got {name!r}"
            )
    if args.public and unspecified_address(args.host) and not args.allow_host:
        raise OptiscopeError(
            f"--host {args.host} listens on every address: name the one browsers will use "
            "with --allow-host (e.g. --allow-host 192.168.1.5 or --allow-host class.example.org)"
        )
    hosts = HostGuard.serving(args.host, args.allow_host)
    command = session_command(args)
    if not is_loopback(args.host):
        print(
            f"optiscope: warning: serving on {args.host}: anyone who can reach port "
            f"{args.port} can use the app",
            file=sys.stderr,
            flush=True,
        )
    # Every session's temporary folder is made inside this one, removed when serving ends,
    # so even a session that was killed leaves nothing behind.
    root = tempfile.mkdtemp(prefix="optiscope-serve-")
    tmpdir = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = root  # read by the sessions' tempfile; this process's is set
    try:
        from .web_server import OptiscopeServer

        server = OptiscopeServer(
            command,
            args.host,
            args.port,
            url_of(args.host, args.port),
            hosts,
            max_sessions=args.max_sessions,
        )
        server.serve()
    finally:
        if tmpdir is None:
            del os.environ["TMPDIR"]
        else:
            os.environ["TMPDIR"] = tmpdir
        shutil.rmtree(root, ignore_errors=True)
    print("optiscope: server stopped", flush=True)
    return 0
