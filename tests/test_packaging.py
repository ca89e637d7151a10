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


def test_no_core_module_loads_a_terminal_library_or_torch() -> None:
    """Every module of optiscope.core, found by walking the package (so a new one is checked
    without being listed here): the CLI, tests and benchmarks use the core alone."""
    code = (
        "import importlib, pkgutil, sys, optiscope.core\n"
        "names = [m.name for m in pkgutil.walk_packages(optiscope.core.__path__, "
        "'optiscope.core.')]\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'textual', 'rich', 'plotext', 'textual_plotext', 'torch'} "
        "or m.startswith('optiscope.tui'))\n"
        "print(len(names), ','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    count, _, bad = out.stdout.strip().partition(" ")
    assert int(count) >= 50  # the walk found the modules (highdim, surfaces, lessons, ...)
    assert bad == ""


def test_version_comes_from_the_installed_metadata() -> None:
    from importlib.metadata import version

    assert version("optiscope")[0].isdigit()


def test_the_optiscope_package_folder_holds_the_main_module() -> None:
    """``python -m optiscope`` needs ``optiscope/__main__.py`` in the wheel: the folder mapped
    to ``optiscope`` holds it, and ``optiscope`` is listed so setuptools ships it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    folder = ROOT / config["package-dir"]["optiscope"]
    assert "optiscope" in config["packages"]
    assert sorted(p.name for p in folder.glob("*.py")) == ["__init__.py", "__main__.py"]
    for prefix in ("optiscope.core", "optiscope.tui"):
        assert (ROOT / config["package-dir"][prefix] / "__init__.py").is_file()
