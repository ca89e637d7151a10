"""A session as one pasteable line, for a forum post or a bug report.

Grammar (whitespace separates fields; any order, except that ``opt`` keeps its order)::

    spec   := "optiscope:v1" (WS field)*
    field  := key "=" value
    value  := bare | "'" quoted "'"      bare: no whitespace, no quote; quoted: no quote
    key    := surface | domain | start | opt | noise | schedule | steps | at | focus
            | window | view | lesson

    surface=rotated-bowl(kappa=50,theta=30)  or  surface='x**2 + 10*sin(y)'
    domain=XLO,XHI,YLO,YHI   start=X,Y (or a named start: start=B)   opt=SPEC (repeatable)
    noise=SIGMA[/SEED]   schedule=SPEC   steps=N   at=CURSOR   focus=INDEX
    window=XLO,XHI,YLO,YHI   view=equal,loss,wide|stacked   lesson=ID

Single quotes because the line usually travels inside a shell's double quotes
(``optiscope --spec "..."``), where they need no escaping; formulas never contain one.
Forums that turn quotes curly, and backticks or double quotes around the whole line,
are forgiven. Numbers are written so that reading them gives
back the same float bit for bit. Omitted fields take the CLI's defaults.
"""

from __future__ import annotations

import re

from ..errors import OptiscopeError
from ..params import parse_number, shown
from ..specs import parse_start
from .setup import (
    DEFAULT_STEPS,
    MAX_OPTIMIZERS,
    TABLE_LAYOUTS,
    Session,
    View,
    build_surface,
    make_session,
    window_of,
)

PREFIX = "optiscope:v1"
MAX_SPEC_CHARS = 4_000
_KEYS = (
    "surface",
    "domain",
    "start",
    "opt",
    "noise",
    "schedule",
    "steps",
    "at",
    "focus",
    "window",
    "view",
    "lesson",
)
_CURLY = str.maketrans({"‘": "'", "’": "'"})
_FIELD = re.compile(r"([a-z]+)=(?:'([^']*)'|([^\s']+))(?=\s|$)")
_VIEW_FLAGS = ("equal", "loss", "auto", "wide", "stacked")


def to_spec(session: Session) -> str:
    """The one-line spec; ``from_spec(to_spec(s)) == s`` for every valid session."""
    parts = [PREFIX, f"surface={_value(session.surface)}"]
    if session.domain is not None:
        parts.append(f"domain={_window_text(session.domain)}")
    parts.append(f"start={_num(session.start[0])},{_num(session.start[1])}")
    parts += [f"opt={_value(spec)}" for spec in session.optimizers]
    if session.noise or session.seed:
        parts.append(f"noise={_num(session.noise)}/{session.seed}")
    if session.schedule != "constant":
        parts.append(f"schedule={_value(session.schedule)}")
    parts.append(f"steps={session.steps}")
    if session.cursor:
        parts.append(f"at={session.cursor}")
    if session.focused:
        parts.append(f"focus={session.focused}")
    view = session.view
    if view.window is not None:
        parts.append(f"window={_window_text(view.window)}")
    flags = [name for name, on in (("equal", view.equal_aspect), ("loss", view.loss_view)) if on]
    if view.table_layout != "auto":
        flags.append(view.table_layout)
    if flags:
        parts.append(f"view={','.join(flags)}")
    if view.lesson is not None:
        parts.append(f"lesson={view.lesson}")
    return " ".join(parts)


def from_spec(text: str) -> Session:
    """Read a spec line; garbage, unknown keys and invalid specs raise OptiscopeError."""
    if not isinstance(text, str):
        raise OptiscopeError(f"a spec string must be text; got {shown(text)}")
    if len(text) > MAX_SPEC_CHARS:
        raise OptiscopeError(f"the spec string is too long ({len(text):,} characters)")
    # A line pasted from a forum's code span or a shell command may keep its wrapping.
    line = text.translate(_CURLY).strip().strip('`"').strip()
    head = line.split(None, 1)[0] if line else ""
    rest = line[len(head) :]
    if head != PREFIX:
        if head.startswith("optiscope:v"):
            raise OptiscopeError(
                f"spec version {shown(head[10:])} is not supported (this reads v1)"
            )
        raise OptiscopeError(f"not an optiscope spec: it should start with {PREFIX}")
    return _session(_fields(rest))


def _fields(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos == len(text):
            return out
        match = _FIELD.match(text, pos)
        if match is None:
            bit = text[pos:].split(None, 1)[0]
            raise OptiscopeError(
                f"cannot read the spec at {bit[:40]!r}: expected key=value "
                "(quote a value with spaces in single quotes)"
            )
        key = match.group(1)
        if key not in _KEYS:
            raise OptiscopeError(f"unknown spec key {shown(key)} (keys: {', '.join(_KEYS)})")
        value = match.group(2) if match.group(2) is not None else match.group(3)
        out.append((key, value))
        pos = match.end()


def _session(fields: list[tuple[str, str]]) -> Session:
    seen: dict[str, str] = {}
    opts: list[str] = []
    for key, value in fields:
        if key == "opt":
            opts.append(value)
            if len(opts) > MAX_OPTIMIZERS:
                raise OptiscopeError(f"a spec compares at most {MAX_OPTIMIZERS} optimizers")
        elif key in seen:
            raise OptiscopeError(f"spec key {key!r} given twice")
        else:
            seen[key] = value
    out: dict[str, object] = {"surface": seen.get("surface", "lecture-bowl")}
    if opts:
        out["optimizers"] = tuple(opts)
    domain = _window(seen["domain"], "domain") if "domain" in seen else None
    if domain is not None:
        out["domain"] = domain
    if "start" in seen:
        out["start"] = parse_start(seen["start"], build_surface(str(out["surface"]), domain))
    if "noise" in seen:
        sigma, slash, seed = seen["noise"].partition("/")
        out["noise"] = _float(sigma, "noise")
        out["seed"] = _int(seed, "seed") if slash else 0
    if "schedule" in seen:
        out["schedule"] = seen["schedule"]
    out["steps"] = _int(seen["steps"], "steps") if "steps" in seen else DEFAULT_STEPS
    if "at" in seen:
        out["cursor"] = _int(seen["at"], "at")
    if "focus" in seen:
        out["focused"] = _int(seen["focus"], "focus")
    return make_session(out, _view(seen))


def _view(seen: dict[str, str]) -> View:
    flags = [f for f in seen.get("view", "").split(",") if f] if "view" in seen else []
    for flag in flags:
        if flag not in _VIEW_FLAGS:
            raise OptiscopeError(
                f"unknown view flag {shown(flag)} (flags: {', '.join(_VIEW_FLAGS)})"
            )
    layouts = [f for f in flags if f in TABLE_LAYOUTS]
    if len(layouts) > 1:
        raise OptiscopeError(f"view names two table layouts: {', '.join(layouts)}")
    return View(
        window=_window(seen["window"], "window") if "window" in seen else None,
        equal_aspect="equal" in flags,
        loss_view="loss" in flags,
        table_layout=layouts[0] if layouts else "auto",
        lesson=seen.get("lesson"),
    )


def _value(text: str) -> str:
    """A value bare when it can be, else in single quotes."""
    if "'" in text or any(c in text for c in "‘’`"):
        raise OptiscopeError(f"{shown(text)} cannot go in a spec string (it contains a quote)")
    if text and not any(c.isspace() for c in text):
        return text
    return f"'{text}'"


def _num(x: float) -> str:
    """Shortest text that reads back as exactly ``x`` (``6``, not ``6.0``; repr otherwise)."""
    short = f"{x:g}"
    return short if float(short) == x else repr(x)


def _window_text(window: tuple[tuple[float, float], tuple[float, float]]) -> str:
    (x0, x1), (y0, y1) = window
    return ",".join(_num(v) for v in (x0, x1, y0, y1))


def _window(text: str, what: str) -> tuple[tuple[float, float], tuple[float, float]]:
    parts = text.split(",")
    if len(parts) != 4:
        raise OptiscopeError(f"{what} must be XLO,XHI,YLO,YHI; got {shown(text)}")
    x0, x1, y0, y1 = (_float(p, what) for p in parts)
    return window_of(((x0, x1), (y0, y1)), what)


def _float(text: str, what: str) -> float:
    return float(parse_number(text, what))


def _int(text: str, what: str) -> int:
    if not re.fullmatch(r"[0-9]{1,19}", text):
        raise OptiscopeError(f"{what} must be a whole number in plain digits; got {shown(text)}")
    return int(text)


__all__ = ["PREFIX", "from_spec", "to_spec"]
