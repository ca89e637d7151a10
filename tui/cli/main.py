"""Entry point of the ``optiscope`` command: argument parsing and one-line errors."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib.metadata import version
from typing import NoReturn

from optiscope.core.errors import OptiscopeError

from .highdim_command import add_highdim_parser
from .lesson_command import lesson_command
from .listing import list_command
from .map_command import add_map_parser
from .run_command import add_setup_options, run_command
from .serve_command import add_serve_parser
from .session_options import add_session_options, refuse_setup_with_lesson
from .sweep_command import add_sweep_parser

#: Options whose value may start with "-" (a start point such as -2,2).
_SIGNED_VALUE_OPTIONS = ("--start", "--window", "--domain", "--surface")


class UsageError(Exception):
    """Bad command-line usage: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="optiscope",
        description=(
            "Watch gradient-descent optimizers think, step by step. Without a command, opens "
            "the explorer; the setup options below preload it."
        ),
    )
    add_setup_options(parser)
    add_session_options(parser)
    parser.add_argument(
        "--lesson", metavar="ID", help="open the explorer on a lesson (optiscope list lessons)"
    )
    parser.add_argument("--version", action="version", version=f"optiscope {version('optiscope')}")
    # Set by `optiscope serve` on each browser session's app: files stay in a temporary folder.
    parser.add_argument("--served", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")
    run = sub.add_parser(
        "run",
        help="run optimizers headless and print their steps (table, CSV or JSON)",
        description="Run one or more optimizers from one start and print every step.",
    )
    add_setup_options(run)
    add_session_options(run)
    run.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help="output format"
    )
    run.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    run.add_argument(
        "--every",
        type=int,
        default=1,
        metavar="K",
        help="table and CSV: print every K-th step (the first and last always)",
    )
    run.set_defaults(handler=run_command)
    add_map_parser(sub)
    add_highdim_parser(sub)
    add_sweep_parser(sub)
    listing = sub.add_parser("list", help="list surfaces, optimizers or lessons, one per line")
    listing.add_argument("what", choices=("surfaces", "optimizers", "schedules", "lessons"))
    listing.set_defaults(handler=list_command)
    lesson = sub.add_parser(
        "lesson",
        help="a learner's question answered: setup, measured figures, answer",
        description="Print a lesson's question, setup, measured figures and answer, or open it.",
    )
    lesson.add_argument("id", metavar="ID", help="lesson id or number (optiscope list lessons)")
    lesson.add_argument("--open", action="store_true", help="open the explorer on the lesson")
    lesson.add_argument("--format", choices=("text", "json"), default="text")
    lesson.set_defaults(handler=lesson_command)
    add_serve_parser(sub)
    return parser


def join_signed_values(argv: Sequence[str]) -> list[str]:
    """Let ``--start -2,2`` through: argparse would take ``-2,2`` for an option."""
    out: list[str] = []
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in _SIGNED_VALUE_OPTIONS and i + 1 < len(args) and args[i + 1].startswith("-"):
            out.append(f"{arg}={args[i + 1]}")
            i += 2
            continue
        out.append(arg)
        i += 1
    return out


def main(argv: Sequence[str] | None = None) -> int:
    raw = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    try:
        args = parser.parse_args(join_signed_values(raw))
        if args.command is None:
            from .launch import launch, launch_lesson

            if args.lesson is not None:
                from optiscope.core.lessons.catalog import get_lesson

                refuse_setup_with_lesson(args)

                return launch_lesson(get_lesson(args.lesson), served=args.served)
            return launch(args)
        code: int = args.handler(args)
        return code
    except (UsageError, OptiscopeError) as exc:
        print(f"optiscope: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(
            f"optiscope: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "),
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
