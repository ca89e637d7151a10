"""The wheel ships every subpackage, and the core never pulls in a terminal library."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_subpackage_folder_is_listed_in_packages() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    found = set()
    for prefix, folder in config["package-dir"].items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder)
            found.add(".".join([prefix, *rel.parts]))
    assert found == listed


def test_importing_the_core_loads_no_terminal_library() -> None:
    code = (
        "import sys, optiscope.core, optiscope.core.trajectory, optiscope.core.export, "
        "optiscope.core.metrics, optiscope.core.surfaces, optiscope.core.optimizers\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'textual', 'rich', 'plotext', 'textual_plotext'} or m.startswith('optiscope.tui'))\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_version_comes_from_the_installed_metadata() -> None:
    from importlib.metadata import version

    assert version("optiscope")[0].isdigit()
