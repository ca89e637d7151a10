"""Writing a command's output: to stdout, or to ``--out FILE`` whole or not at all.

A file is written through a temporary file in the same folder and renamed over the target,
so an interrupted run (Ctrl+C) or a full disk never leaves half a CSV behind. A target that
exists and is not a regular file (``/dev/stdout``, ``/dev/null``, a FIFO, a device) is written
into directly: renaming over it would replace the device node itself (as root, ``--out
/dev/null`` would have left a CSV named /dev/null). Failures are runtime failures (exit
status 1), told in one line.
"""

from __future__ import annotations

import os
import sys


class OutputError(Exception):
    """The output could not be written: one line, exit status 1."""


def write_output(text: str, out: str | None) -> None:
    """``text`` to ``out`` (atomically), or to stdout when ``out`` is None."""
    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    import tempfile  # only here: it pulls in random, shutil and the compressors
    from pathlib import Path

    target = Path(out)
    if _special(target):
        try:
            with open(target, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        except OSError as exc:
            raise OutputError(f"cannot write {out}: {exc.strerror or exc}") from None
        return
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".part", dir=target.parent or Path(".")
        )
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        # mkstemp makes the file private (0600); a plain open() would have given 0666 & ~umask.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise OutputError(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _special(target: os.PathLike[str]) -> bool:
    """An existing file that is neither regular nor a folder: a device, a FIFO, a socket."""
    import stat

    try:
        mode = os.stat(target).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
