"""The conventions of a Python command line (issue 17, §3 and §7): ``python -m optiscope``,
``--version`` and a help that ends with examples and the environment on every command,
completion and a man page from the parser, exit statuses (1 runtime, 2 usage, 130 Ctrl+C),
output files never half-written, no explorer without a terminal, a lean start-up."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest

from optiscope.tui.cli.main import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
OPTISCOPE = [sys.executable, "-m", "optiscope"]


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {"": parser, **sub.choices}


def test_python_dash_m_optiscope_is_the_command() -> None:
    done = subprocess.run([*OPTISCOPE, "--version"], capture_output=True, text=True, check=True)
    assert done.stdout == f"optiscope {version('optiscope')}\n"


@pytest.mark.parametrize("command", sorted(_commands()))
def test_every_command_has_version_and_a_help_that_ends_with_examples_and_environment(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    argv = [command] if command else []
    with pytest.raises(SystemExit) as stop:
        main([*argv, "--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"optiscope {version('optiscope')}\n"
    with pytest.raises(SystemExit):
        main([*argv, "--help"])
    help_text = capsys.readouterr().out
    examples = help_text.split("examples:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert 2 <= len(examples) <= 3 and all(e.startswith("  optiscope") for e in examples)
    assert "exit status: 0 done" in help_text
    last = help_text.rstrip().rsplit("\n\n", 1)[1]
    assert last.startswith("environment")


def test_help_states_the_limits_of_the_long_running_commands(capsys) -> None:  # type: ignore[no-untyped-def]
    for command, words in {
        "run": "steps x optimizers at most 400,000",
        "map": "at most 100,000,000",
        "highdim": "9,999 steps at D = 1,000",
    }.items():
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert words in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_completion_is_a_static_script_that_knows_every_command(shell: str) -> None:
    done = subprocess.run(
        [*OPTISCOPE, "--print-completion", shell], capture_output=True, text=True, check=True
    )
    script = done.stdout
    for word in ("run", "map", "highdim", "serve", "--optimizer", "--print-manpage"):
        assert word in script
    if shell == "bash":
        subprocess.run(["bash", "-n"], input=script, text=True, check=True)


def test_the_man_page_comes_from_the_same_parser() -> None:
    done = subprocess.run(
        [*OPTISCOPE, "--print-manpage"], capture_output=True, text=True, check=True
    )
    page = done.stdout
    assert page.startswith(".TH") and "highdim" in page and "print\\-completion" in page


def test_the_explorer_refuses_to_start_without_a_terminal() -> None:
    done = subprocess.run(
        [*OPTISCOPE, "--surface", "rosenbrock"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.count("\n") == 1
    assert "needs a terminal" in done.stderr and "optiscope run" in done.stderr
    assert "optiscope serve" in done.stderr


def test_a_served_session_needs_no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from optiscope.tui.app import OptiscopeApp
    from optiscope.tui.cli import launch

    started: list[OptiscopeApp] = []
    monkeypatch.setattr(OptiscopeApp, "run", lambda self, *a, **k: started.append(self))
    monkeypatch.setattr(launch, "_is_tty", lambda stream: False)
    assert main(["--served", "--surface", "rosenbrock"]) == 0 and len(started) == 1
    assert main(["--surface", "rosenbrock"]) == 2 and len(started) == 1


def test_a_crashed_explorer_exits_non_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual sets return code 1 when an exception ends the app; run_explorer ignored it
    and a crash exited 0. Here the app "crashes" as Textual records it, without a terminal."""
    from optiscope.tui.app import OptiscopeApp
    from optiscope.tui.cli import launch

    def crash(self: OptiscopeApp, *args: object, **kwargs: object) -> None:
        self._return_code = 1

    monkeypatch.setattr(OptiscopeApp, "run", crash)
    monkeypatch.setattr(launch, "_is_tty", lambda stream: True)
    assert main(["--surface", "rosenbrock"]) == 1
    assert main(["--served", "--surface", "rosenbrock"]) == 1


def test_an_unwritable_out_is_a_runtime_failure_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["run", "--steps", "2", "--out", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("optiscope: error: cannot write")
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_a_runtime_failure_in_one_line() -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [*OPTISCOPE, "run", "--steps", "2000", "--format", "csv"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "No space left on device" in done.stderr


def test_an_out_that_is_a_fifo_is_written_into_not_replaced(tmp_path: Path) -> None:
    """Renaming over a special file replaced the node itself: as root, ``--out /dev/full``
    left a CSV named /dev/full and exit status 0. A FIFO stands in for the device here."""
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()), daemon=True)
    reader.start()
    assert main(["run", "--steps", "3", "--format", "csv", "--out", str(fifo)]) == 0
    reader.join(10)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert got and got[0].count("\n") == 1 + 4 * 4
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_out_files_are_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "run.csv"
    assert main(["run", "--steps", "3", "--format", "csv", "--out", str(target)]) == 0
    assert target.read_text().count("\n") == 1 + 4 * 4
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_umask())
    assert [p.name for p in tmp_path.iterdir()] == ["run.csv"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _ctrl_c_as_at_a_terminal() -> None:
    """In the child: Ctrl+C's default action, as a command typed at a terminal has it. A
    suite started in the background (``bash .ci/run &``) hands its children SIGINT ignored,
    and Python then never raises KeyboardInterrupt: the command would run to its end."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--steps", "50000", *["--optimizer", "adam"] * 8, "--format", "json"],
        [
            "map",
            "--surface",
            "rastrigin",
            "--optimizer",
            "adam",
            "--grid",
            "400x400",
            "--steps",
            "600",
        ],
        ["highdim", "--problem", "logreg(n_samples=20000, n_features=200)", "--steps", "300"],
    ],
    ids=["run", "map", "highdim"],
)
def test_ctrl_c_stops_a_long_run_with_exit_130_one_line_and_no_file(
    tmp_path: Path, argv: list[str]
) -> None:
    target = tmp_path / "out.txt"
    out = ["--out", str(target)] if argv[0] != "highdim" else []
    proc = subprocess.Popen(
        [*OPTISCOPE, *argv, *out],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        preexec_fn=_ctrl_c_as_at_a_terminal,
    )
    time.sleep(3.0)  # imports done, deep in the work
    assert proc.poll() is None, proc.communicate()
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert stderr == "optiscope: interrupted\n" and stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_the_command_line_loads_no_command_it_does_not_run() -> None:
    heavy = (
        "('sympy', 'textual', 'aiohttp', 'textual_serve', 'plotext', 'importlib.metadata', "
        "'optiscope.core.highdim', 'optiscope.core.lessons', 'optiscope.core.maps', "
        "'optiscope.tui.cli.serve_command', 'tempfile')"
    )
    code = (
        "import io, sys, contextlib, optiscope.tui.cli.main as cli\n"
        f"heavy = {heavy}\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    cli.main(['run', '--steps', '10', '--format', 'csv'])\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["[]", "[]"]


def test_the_parsers_constants_are_the_cores() -> None:
    from optiscope.core.highdim import budget
    from optiscope.core.highdim.problems import MAX_DIM
    from optiscope.core.highdim.spec import DEFAULT_PROBLEM
    from optiscope.core.highdim.views import FIELDS
    from optiscope.core.maps.compute import METRICS
    from optiscope.core.trajectory import DEFAULT_GTOL
    from optiscope.tui.cli import highdim_command, map_command

    assert map_command.METRIC_NAMES == METRICS and map_command.DEFAULT_GTOL == DEFAULT_GTOL
    assert tuple(FIELDS) == highdim_command.FIELD_NAMES
    assert highdim_command.DEFAULT_PROBLEM == DEFAULT_PROBLEM
    assert highdim_command.MAX_STEPS == budget.MAX_STEPS and highdim_command.MAX_TOP == MAX_DIM


def test_the_license_is_the_mit_license_the_metadata_names() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    text = (ROOT / "LICENSE").read_text()
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert text.startswith("MIT License") and "the optiscope authors" in text


def test_a_long_run_shows_progress_on_a_terminal(tmp_path: Path) -> None:
    """Under a pseudo-terminal the bar appears on stderr after a second (and Ctrl+C still
    ends in one line); piped, as in the test above, stderr stays empty until that line."""
    import pty
    import select

    argv = [*OPTISCOPE, "run", "--steps", "50000", *["--optimizer", "adam"] * 8]
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, with the pty as its terminal
        _ctrl_c_as_at_a_terminal()
        os.execvp(argv[0], [*argv, "--format", "csv", "--out", str(tmp_path / "o.csv")])
    seen, started = b"", time.monotonic()
    while time.monotonic() - started < 60 and b"Ctrl+C stops" not in seen:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            seen += os.read(fd, 65536)
    os.kill(pid, signal.SIGINT)
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    _, status = os.waitpid(pid, 0)
    assert b"optiscope run" in seen and b"Ctrl+C stops" in seen
    assert os.waitstatus_to_exitcode(status) == 130 and seen.endswith(b"optiscope: interrupted\r\n")
    assert list(tmp_path.iterdir()) == []


def test_the_stub_of_a_command_not_run_has_its_full_help_line() -> None:
    from optiscope.tui.cli.main import COMMAND_HELP

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert {a.dest: a.help for a in sub._choices_actions} == COMMAND_HELP


def test_the_highdim_limits_quoted_in_help_and_readme_are_the_budgets() -> None:
    from optiscope.core.highdim.budget import most_steps
    from optiscope.core.highdim.spec import parse_problem
    from optiscope.tui.cli.help_text import epilog

    logreg = parse_problem("logreg(n_samples=20000, n_features=200)")
    rotated = parse_problem("quadratic(dim=1000, rotated=true)")
    assert (most_steps(logreg, 4), most_steps(rotated, 4)) == (308, 7461)
    readme = " ".join((ROOT / "README.md").read_text().split())
    for text in (" ".join(epilog("highdim").split()), readme):
        assert "308 steps for four optimizers on" in text or "but 308 on" in text
        assert "9,999 steps at D = 1,000" in text
