"""``optiscope serve`` without a browser: options, the per-session command, the served app's
files, and the server's start and stop (tests/test_web_e2e.py drives a real browser)."""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from serving import free_port, start_server, stop, wait_for_line

from optiscope.core.session import file as session_file
from optiscope.core.session.spec import from_spec
from optiscope.tui.app import OptiscopeApp
from optiscope.tui.cli import launch
from optiscope.tui.cli.host_guard import HostGuard, host_name
from optiscope.tui.cli.main import build_parser, join_signed_values, main
from optiscope.tui.cli.run_command import resolve_setup
from optiscope.tui.cli.serve_command import is_loopback, session_command
from optiscope.tui.model import ExplorerModel

SIZE = (120, 40)


def serve_args(*argv: str):  # type: ignore[no-untyped-def]
    return build_parser().parse_args(join_signed_values(["serve", *argv]))


def session_argv(*argv: str) -> list[str]:
    """What one browser session's app is started with, as its own parser sees it."""
    words = shlex.split(session_command(serve_args(*argv)))
    assert words[:5] == ["exec", sys.executable, "-m", "optiscope", "--served"]
    return words[4:]


# -- the command each browser session runs -----------------------------------------------------
def test_session_command_carries_the_setup_options_quoted() -> None:
    argv = session_argv(
        "--surface", "x**2 + 10*sin(y)", "--start", "-1,1", "--optimizer", "adam(lr=0.05)",
        "--optimizer", "gd", "--noise", "0.1", "--seed", "3",
    )  # fmt: skip
    args = build_parser().parse_args(argv)
    assert args.served and args.command is None
    served, given = resolve_setup(args), resolve_setup(serve_args("--surface", "x**2 + 10*sin(y)"))
    assert served.surface.name == given.surface.name
    assert served.start == (-1.0, 1.0)
    assert [s.label for s in served.setups] == ["adam(lr=0.05)", "gd"]
    assert (served.noise.sigma, served.noise.seed) == (0.1, 3)


def test_defaults_add_nothing_to_the_session_command() -> None:
    assert session_argv() == ["--served"]


def test_a_session_file_is_read_by_the_server_and_passed_on_as_a_spec(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    spec = "optiscope:v1 surface=rosenbrock start=-1,1 opt=adam(lr=0.05) steps=50"
    session_file.save(from_spec(spec), path)
    argv = session_argv("--session", str(path))
    assert len(argv) == 2 and argv[1].startswith("--spec=optiscope:v1 ")
    assert str(tmp_path) not in " ".join(argv)  # no session ever names a server path
    assert from_spec(argv[1].removeprefix("--spec=")) == from_spec(spec)


def test_a_lesson_is_passed_on_by_its_id() -> None:
    assert session_argv("--lesson", "5") == ["--served", "--lesson", "tiny-oscillation"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--surface", "__import__('os').system('true')"], "__import__"),
        (["--optimizer", "nope"], "nope"),
        (["--lesson", "no-such-lesson"], "unknown lesson"),
        (["--spec", "optiscope:v1 surface=nope"], "nope"),
        (["--session", "/no/such/file.toml"], "file.toml"),
        (["--host", "0.0.0.0"], "--public"),
        (["--host", "example.org"], "--public"),
        (["--port", "70000"], "--port: port must be in [1, 65535]; got 70000"),
        (["--port", "99999"], "--port: port must be in [1, 65535]; got 99999"),
        (["--port", "0"], "--port: port must be in [1, 65535]; got 0"),
        (["--port", "x"], "--port: port must be a number; got 'x'"),
        (["--port", "１"], "--port: port must be a number; got '１'"),  # a fullwidth digit
        (["--port", "8000.5"], "--port: port must be a whole number"),
        (["--port", "inf"], "--port: port must be finite"),
        (["--host", "0.0.0.0", "--public"], "--allow-host"),
        (["--allow-host", "evil.example:80"], "without a port"),
        (["--allow-host", "http://evil.example"], "host name or address"),
        (["--max-sessions", "0"], "max-sessions must be in [1, 1000]; got 0"),
        (["--max-sessions", "5000"], "max-sessions must be in [1, 1000]; got 5000"),
        (["--max-sessions", "１"], "max-sessions must be a number; got '１'"),
    ],
)
def test_bad_options_are_one_line_and_exit_2_before_serving(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["serve", *argv]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("optiscope: error: ") and message in err


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True), ("::1", True),
     ("0.0.0.0", False), ("::", False), ("192.168.1.5", False), ("example.org", False)],
)  # fmt: skip
def test_only_loopback_addresses_need_no_flag(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(
    ("header", "name"),
    [("127.0.0.1:8000", "127.0.0.1"), ("[::1]:80", "::1"), ("LocalHost.", "localhost"),
     ("[0:0:0:0:0:0:0:1]", "::1"), ("a.b:1:2", ""), ("Class.Example.org:443", "class.example.org")],
)  # fmt: skip
def test_host_headers_are_compared_by_their_canonical_name(header: str, name: str) -> None:
    assert host_name(header) == name


def test_a_loopback_server_serves_literal_loopback_addresses_and_localhost_only() -> None:
    guard = HostGuard.serving("127.0.0.1")
    for served in ["127.0.0.1:8000", "127.9.9.9", "localhost:1", "[::1]:8000", "LOCALHOST"]:
        assert guard.refusal(served) is None, served
    for refused in [*REBINDING_NAMES, "evil.example:80", "", "2130706433"]:
        assert guard.refusal(refused) is not None, refused


def test_a_public_server_serves_its_listed_names_and_its_own_address() -> None:
    guard = HostGuard.serving("192.168.1.5", ["class.example.org"])
    for served in ["192.168.1.5:8000", "class.example.org", "localhost"]:
        assert guard.refusal(served) is None, served
    for refused in ["192.168.1.6", "evil.example", "class.example.org.evil.example"]:
        assert guard.refusal(refused) is not None, refused


# -- the served app: files only in its temporary folder -----------------------------------------
def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


async def test_served_app_writes_exports_and_screenshots_only_in_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, elsewhere = tmp_path / "session", tmp_path / "cwd"
    folder.mkdir()
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    # As under textual-serve: the web driver turns deliveries into browser downloads.
    monkeypatch.setattr(OptiscopeApp, "is_web", property(lambda self: True))
    delivered: list[Path] = []
    monkeypatch.setattr(
        OptiscopeApp, "deliver_binary", lambda self, path, **kw: delivered.append(Path(path))
    )
    app = OptiscopeApp(ExplorerModel.create(), export_dir=folder, served=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n", "n", "E", "P")
        await pilot.pause()
    assert _files(tmp_path) == _files(folder)
    assert sorted(p.suffix for p in _files(folder)) == [".csv", ".json", ".svg", ".zip"]
    # One download per key: the CSV and JSON travel together in one zip.
    assert [p.suffix for p in delivered] == [".zip", ".svg"]
    assert all(p.parent == folder for p in delivered)
    with zipfile.ZipFile(delivered[0]) as zf:
        names = sorted(Path(n).suffix for n in zf.namelist())
        assert names == [".csv", ".json"]


async def test_an_app_not_in_a_browser_delivers_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside a browser Textual's delivery would write a copy to the downloads folder."""
    calls: list[object] = []
    monkeypatch.setattr(OptiscopeApp, "deliver_binary", lambda self, *a, **kw: calls.append(a))
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path, served=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("E", "P")
        await pilot.pause()
    assert calls == []
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".csv", ".json", ".svg"]


def test_served_launch_runs_in_a_temporary_folder_removed_afterwards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    seen: dict[str, object] = {}

    def fake_run(app: OptiscopeApp) -> None:
        seen.update(
            served=app.served,
            export_dir=app.export_dir,
            cwd=Path.cwd(),
            config=os.environ["OPTISCOPE_CONFIG_DIR"],
        )
        Path("relative.txt").write_text("lands in the folder")

    monkeypatch.setattr(OptiscopeApp, "run", fake_run)
    monkeypatch.setenv("OPTISCOPE_CONFIG_DIR", str(tmp_path / "operator-config"))
    assert launch.run_explorer(ExplorerModel.create(), served=True) == 0
    folder = seen["export_dir"]
    assert isinstance(folder, Path) and folder.parent == tmp_path / "tmp"
    assert seen["served"] is True and seen["cwd"] == folder
    assert seen["config"] == str(folder / "config")
    assert not folder.exists()  # removed, with what was written into it
    assert Path.cwd() == tmp_path and not (tmp_path / "relative.txt").exists()


# -- the server process -------------------------------------------------------------------------
@pytest.mark.timeout(60)
def test_serve_prints_its_url_and_stops_cleanly_on_ctrl_c() -> None:
    port = free_port()
    process, lines = start_server(["--port", str(port)])
    try:
        match = wait_for_line(lines, r"serving the explorer on (\S+)", 30)
        assert match[1] == f"http://127.0.0.1:{port}"
    finally:
        code = stop(process, signal.SIGINT)
    rest = []
    while not lines.empty():
        rest.append(lines.get_nowait())
    assert code == 0
    assert "".join(rest).strip() == "optiscope: server stopped"


@pytest.mark.timeout(60)
def test_public_host_prints_a_one_line_warning() -> None:
    port = free_port()
    process, lines = start_server(
        ["--host", "0.0.0.0", "--public", "--allow-host", "class.example.org", "--port", str(port)]
    )
    try:
        warning = wait_for_line(lines, r"warning", 30)
        assert re.fullmatch(
            rf"optiscope: warning: serving on 0\.0\.0\.0: anyone who can reach port {port} "
            r"can use the app\n",
            warning.string,
        )
        wait_for_line(lines, rf"serving the explorer on http://0\.0\.0\.0:{port}", 30)
    finally:
        assert stop(process, signal.SIGINT) == 0


def test_serve_is_listed_in_the_help() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "optiscope.tui.cli.main", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "serve" in out and "--served" not in out


def _ws_status(port: int, headers: dict[str, str]) -> int:
    """101 when a session opened with these headers, else the refusal's HTTP status."""
    import asyncio

    import aiohttp

    async def status() -> int:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as client:
            try:
                async with client.ws_connect(
                    f"ws://127.0.0.1:{port}/ws?width=80&height=24", headers=headers
                ) as ws:
                    await ws.close()
                    return 101
            except aiohttp.WSServerHandshakeError as exc:
                return exc.status

    return asyncio.run(status())


def _page_status(port: int, host: str) -> int:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.timeout(60)
def test_a_page_from_another_site_cannot_open_a_session() -> None:
    port = free_port()
    process, lines = start_server(["--port", str(port)])
    try:
        wait_for_line(lines, r"serving the explorer on", 30)
        own = f"http://127.0.0.1:{port}"
        assert _ws_status(port, {"Origin": "http://evil.example"}) == 403
        assert _ws_status(port, {"Origin": own, "Host": f"evil.example:{port}"}) == 403
        rebound = f"evil.example:{port}"  # DNS rebinding: the site's name, our address
        assert _ws_status(port, {"Origin": f"http://{rebound}", "Host": rebound}) == 403
        assert _ws_status(port, {"Origin": own}) == 101
    finally:
        assert stop(process, signal.SIGINT) == 0


#: Names a rebinding attacker can make resolve to 127.0.0.1: they look like loopback
#: addresses but are domains (127.0.0.1.nip.io resolves to 127.0.0.1 on the public DNS).
REBINDING_NAMES = ["127.evil.example", "127.0.0.1.nip.io", "localhost.evil.example", "0x7f000001"]


@pytest.mark.timeout(90)
def test_a_rebound_name_that_looks_like_loopback_gets_neither_page_nor_session() -> None:
    port = free_port()
    process, lines = start_server(["--port", str(port)])
    try:
        wait_for_line(lines, r"serving the explorer on", 30)
        for name in REBINDING_NAMES:
            host = f"{name}:{port}"
            assert _ws_status(port, {"Origin": f"http://{host}", "Host": host}) == 403, name
            assert _page_status(port, host) == 403, name
        for name in ["127.0.0.1", "localhost", "127.0.0.2", "[::1]"]:
            host = f"{name}:{port}"
            assert _ws_status(port, {"Origin": f"http://{host}", "Host": host}) == 101, name
            assert _page_status(port, host) == 200, name
    finally:
        assert stop(process, signal.SIGINT) == 0


@pytest.mark.timeout(90)
def test_a_public_server_answers_only_to_the_hosts_it_was_told() -> None:
    port = free_port()
    process, lines = start_server(
        ["--host", "0.0.0.0", "--public", "--allow-host", "class.example.org", "--port", str(port)]
    )
    try:
        wait_for_line(lines, r"serving the explorer on", 30)
        for name, expected in [
            ("class.example.org", 101),
            ("CLASS.example.org.", 101),
            ("127.0.0.1", 101),
            ("evil.example", 403),
            ("class.example.org.evil.example", 403),
        ]:
            host = f"{name}:{port}"
            got = _ws_status(port, {"Origin": f"http://{host}", "Host": host})
            assert got == expected, (name, got)
    finally:
        assert stop(process, signal.SIGINT) == 0


@pytest.mark.timeout(60)
def test_the_page_loads_nothing_from_another_site() -> None:
    """Every script, stylesheet and image of the page comes from this server: a classroom
    behind a firewall gets the explorer at once, and no third party learns who opened it."""
    import urllib.request

    port = free_port()
    process, lines = start_server(["--port", str(port)])
    try:
        wait_for_line(lines, r"serving the explorer on", 30)
        own = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(own, timeout=10) as response:
            page = response.read().decode()
    finally:
        assert stop(process, signal.SIGINT) == 0
    assert "<script" in page and "xterm.css" in page  # the page itself is still there
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", page)
    urls += re.findall(r"@import\s+(?:url\()?[\"']?([^\"')\s;]+)", page)
    assert urls
    foreign = [u for u in urls if re.match(r"(?:[a-z]+:)?//", u) and not u.startswith(own)]
    assert foreign == [], foreign
