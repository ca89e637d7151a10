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
