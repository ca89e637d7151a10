"""Shell completion and the manual page, generated from the one argparse parser.

``optiscope --print-completion bash|zsh`` prints a static script (shtab): the shell reads
it once, so pressing TAB never starts Python. ``optiscope --print-manpage`` prints the
manual page in roff (argparse-manpage). Both follow every option as the parser defines it.
"""

from __future__ import annotations

import argparse

#: Options that name files: the shell completes them with file names.
FILE_OPTIONS = ("--out", "--session")


def completion_script(parser: argparse.ArgumentParser, shell: str) -> str:
    import shtab

    for action in _all_actions(parser):
        if any(option in FILE_OPTIONS for option in action.option_strings):
            action.complete = shtab.FILE  # type: ignore[attr-defined]
    script: str = shtab.complete(parser, shell=shell)
    return script if script.endswith("\n") else script + "\n"


def manpage(parser: argparse.ArgumentParser) -> str:
    from argparse_manpage.manpage import Manpage  # type: ignore[import-untyped]

    page = str(Manpage(parser))
    return page if page.endswith("\n") else page + "\n"


def _all_actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    found = list(parser._actions)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += _all_actions(sub)
    return found
