"""The explorer's first frame imports only what it draws: heavy or rarely used modules are
imported when first needed (a formula, a lesson, a map, the high-dimensional view, a file,
the browser server). Checked in a fresh interpreter, as a user's start-up is."""

from __future__ import annotations

import subprocess
import sys

import pytest

#: Not needed for the first frame, and what each costs or why it waits.
DEFERRED = [
    "sympy",  # formulas: ~0.25 s of import
    "optiscope.core.surfaces.formula_parser",
    "optiscope.core.highdim",  # the H view
    "optiscope.core.maps.compute",  # the m view
    "optiscope.tui.widgets.map_plot",
    "optiscope.core.lessons.catalog",  # L, --lesson, the palette
    "optiscope.core.sweep",
    "optiscope.tui.screens.highdim",
    "optiscope.tui.screens.formula",
    "optiscope.tui.explorer.sessions",  # w
    "optiscope.tui.explorer.files",  # E, P
    "optiscope.core.step_explain",  # x
    "optiscope.core.step_vectors",  # V
    "optiscope.tui.plotting.step_arrows",
    "optiscope.tui.plotting.arrows",
    "optiscope.tui.plotting.field",  # G
    "optiscope.tui.plotting.shading",  # z
    "optiscope.core.step_frames",  # u
    "optiscope.core.predict",  # y
    "optiscope.tui.explorer.step_modes",
    "optiscope.tui.screens.step_parts",
    "optiscope.tui.screens.predict",
    "aiohttp",  # optiscope serve
    "textual_serve",
    "contourpy",  # the first paint of the plot is blank; contours come with the second
    "tomllib",  # only when a preferences or session file is read
    "tomli_w",  # only when one is written
    "optiscope.tui.widgets.controls",  # mounted just after the first frame
    "optiscope.tui.widgets.field_row",
    "optiscope.tui.screens.jump",  # g
    "optiscope.tui.widgets.explain_pane",  # x: the panes shown on demand mount when shown
    "optiscope.tui.widgets.sharpness_strip",  # C
    "optiscope.tui.widgets.loss_plot",  # v
    "optiscope.tui.widgets.lesson_pane",  # a lesson (L, --lesson)
]


def imported_by(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint('\\n'.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    return set(out.split())


@pytest.fixture(scope="module")
def app_imports() -> set[str]:
    return imported_by("import optiscope.tui.app")


@pytest.mark.parametrize("module", DEFERRED)
def test_the_explorer_app_does_not_import_at_start(app_imports: set[str], module: str) -> None:
    assert not any(name == module or name.startswith(module + ".") for name in app_imports)


def test_a_run_table_loads_neither_richs_layout_nor_numpy_ma() -> None:
    """``optiscope run`` draws a fitting table itself (tui/cli/box_table.py) and keeps rows
    without np.unique, which imports numpy.ma: together ~35 ms of its start-up."""
    code = (
        "import io, sys, contextlib\n"
        "from optiscope.tui.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    main(['run', '--steps', '10'])\n"
        "assert '┏' in out.getvalue()\n"
        "print(sorted(m for m in ('rich.table', 'rich.console', 'numpy.ma') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


#: What the command line parses for the explorer does not need (each command imports its
#: own modules when it runs).
DEFERRED_BY_THE_COMMAND = [
    "optiscope.tui.cli.map_command",
    "optiscope.tui.cli.highdim_command",
    "optiscope.tui.cli.sweep_command",
    "optiscope.tui.cli.serve_command",
    "optiscope.core.maps",
    "optiscope.core.highdim",
]


@pytest.fixture(scope="module")
def command_imports() -> set[str]:
    return imported_by(
        "import optiscope.tui.cli.main as m, optiscope.tui.cli.launch\n"
        "m.build_parser(None, full=False).parse_args([])"
    )


@pytest.mark.parametrize("module", DEFERRED_BY_THE_COMMAND)
def test_the_explorer_command_does_not_import_at_start(
    command_imports: set[str], module: str
) -> None:
    assert not any(name == module or name.startswith(module + ".") for name in command_imports)


def _process_state(code: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return done.stdout.split()


def test_importing_optiscope_leaves_the_interpreter_as_it_was() -> None:
    """Only the command pauses collection and sets the BLAS threads: a library user's
    interpreter keeps collecting, and numpy keeps its thread pool."""
    code = (
        "import gc, os, optiscope.core, optiscope.tui.app, optiscope.tui.cli.main\n"
        "print(gc.isenabled(), os.environ.get('OPENBLAS_NUM_THREADS', '-'))"
    )
    env_free = {k: v for k, v in __import__("os").environ.items() if k != "OPENBLAS_NUM_THREADS"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env_free
    )
    assert done.stdout.split() == ["True", "-"]


def test_a_command_collects_again_before_it_runs() -> None:
    """``optiscope run`` (and every command but the explorer) runs with collection on, over
    a frozen start-up heap; the user's own OPENBLAS_NUM_THREADS is kept."""
    code = (
        "import gc, io, os, contextlib\n"
        "os.environ['OPENBLAS_NUM_THREADS'] = '2'\n"
        "from optiscope.tui import process\n"
        "process.starting()\n"
        "paused = not gc.isenabled()\n"
        "from optiscope.tui.cli import run_command\n"
        "seen = []\n"
        "real = run_command.run_command\n"
        "run_command.run_command = lambda a: seen.append(gc.isenabled()) or real(a)\n"
        "from optiscope.tui.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['run', '--steps', '3'])\n"
        "print(paused, seen[0], gc.get_freeze_count() > 0, os.environ['OPENBLAS_NUM_THREADS'])"
    )
    assert _process_state(code) == ["True", "True", "True", "2"]


def test_the_explorer_collects_again_after_its_first_frame() -> None:
    code = (
        "import asyncio, gc\n"
        "from optiscope.tui import process\n"
        "process.starting()\n"
        "from optiscope.tui.app import OptiscopeApp\n"
        "from optiscope.tui.model import ExplorerModel\n"
        "async def main():\n"
        "    app = OptiscopeApp(ExplorerModel.create())\n"
        "    async with app.run_test(size=(120, 40)) as pilot:\n"
        "        before = gc.isenabled()\n"
        "        for _ in range(50):\n"
        "            await pilot.pause()\n"
        "            if gc.isenabled():\n"
        "                break\n"
        "        print(before, gc.isenabled(), gc.get_freeze_count() > 0)\n"
        "asyncio.run(main())\n"
    )
    assert _process_state(code) == ["False", "True", "True"]


def test_the_process_knows_the_commands_the_parser_has() -> None:
    from optiscope.tui import process
    from optiscope.tui.cli.main import COMMAND_HELP

    assert set(process.COMMANDS) == set(COMMAND_HELP)


@pytest.mark.parametrize(
    ("argv", "one_thread"),
    [
        ([], True),
        (["--surface", "rosenbrock"], True),
        (["--lesson", "1"], True),
        (["highdim"], False),
        (["map", "--grid", "4x4"], False),
        (["run"], False),
    ],
)
def test_only_the_explorer_runs_blas_on_one_thread(argv: list[str], one_thread: bool) -> None:
    code = (
        "import os, gc\n"
        "from optiscope.tui import process\n"
        f"process.starting({argv!r})\n"
        "print(os.environ.get('OPENBLAS_NUM_THREADS', '-'))\n"
        "gc.enable()\n"
    )
    env = {k: v for k, v in __import__("os").environ.items() if k != "OPENBLAS_NUM_THREADS"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert done.stdout.strip() == ("1" if one_thread else "-")
