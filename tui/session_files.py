"""Where the explorer's session files go: what a typed name means, and which files to offer.

On a learner's own machine a name is a path (``~/notes/saddle.toml``, relative to the
export folder). Served to a browser, the server's disk is not the user's: only a bare file
name is accepted and it always lands in the session's own temporary folder.
"""

from __future__ import annotations

import re
from pathlib import Path

from optiscope.core.errors import OptiscopeError

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
    """The ``.toml`` files in ``folder``, newest first (none if it cannot be read)."""
    try:
        files = [p for p in folder.iterdir() if p.suffix == SUFFIX and p.is_file()]
        files.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return []
    return files[:MAX_LISTED]
