"""Start and stop ``optiscope serve`` in tests: bounded waits, the whole process group ended.

Import as ``from serving import ...`` (pytest puts ``tests/`` on sys.path).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Any


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(args: list[str]) -> tuple[subprocess.Popen[str], queue.Queue[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "optiscope.tui.cli.main", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,  # its own process group: the sessions' apps die with it
    )
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return process, lines


def wait_for_line(lines: queue.Queue[str], pattern: str, seconds: float) -> re.Match[str]:
    deadline = time.monotonic() + seconds
    seen: list[str] = []
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        seen.append(line)
        if match := re.search(pattern, line):
            return match
    raise AssertionError(f"no line matching {pattern!r} in {seconds} s; got {''.join(seen)!r}")


def stop(process: subprocess.Popen[str], sig: int = signal.SIGINT) -> int | None:
    """Ctrl+C the server's process group; kill it if it has not ended in 10 s."""
    if process.poll() is None:
        os.killpg(process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):  # the sessions' apps too, whatever happened
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    return process.returncode


# -- websocket sessions, as textual-serve's page opens them ----------------------------------
#: Escape sequences and OSC strings in the screen data: what is left is the text drawn.
_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][0-9A-Za-z]")
#: The explorer's step counter in its status line ("paused  t 0  loss ...").
STEP = re.compile(rb"\bt (\d+)\b")


def screen_text(data: bytes) -> bytes:
    return _ESCAPES.sub(b"", data)


async def wait_for_screen(ws: Any, pattern: bytes, seconds: float) -> bytes:
    """Screen data until its text matches ``pattern``; the text so far in the error if not.

    Only the last 64 KiB is searched: a screen fits, and a long run stays linear."""
    import aiohttp

    data = b""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            message = await asyncio.wait_for(ws.receive(), left)
        except TimeoutError:
            break
        if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
            raise AssertionError(f"the session closed ({message.data}) before {pattern!r}")
        if message.type == aiohttp.WSMsgType.BINARY:
            data = (data + message.data)[-65536:]
            if re.search(pattern, screen_text(data)):
                return data
    raise AssertionError(f"no {pattern!r} on screen in {seconds} s; got {screen_text(data)!r}")


def app_pids(server_pid: int) -> list[int]:
    """The sessions' app processes: the server's children (``exec`` makes each the app)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == server_pid:
                    pids.append(int(entry))
    return pids


def rss_megabytes(pids: list[int]) -> float:
    """Resident memory of these processes together (those that have ended count nothing)."""
    total_kb = 0
    for pid in pids:
        with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as status:
            total_kb += sum(int(line.split()[1]) for line in status if line[:6] == "VmRSS:")
    return total_kb / 1024


def alive(pid: int) -> bool:
    """Running (a zombie, ended but not yet reaped, is not)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
