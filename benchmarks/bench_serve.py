"""``optiscope serve`` under a class: time to each tab's first screen, and memory per tab.

Run: ``python benchmarks/bench_serve.py [--tabs 10 40] [--repeats 3]``. Starts ``optiscope
serve`` on a free loopback port, then opens websocket sessions as textual-serve's page does
(aiohttp clients, 120x40) and times each from connecting to the first screen data whose text
shows the explorer's status line (``--marker``, a regex; "t 0" is the step counter).

Scenarios: one tab on an idle server (the baseline, median of ``--repeats``), and against
the bare Textual app served by the same server (``serve_bare.py``, launched in turn: the
explorer's start-up budget, ≤ 1.5x a bare app, holds for a served tab too), then each
``--tabs`` count opened at once: median and slowest first screen, their ratio to the one-tab
baseline, resident memory of the server and its apps per tab, and CPU-seconds per tab's start
(the apps' user+system time when the last first screen arrived). Last, one tab at 500x200
after 2000 steps: the memory a tab grows to. Shared machines are noisy: the load average
after each scenario is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
from timing import median_time

_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07")
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(port: int, bare: bool = False) -> subprocess.Popen[str]:
    """``optiscope serve`` on ``port``; with ``bare``, the same server serving the bare
    Textual app instead (``serve_bare.py``)."""
    # Some sandboxes set PYTHONDONTWRITEBYTECODE, which makes every tab's app recompile the
    # package (~130 ms); an installed optiscope has its bytecode cached.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if bare:
        command = [sys.executable, str(Path(__file__).parent / "serve_bare.py"), str(port)]
    else:
        command = [sys.executable, "-m", "optiscope.tui.cli.main", "serve", "--port", str(port)]
        command += ["--max-sessions", "1000"]
    server = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,
    )
    assert server.stdout is not None
    line = server.stdout.readline()
    if "serving the explorer" not in line:
        server.kill()
        sys.exit(f"optiscope serve did not start: {line!r}")
    deadline = time.monotonic() + 10  # the line comes just before it listens
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.02)
    server.kill()
    sys.exit(f"the server said it serves on {port} but does not listen there")


def stop_server(server: subprocess.Popen[str]) -> None:
    os.killpg(server.pid, signal.SIGINT)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry))
    return out


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += sum(int(line.split()[1]) for line in status.splitlines() if line[:6] == "VmRSS:")
    return total / 1024


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def load() -> str:
    return "load average " + " ".join(Path("/proc/loadavg").read_text().split()[:3])


async def until_screen(ws: Any, marker: re.Pattern[bytes]) -> None:
    data = b""
    async for message in ws:
        if message.type == aiohttp.WSMsgType.BINARY:
            data = (data + message.data)[-65536:]
            if marker.search(_ESCAPES.sub(b"", data)):
                return
    raise RuntimeError("the session closed before its first screen")


async def first_screens(
    port: int, tabs: int, marker: re.Pattern[bytes], when_shown: Callable[[], None] = lambda: None
) -> list[float]:
    """Seconds from connecting to the first screen, for ``tabs`` tabs opened at once;
    ``when_shown`` runs once every tab shows its screen, before any closes."""
    url = f"ws://127.0.0.1:{port}/ws?width=120&height=40"
    shown: list[float] = []
    all_shown = asyncio.Event()

    async def tab(client: aiohttp.ClientSession) -> None:
        t0 = time.perf_counter()
        async with client.ws_connect(url, max_msg_size=0) as ws:
            await until_screen(ws, marker)
            shown.append(time.perf_counter() - t0)
            if len(shown) == tabs:
                when_shown()
                all_shown.set()
            # Read on while waiting, as the page does: an unread socket misses the server's
            # heartbeat (15 s) and is closed.
            reading = asyncio.create_task(until_screen(ws, re.compile(b"(?!)")))
            await all_shown.wait()
            reading.cancel()

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None)) as client:
        await asyncio.gather(*(tab(client) for _ in range(tabs)))
    return shown


def wait_until_no_apps(server: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while children(server) and time.monotonic() < deadline:
        time.sleep(0.1)


def crowd(port: int, server: int, tabs: int, marker: re.Pattern[bytes]) -> dict[str, float]:
    alone = rss_mb([server])
    measured: dict[str, float] = {}

    def when_shown() -> None:
        apps = children(server)
        assert len(apps) == tabs, f"{tabs - len(apps)} tabs' apps ended before the last drew"
        measured.update(cpu=cpu_seconds(apps), rss=rss_mb([server, *apps]) - alone)

    times = asyncio.run(first_screens(port, tabs, marker, when_shown))
    measured.update(median=statistics.median(times), max=max(times))
    return measured


async def after_use(port: int, server: int, marker: re.Pattern[bytes]) -> float:
    """Resident memory of one tab's app at 500x200 after 2000 steps."""
    async with aiohttp.ClientSession() as client:
        url = f"ws://127.0.0.1:{port}/ws?width=500&height=200"
        async with client.ws_connect(url, max_msg_size=0) as ws:
            await until_screen(ws, marker)
            await ws.send_str(json.dumps(["stdin", "n" * 2000]))
            await until_screen(ws, re.compile(rb"\bt 2000\b"))
            return rss_mb(children(server))


def floor_ratio(port: int, server: int, marker: re.Pattern[bytes], repeats: int) -> str:
    """One tab's first screen against the bare Textual app's, served by the same server
    (launched in turn, so both see the same machine): the explorer's start-up budget
    (≤ 1.5x a bare app) applies to a served tab too."""
    bare_port = free_port()
    bare = start_server(bare_port, bare=True)
    try:
        asyncio.run(first_screens(bare_port, 1, marker))  # warm-up
        ours: list[float] = []
        floor: list[float] = []
        for _ in range(repeats):
            floor.append(min(asyncio.run(first_screens(bare_port, 1, marker))))
            wait_until_no_apps(bare.pid)
            ours.append(min(asyncio.run(first_screens(port, 1, marker))))
            wait_until_no_apps(server)
    finally:
        stop_server(bare)
    a, b = statistics.median(ours), statistics.median(floor)
    return (
        f"against the bare Textual app served the same way, median of {repeats} each: "
        f"{a:4.2f} s vs {b:4.2f} s, ratio {a / b:4.2f} (budget 1.5)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tabs", type=int, nargs="+", default=[10, 40])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--marker", default=r"\bt 0\b", help="regex of the first screen's text")
    args = parser.parse_args()
    marker = re.compile(args.marker.encode())
    port = free_port()
    server = start_server(port)
    try:
        run = asyncio.run
        cores = len(os.sched_getaffinity(0))
        print(f"optiscope serve on {cores} cores; tabs at 120x40; times to the first screen")
        run(first_screens(port, 1, marker))  # warm-up: caches, bytecode
        wait_until_no_apps(server.pid)
        print(f"  1 tab, idle server ({load()})")
        one = median_time(lambda: run(first_screens(port, 1, marker)), args.repeats)
        wait_until_no_apps(server.pid)
        print(f"    median of {args.repeats}: {one:5.2f} s")
        print(f"    {floor_ratio(port, server.pid, marker, args.repeats * 3)}")
        for tabs in args.tabs:
            got = crowd(port, server.pid, tabs, marker)
            wait_until_no_apps(server.pid)
            print(
                f"  {tabs} tabs at once: median {got['median']:5.2f} s "
                f"({got['median'] / one:4.1f}x one tab)   max {got['max']:5.2f} s "
                f"({got['max'] / one:4.1f}x)   {got['rss'] / tabs:3.0f} MB and "
                f"{got['cpu'] / tabs:4.2f} CPU-s per tab   ({load()})"
            )
        grown = run(after_use(port, server.pid, marker))
        print(f"  1 tab at 500x200 after 2000 steps: {grown:4.0f} MB")
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
