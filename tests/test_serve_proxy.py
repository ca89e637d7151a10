"""``optiscope serve`` behind a reverse proxy: the README's nginx configuration, run as written
(ports aside) in front of two instances, when nginx is installed (``apt-get install
nginx-light``); and, without nginx, what an instance does with the headers a proxy sends."""

from __future__ import annotations

import contextlib
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from serving import free_port, start_server, stop, wait_for_line, wait_for_screen

README = Path(__file__).resolve().parents[1] / "README.md"
CLASS = "class.example.org"
#: A tab of the class, as the browser sends it through the proxy.
TAB = {"Host": CLASS, "Origin": f"http://{CLASS}"}


def readme_nginx_config() -> str:
    section = README.read_text().split("### Serving a class larger than one machine", 1)[1]
    match = re.search(r"```nginx\n(.*?)```", section, re.DOTALL)
    assert match, "the README's section on serving a class lost its nginx example"
    return match[1]


@contextlib.contextmanager
def instances(count: int, *argv: str) -> Iterator[list[int]]:
    ports = [free_port() for _ in range(count)]
    servers = [start_server(["--port", str(port), *argv]) for port in ports]
    try:
        for _process, lines in servers:
            wait_for_line(lines, r"serving the explorer on", 30)
        yield ports
    finally:
        for process, _lines in servers:
            assert stop(process, signal.SIGINT) == 0


@contextlib.contextmanager
def nginx(tmp_path: Path, upstream_ports: list[int]) -> Iterator[int]:
    """nginx running the README's configuration, on a free port, before these instances."""
    config = readme_nginx_config()
    upstream = "".join(f"    server 127.0.0.1:{port};\n" for port in upstream_ports)
    config, servers = re.subn(r"(?m)^    server [0-9.]+:\d+;.*\n", "", config)
    assert servers == 3
    config, hashes = re.subn(r"(?m)^(    hash .*\n)", lambda m: m[1] + upstream, config)
    assert hashes == 1
    port = free_port()
    config, listens = re.subn(r"listen 80;", f"listen 127.0.0.1:{port};", config)
    assert listens == 1
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = "".join(f"{kind}_temp_path {tmp_path / kind};\n" for kind in kinds)
    (tmp_path / "nginx.conf").write_text(
        f"daemon off;\npid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\n"
        f"events {{}}\nhttp {{\naccess_log off;\n{temp}{config}}}\n"
    )
    process = subprocess.Popen(
        ["nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            assert process.poll() is None, process.communicate()[1]
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
@pytest.mark.timeout(90)
async def test_the_readme_nginx_example_keeps_each_browser_on_one_instance(
    tmp_path: Path,
) -> None:
    with (
        instances(2, "--allow-host", CLASS, "--max-sessions", "1") as ports,
        nginx(tmp_path, ports) as port,
    ):
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as client:
            async with client.get(f"http://127.0.0.1:{port}/", headers={"Host": CLASS}) as page:
                assert page.status == 200
                assert f'data-session-websocket-url="ws://{CLASS}/ws"' in await page.text()
                cookie = page.cookies["optiscope_browser"].value
            url = f"http://127.0.0.1:{port}/ws?width=120&height=40"

            def tab(name: str) -> dict[str, str]:
                return {**TAB, "Cookie": f"optiscope_browser={name}"}

            ws = await client.ws_connect(url, headers=tab(cookie), max_msg_size=0)
            await wait_for_screen(ws, rb"\bt 0\b", 40)  # the explorer, through the proxy
            # The same browser again reaches the same instance, which holds one tab: full.
            with pytest.raises(aiohttp.WSServerHandshakeError) as full:
                await client.ws_connect(url, headers=tab(cookie))
            assert full.value.status == 503
            # Other browsers spread over the instances: one of these reaches the other.
            for other in (f"browser{n}" for n in range(30)):
                try:
                    second = await client.ws_connect(url, headers=tab(other), max_msg_size=0)
                    break
                except aiohttp.WSServerHandshakeError as refused:
                    assert refused.status == 503
            else:
                raise AssertionError("30 browsers all went to the instance that was full")
            await wait_for_screen(second, rb"\bt 0\b", 40)
            # A name the instances were not given is refused through the proxy as well.
            evil = {"Host": "evil.example", "Origin": "http://evil.example"}
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await client.ws_connect(url, headers=evil)
            assert refused.value.status == 403
            await ws.close()
            await second.close()


@pytest.mark.timeout(60)
async def test_behind_a_proxy_that_ends_tls_the_page_opens_a_secure_websocket() -> None:
    with instances(1, "--allow-host", CLASS) as (port,):
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as client:
            for proto, scheme in [("https", "wss"), ("http", "ws"), ("gopher", "ws")]:
                headers = {"Host": CLASS, "X-Forwarded-Proto": proto}
                async with client.get(f"http://127.0.0.1:{port}/", headers=headers) as page:
                    text = await page.text()
                assert f'data-session-websocket-url="{scheme}://{CLASS}/ws"' in text, proto
