"""``optiscope list surfaces|optimizers|schedules``: one line each, for people and scripts."""

from __future__ import annotations

import argparse

from optiscope.core.optimizers import OPTIMIZERS
from optiscope.core.schedules import KINDS
from optiscope.core.surfaces import SURFACES


def list_lines(what: str) -> list[str]:
    if what == "lessons":
        from .lesson_command import lesson_lines

        return lesson_lines()
    if what == "surfaces":
        width = max(len(n) for n in SURFACES)
        return [f"{name:<{width}}  {cls.title}: {cls.teaches}" for name, cls in SURFACES.items()]
    if what == "optimizers":
        width = max(len(n) for n in OPTIMIZERS)
        lines = []
        for name, opt in OPTIMIZERS.items():
            settings = ", ".join(p.name for p in opt.schema)
            lines.append(f"{name:<{width}}  {opt.title}: {opt.summary} [{settings}]")
        return lines
    width = max(len(n) for n in KINDS)
    return [
        f"{name:<{width}}  {kind.summary}"
        + (f" [{', '.join(p.name for p in kind.schema)}]" if kind.schema else "")
        + (f"; {kind.note}" if kind.note else "")
        + (f". Use: {kind.use}" if kind.use else "")
        for name, kind in KINDS.items()
    ]


def list_command(args: argparse.Namespace) -> int:
    print("\n".join(list_lines(args.what)))
    return 0
