"""Entry point of the ``optiscope`` command: argument parsing, one-line errors, exit status.

Start-up is part of the interface: a command imports its own modules only when it runs, so
``optiscope run`` never loads the high-dimensional problems, the lessons, sympy or the web
server (a test checks this in a subprocess). Handlers are therefore named as
``"module:function"`` and imported after parsing.

Exit status: 0 done (a diverged run is a result, not an error), 1 a runtime failure such as
a file that cannot be written, 2 bad usage or bad input (one line on stderr, nothing on
stdout), 130 interrupted by Ctrl+C.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from optiscope.core.errors import OptiscopeError

from ..process import started
from .help_text import HelpFormatter, epilog
from .options import number_type
from .output import OutputError
from .run_command import EVERY, add_setup_options
from .session_options import add_session_options, refuse_setup_with_lesson

#: Options whose value may start with "-" (a start point such as -2,2).
_SIGNED_VALUE_OPTIONS = ("--start", "--window", "--domain", "--surface")
COMPLETION_SHELLS = ("bash", "zsh")
EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UsageError(Exception):
    """Bad command-line usage: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


class _VersionAction(argparse.Action):
    """``--version``: the installed metadata is read only when asked (it costs ~30 ms)."""

    def __init__(self, option_strings: Sequence[str], dest: str = "version", **kw: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the version and exit", **kw)

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> NoReturn:
        from importlib.metadata import version

        print(f"optiscope {version('optiscope')}")
        parser.exit()


def add_version(parser: argparse.ArgumentParser) -> None:
    if "--version" not in parser._option_string_actions:
        parser.add_argument("--version", action=_VersionAction)


#: One-line help of each command: the command list of ``--help``, and the stub that stands
#: in for a command's parser when another command runs.
COMMAND_HELP = {
    "run": "run optimizers headless and print their steps (table, CSV or JSON)",
    "map": "run an optimizer from every cell of a grid of starts: which minimum, how fast",
    "highdim": "optimizers on an N-dimensional quadratic or logistic regression (and the basis)",
    "list": "list surfaces, optimizers, schedules or lessons, one per line",
    "lesson": "a learner's question answered: setup, measured figures, answer",
    "sweep": "run each optimizer at many learning rates: which lr is best for a metric",
    "serve": "serve the explorer to web browsers (each browser session gets its own)",
}


def build_parser(command: str | None = None, full: bool = True) -> argparse.ArgumentParser:
    """The parser of every command, or, given the ``command`` that will run (named first on
    the command line), that command's in full and one-line stubs for the rest: building
    every option of every command costs more than a short run takes."""
    parser = _Parser(
        prog="optiscope",
        description=(
            "Watch gradient-descent optimizers think, step by step. Without a command, opens "
            "the explorer (it needs a terminal); the setup options below preload it."
        ),
        epilog=epilog("explorer"),
    )
    if command is None:
        add_setup_options(parser)
        add_session_options(parser)
        parser.add_argument(
            "--lesson", metavar="ID", help="open the explorer on a lesson (optiscope list lessons)"
        )
    add_version(parser)
    parser.add_argument(
        "--print-completion",
        choices=COMPLETION_SHELLS,
        metavar="SHELL",
        help="print a shell completion script for bash or zsh and exit",
    )
    parser.add_argument(
        "--print-manpage", action="store_true", help="print the manual page (roff) and exit"
    )
    # Set by `optiscope serve` on each browser session's app: files stay in a temporary folder.
    parser.add_argument("--served", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")
    for name, add in _COMMANDS.items():
        if name == command or (command is None and full):
            add(sub)
        else:
            sub.add_parser(name, help=COMMAND_HELP[name])
    for name, each in sub.choices.items():
        add_version(each)
        if not each.epilog:
            each.epilog = epilog(name)
    return parser


def _add_run(sub: Any) -> None:
    run = sub.add_parser(
        "run",
        help=COMMAND_HELP["run"],
        description="Run one or more optimizers from one start and print every step.",
        epilog=epilog("run"),
    )
    add_setup_options(run)
    add_session_options(run)
    run.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help="output format"
    )
    run.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    run.add_argument(
        "--every",
        type=number_type(EVERY),
        default=1,
        metavar="K",
        help="table and CSV: print every K-th step (the first and last always)",
    )
    run.set_defaults(handler="optiscope.tui.cli.run_command:run_command")


def _add_list(sub: Any) -> None:
    listing = sub.add_parser(
        "list",
        help=COMMAND_HELP["list"],
        description="List what a setup can name, one per line.",
        epilog=epilog("list"),
    )
    listing.add_argument("what", choices=("surfaces", "optimizers", "schedules", "lessons"))
    listing.set_defaults(handler="optiscope.tui.cli.listing:list_command")


def _add_lesson(sub: Any) -> None:
    lesson = sub.add_parser(
        "lesson",
        help=COMMAND_HELP["lesson"],
        description="Print a lesson's question, setup, measured figures and answer, or open it.",
        epilog=epilog("lesson"),
    )
    lesson.add_argument("id", metavar="ID", help="lesson id or number (optiscope list lessons)")
    lesson.add_argument("--open", action="store_true", help="open the explorer on the lesson")
    lesson.add_argument("--format", choices=("text", "json"), default="text")
    lesson.set_defaults(handler="optiscope.tui.cli.lesson_command:lesson_command")


def _add_map(sub: Any) -> None:
    from .map_command import add_map_parser

    add_map_parser(sub)


def _add_highdim(sub: Any) -> None:
    from .highdim_command import add_highdim_parser

    add_highdim_parser(sub)


def _add_sweep(sub: Any) -> None:
    from .sweep_command import add_sweep_parser

    add_sweep_parser(sub)


def _add_serve(sub: Any) -> None:
    # Imported here: its module pulls in the web server's helpers.
    from .serve_command import add_serve_parser

    add_serve_parser(sub)


_COMMANDS: dict[str, Callable[[Any], None]] = {
    "run": _add_run,
    "map": _add_map,
    "highdim": _add_highdim,
    "list": _add_list,
    "lesson": _add_lesson,
    "sweep": _add_sweep,
    "serve": _add_serve,
}


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


def handler_of(args: argparse.Namespace) -> Callable[[argparse.Namespace], int]:
    """The command's function, imported now: ``"module:function"`` or a function."""
    named: str | Callable[[argparse.Namespace], int] = args.handler
    if callable(named):
        return named
    module, _, function = named.partition(":")
    found: Callable[[argparse.Namespace], int] = getattr(importlib.import_module(module), function)
    return found


def dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if getattr(args, "print_completion", None) is not None:
        started()
        from .completion import completion_script

        sys.stdout.write(completion_script(parser, args.print_completion))
        return EXIT_OK
    if args.print_manpage:
        started()
        from .completion import manpage

        sys.stdout.write(manpage(parser))
        return EXIT_OK
    if args.command is None:
        # The explorer says when it has started (after its first frame).
        from .launch import launch, launch_lesson

        if args.lesson is not None:
            from optiscope.core.lessons.catalog import get_lesson

            refuse_setup_with_lesson(args)
            return launch_lesson(get_lesson(args.lesson), served=args.served)
        return launch(args)
    started()
    return handler_of(args)(args)


def main(argv: Sequence[str] | None = None) -> int:
    raw = list(sys.argv[1:] if argv is None else argv)
    try:
        command = raw[0] if raw and raw[0] in COMMAND_HELP else None
        # Completion and the manual page describe every command; opening the explorer
        # needs none of them (their modules would be a tenth of its start-up).
        full = any(arg.startswith("--print-") for arg in raw)
        parser = build_parser(command, full=full)
        args = parser.parse_args(join_signed_values(raw))
        return dispatch(parser, args)
    except (UsageError, OptiscopeError) as exc:
        return _fail(EXIT_USAGE, f"optiscope: error: {exc}")
    except OutputError as exc:
        return _fail(EXIT_FAILURE, f"optiscope: error: {exc}")
    except BrokenPipeError:
        # The reader went away (`optiscope run | head`): nothing left to say to it.
        _silence_stdout()
        return EXIT_FAILURE
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        return _fail(EXIT_FAILURE, f"optiscope: error: {exc.strerror or exc}{where}")
    except MemoryError:
        return _fail(EXIT_FAILURE, "optiscope: error: out of memory (ask for fewer steps)")
    except KeyboardInterrupt:
        return _fail(EXIT_INTERRUPTED, "optiscope: interrupted")


def _fail(code: int, line: str) -> int:
    print(" ".join(line.split()), file=sys.stderr)
    return code


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def console_main() -> NoReturn:
    """The ``optiscope`` command (and ``python -m optiscope``): ``main``, then the exit.

    After the explorer the process ends at once (see ``launch.exit_at_once``): the
    interpreter's teardown of the app took ~0.45 s after every quit."""
    code = main()
    launch = sys.modules.get("optiscope.tui.cli.launch")
    if launch is not None and getattr(launch, "explorer_ran", False):
        launch.exit_at_once(code)
    sys.exit(code)


if __name__ == "__main__":
    console_main()
