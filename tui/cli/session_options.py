"""``--spec`` and ``--session``: a whole setup from one pasted line or one saved file.

They replace the individual setup options rather than mix with them: "the spec from the
forum, but with my --start" has no obvious meaning for the fields the spec left to their
defaults, so giving both is a usage error that names the option to drop. ``--lesson`` is a
whole setup as well and follows the same rule.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from optiscope.core.errors import OptiscopeError

if TYPE_CHECKING:
    from optiscope.core.session.setup import Session

#: The destinations of ``add_setup_options`` (and of options added to it later, such as a
#: formula's domain); one that differs from its default conflicts with --spec/--session.
SETUP_DESTS = ("surface", "domain", "start", "optimizer", "steps", "noise", "seed", "schedule")


def add_session_options(parser: argparse.ArgumentParser) -> None:
    """Call after ``add_setup_options``: the defaults it set are what "not given" means."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--spec",
        metavar="SPEC",
        help='the whole setup as one line: "optiscope:v1 surface=lecture-bowl opt=gd(lr=0.4)" '
        "(instead of the setup options)",
    )
    group.add_argument(
        "--session",
        metavar="FILE",
        help="the whole setup from a saved session file (instead of the setup options)",
    )
    parser.set_defaults(setup_defaults={d: parser.get_default(d) for d in SETUP_DESTS})


def session_from_args(args: argparse.Namespace) -> Session | None:
    """The session named by --spec or --session, or None when neither was given."""
    spec: str | None = getattr(args, "spec", None)
    path: str | None = getattr(args, "session", None)
    if spec is None and path is None:
        return None
    _refuse_setup_options(args, "--spec" if spec is not None else "--session")
    # Imported here: every start of the command line would otherwise pay for them.
    from optiscope.core.session.file import load
    from optiscope.core.session.spec import from_spec

    return from_spec(spec) if spec is not None else load(path or "")


def refuse_setup_with_lesson(args: argparse.Namespace) -> None:
    """--lesson sets the whole setup too, so it takes no setup option, spec or session."""
    if getattr(args, "lesson", None) is None:
        return
    for option in ("spec", "session"):
        if getattr(args, option, None) is not None:
            raise OptiscopeError(f"--lesson gives the whole setup: drop --{option}")
    _refuse_setup_options(args, "--lesson")


def _refuse_setup_options(args: argparse.Namespace, given: str) -> None:
    defaults: dict[str, object] = getattr(args, "setup_defaults", {})
    for dest, default in defaults.items():
        if getattr(args, dest, default) != default:
            raise OptiscopeError(
                f"{given} gives the whole setup: drop --{dest} "
                f"(or leave out {given} and give every option)"
            )
