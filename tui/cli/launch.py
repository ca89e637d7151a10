"""``optiscope [setup options]``: validate the options, then open the explorer on them."""

from __future__ import annotations

import argparse

from optiscope.core.lessons.lesson import Lesson

from .run_command import resolve_setup
from .session_options import session_from_args


def launch(args: argparse.Namespace) -> int:
    """Bad options raise before any screen opens (the caller prints one line, exit 2)."""
    session = session_from_args(args)
    from ..app import OptiscopeApp
    from ..model import ExplorerModel

    if session is not None:
        from ..session_io import model_from_session

        model = model_from_session(session)
    else:
        setup = resolve_setup(args)
        model = ExplorerModel.create(
            setup.surface,
            setup.start,
            args.optimizer,
            setup.noise,
            setup.schedule,
            horizon=max(setup.steps, 1),
        )
    OptiscopeApp(model).run()
    return 0


def launch_lesson(lesson: Lesson) -> int:
    """The explorer with the lesson loaded and its question shown beside the plot."""
    from ..app import OptiscopeApp
    from ..model import ExplorerModel

    OptiscopeApp(ExplorerModel.from_lesson(lesson), lesson=lesson).run()
    return 0
