"""Sessions in the explorer: the model as a Session and back, where session files go, and
the ``w`` dialog's actions.

On a learner's own machine a typed name is a path (``~/notes/saddle.toml``, relative to the
export folder). Served to a browser, the server's disk is not the user's: only a bare file
name is accepted and it always lands in the session's own temporary folder. Loading
validates first and changes the explorer only once nothing can fail.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

from optiscope.core.errors import OptiscopeError
from optiscope.core.session import file as session_file
from optiscope.core.session.setup import FORMAT, Session, View
from optiscope.core.session.spec import from_spec, to_spec

from ..model import ExplorerModel

if TYPE_CHECKING:
    from .screen import ExplorerScreen

#: How a session file begins (see core.session.file.to_toml): what the dialog lists.
MARKER = f'format = "{FORMAT}"'.encode()
HEAD_BYTES = 400


def session_of(model: ExplorerModel, view: View | None = None) -> Session:
    """The model's whole setup, its cursor and focus, and the view, as a Session.

    Optimizers are saved as the user's overrides only (``rmsprop(beta=0.9)``), not every
    resolved hyperparameter, so an lr left to the surface's suggestion stays that way.
    """
    setup = model.setup()
    return Session(
        **{name: getattr(setup, name) for name in setup.__dataclass_fields__},
        cursor=model.cursor,
        focused=model.focused,
        view=view or View(),
    )


def model_of(session: Session) -> ExplorerModel:
    """A new model on the session's setup, at its cursor and focus (built whole before the
    explorer takes it, so a failure leaves the running explorer untouched)."""
    return ExplorerModel.from_setup(session.setup, session.cursor, session.focused)


SUFFIX = ".toml"
DEFAULT_NAME = "optiscope-session.toml"
#: How many session files the dialog lists (newest first).
MAX_LISTED = 30
_BARE_NAME = re.compile(r"[A-Za-z0-9][\w.-]{0,79}")


def resolve(text: str, folder: Path, served: bool) -> Path:
    """The file a typed name stands for; ``.toml`` is added when the name has no suffix."""
    name = text.strip()
    if not name:
        raise OptiscopeError("type a file name first, e.g. saddle.toml")
    if served:
        if not _BARE_NAME.fullmatch(name) or ".." in name:
            raise OptiscopeError(
                "in the browser, sessions are kept in this session's own folder: type a plain "
                "name such as saddle.toml (letters, digits, . _ -)"
            )
        path = folder / name
    else:
        path = Path(name).expanduser()
        if not path.is_absolute():
            path = folder / path
    return path if path.suffix else path.with_suffix(SUFFIX)


def listed(folder: Path) -> list[Path]:
    """The session files in ``folder``, newest first (none if it cannot be read): ``.toml``
    files that say they are optiscope sessions, not every TOML file (pyproject.toml)."""
    try:
        files = [p for p in folder.iterdir() if p.suffix == SUFFIX and is_session_file(p)]
        files.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return []
    return files[:MAX_LISTED]


def is_session_file(path: Path) -> bool:
    """A regular file whose first lines carry the session format marker."""
    try:
        if not path.is_file():
            return False
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError:
        return False
    return MARKER in head


# -- the w dialog ------------------------------------------------------------------------------
async def open_dialog(screen: ExplorerScreen) -> None:
    """Open the session dialog on what the explorer shows now."""
    from ..screens.session import SessionActions, SessionScreen

    try:
        spec = to_spec(screen.current_session())
    except OptiscopeError as exc:
        screen.notify(str(exc), severity="warning")
        return
    folder, served = screen.folder, screen.served

    def exists(name: str) -> bool:
        try:
            return resolve(name, folder, served).exists()
        except OptiscopeError:
            return False  # save() says why the name is refused

    def save(name: str, overwrite: bool = False) -> str | None:
        try:
            path = resolve(name, folder, served)
            if path.exists() and not overwrite:
                return f"{path.name} exists"
            session = screen.current_session()
            session_file.save(session, path)
        except OptiscopeError as exc:
            return str(exc)
        if served and screen.app.is_web:
            text = io.StringIO(session_file.to_toml(session))
            screen.app.deliver_text(text, save_filename=path.name)
        screen.notify(f"session saved to {path}", timeout=4)
        return None

    def load_file(name: str) -> str | None:
        try:
            path = resolve(name, folder, served)
            screen.apply_session(session_file.load(path))
        except OptiscopeError as exc:
            return str(exc)
        screen.notify(f"session loaded from {path}", timeout=4)
        return None

    def load_spec(text: str) -> str | None:
        try:
            screen.apply_session(from_spec(text))
        except OptiscopeError as exc:
            return str(exc)
        return None

    def done(line: str | None) -> None:
        if line:
            screen.notify(line, timeout=4)

    actions = SessionActions(save, load_file, load_spec, screen.app.copy_to_clipboard, exists)
    await screen.app.push_screen(SessionScreen(spec, folder, listed(folder), actions, served), done)
