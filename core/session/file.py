"""Sessions as TOML files: written atomically, read defensively.

A session file may come from anywhere (a forum, a colleague, a disk that filled up), so
reading refuses clearly, naming the file and the problem, instead of guessing: a foreign
TOML file (no ``format = "optiscope-session"``), another format version, an unknown key (a
typo would otherwise be silently ignored), a wrong type, a non-finite number, an oversized or
non-UTF-8 file. Nothing is applied until the whole file is valid.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

from ..errors import OptiscopeError
from ..params import shown
from .setup import (
    FORMAT,
    FORMAT_VERSION,
    MAX_OPTIMIZERS,
    Session,
    View,
    make_session,
)

#: A real session is a few hundred bytes; anything this large is not one.
MAX_FILE_BYTES = 1_000_000
_TOP_KEYS = (
    "format",
    "version",
    "surface",
    "domain",
    "start",
    "optimizers",
    "schedule",
    "steps",
    "cursor",
    "focused",
    "noise",
    "view",
)
_NOISE_KEYS = ("sigma", "seed")
_VIEW_KEYS = ("window", "equal_aspect", "loss_view", "table_layout", "lesson")


# -- TOML ----------------------------------------------------------------------------------
def to_toml(session: Session) -> str:
    """The session as a small TOML document a person can read and edit.

    Written by hand rather than by ``tomli_w.dumps``, which puts every array element on a line
    of its own (a start point over four lines); values still go through tomli_w's escaping.
    """
    lines = [
        "# An optiscope session: open it with `optiscope --session FILE`.",
        f"format = {_toml(FORMAT)}",
        f"version = {session.version}",
        f"surface = {_toml(session.surface)}",
    ]
    if session.domain is not None:
        lines.append(f"domain = {_toml(session.domain)}")
    lines.append(f"start = {_toml(session.start)}")
    lines.append("optimizers = [")
    lines += [f"    {_toml(spec)}," for spec in session.optimizers]
    lines.append("]")
    lines += [
        f"schedule = {_toml(session.schedule)}",
        f"steps = {session.steps}",
        f"cursor = {session.cursor}",
        f"focused = {session.focused}",
        "",
        "[noise]",
        f"sigma = {_toml(session.noise)}",
        f"seed = {session.seed}",
        "",
        "[view]",
    ]
    view = session.view
    if view.window is not None:
        lines.append(f"window = {_toml(view.window)}")
    lines += [
        f"equal_aspect = {_toml(view.equal_aspect)}",
        f"loss_view = {_toml(view.loss_view)}",
        f"table_layout = {_toml(view.table_layout)}",
    ]
    if view.lesson is not None:
        lines.append(f"lesson = {_toml(view.lesson)}")
    return "\n".join(lines) + "\n"


def _toml(value: object) -> str:
    """One value as inline TOML; floats by repr, so they read back bit for bit."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        import tomli_w  # here: the explorer's start-up reads files with no TOML to write

        return tomli_w.dumps({"v": value}).removeprefix("v = ").rstrip("\n")
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {shown(value)}")


def from_toml(text: str) -> Session:
    """Read a session document; anything that is not a valid session raises OptiscopeError."""
    if len(text) > MAX_FILE_BYTES:
        raise OptiscopeError(f"too large for a session ({len(text):,} characters)")
    import tomllib

    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise OptiscopeError(f"not valid TOML: {exc}") from None
    except RecursionError:
        raise OptiscopeError("not valid TOML: nested too deeply") from None
    if doc.get("format") != FORMAT:
        raise OptiscopeError(f'not an optiscope session (no line format = "{FORMAT}")')
    if "version" not in doc:
        raise OptiscopeError("the session has no format version")
    if not isinstance(doc["version"], int) or isinstance(doc["version"], bool):
        raise OptiscopeError(f"version must be a whole number; got {shown(doc['version'])}")
    if doc["version"] != FORMAT_VERSION:
        raise OptiscopeError(
            f"session format version {shown(doc['version'])} is not supported "
            f"(this optiscope reads version {FORMAT_VERSION})"
        )
    _known_keys(doc, _TOP_KEYS, "the session")
    if "surface" not in doc:
        raise OptiscopeError("the session names no surface")
    noise = _table(doc.get("noise", {}), "noise", _NOISE_KEYS)
    view = _table(doc.get("view", {}), "view", _VIEW_KEYS)
    fields = {k: v for k, v in doc.items() if k not in ("format", "version", "noise", "view")}
    if "optimizers" in fields:
        fields["optimizers"] = _list(fields["optimizers"], "optimizers", MAX_OPTIMIZERS)
    if "sigma" in noise:
        fields["noise"] = noise["sigma"]
    if "seed" in noise:
        fields["seed"] = noise["seed"]
    return make_session(fields, View(**view))  # type: ignore[arg-type]


def save(session: Session, path: str | os.PathLike[str]) -> None:
    """Write the session atomically: a crash mid-write leaves the old file untouched."""
    write_text_atomically(Path(path), to_toml(session), "save session")


def load(path: str | os.PathLike[str]) -> Session:
    """Read and validate a session file; the message names the file and what is wrong."""
    where = Path(path)
    try:
        data = read_regular_file(where, MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise OptiscopeError(f"cannot load session {where}: {exc.strerror or exc}") from None
    try:
        if len(data) > MAX_FILE_BYTES:
            raise OptiscopeError(f"larger than {MAX_FILE_BYTES:,} bytes, so not a session")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise OptiscopeError(f"not UTF-8 text (bad byte at offset {exc.start})") from None
        return from_toml(text)
    except OptiscopeError as exc:
        raise OptiscopeError(f"cannot load session {where}: {exc}") from None


def read_regular_file(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of ``path``, which must be a regular file.

    Opened without blocking and checked before reading: a FIFO named as a session or
    preferences file would otherwise wait forever for a writer, and a device or directory
    is never a file a user meant. Raises OSError (``strerror`` says why).
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return fh.read(limit)


def write_text_atomically(path: Path, text: str, what: str) -> None:
    """Write through a temporary file in the same directory, then rename over ``path``."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OptiscopeError(f"cannot {what} to {path}: {exc.strerror or exc}") from None


def _known_keys(table: Mapping[str, object], known: tuple[str, ...], where: str) -> None:
    unknown = [k for k in table if k not in known]
    if unknown:
        raise OptiscopeError(
            f"{where} has an unknown key {shown(unknown[0])} (keys: {', '.join(known)})"
        )


def _table(value: object, name: str, known: tuple[str, ...]) -> dict[str, object]:
    if not isinstance(value, dict):
        raise OptiscopeError(f"{name} must be a table [{name}]; got {shown(value)}")
    _known_keys(value, known, f"[{name}]")
    return value


def _list(value: object, name: str, limit: int) -> tuple[object, ...]:
    if not isinstance(value, list):
        raise OptiscopeError(f"{name} must be a list; got {shown(value)}")
    if len(value) > limit:
        raise OptiscopeError(
            f"a session compares at most {limit} {name}; this one has {len(value)}"
        )
    return tuple(value)
