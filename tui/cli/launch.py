"""``optiscope [setup options]``: validate the options, then open the explorer on them."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from optiscope.core.lessons.lesson import Lesson

from .run_command import setup_from_args
from .session_options import session_from_args

if TYPE_CHECKING:
    from optiscope.core.session.setup import View

    from ..model import ExplorerModel


def launch(args: argparse.Namespace) -> int:
    """Bad options raise before any screen opens (the caller prints one line, exit 2)."""
    session = session_from_args(args)
    from ..model import ExplorerModel

    if session is not None:
        from ..explorer.sessions import model_of

        model = model_of(session)
    else:
        model = ExplorerModel.from_setup(setup_from_args(args))
    view = session.view if session is not None else None
    return run_explorer(model, served=getattr(args, "served", False), view=view)


def launch_lesson(lesson: Lesson, served: bool = False) -> int:
    """The explorer with the lesson loaded and its question shown beside the plot."""
    from ..model import ExplorerModel

    return run_explorer(ExplorerModel.from_lesson(lesson), lesson=lesson, served=served)


def run_explorer(
    model: ExplorerModel,
    lesson: Lesson | None = None,
    served: bool = False,
    view: View | None = None,
) -> int:
    """Run the app; ``served`` (one browser session of ``optiscope serve``) keeps every file
    it writes, preferences included, in a temporary folder removed when the session ends."""
    from ..app import OptiscopeApp
    from ..preferences import CONFIG_DIR_ENV

    if not served:
        OptiscopeApp(model, lesson=lesson, view=view).run()
        return 0
    home = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="optiscope-session-") as tmp:
        folder = Path(tmp)
        os.environ[CONFIG_DIR_ENV] = str(folder / "config")
        os.chdir(folder)  # a relative path anywhere lands in the folder too
        try:
            OptiscopeApp(model, export_dir=folder, lesson=lesson, served=True, view=view).run()
        finally:
            os.chdir(home)
    return 0
