"""What a browser tab may send ``optiscope serve``, checked before any of it reaches the tab's app.

textual-serve's page sends JSON lists over its websocket: ``["stdin", text]``, ``["resize",
{"width": w, "height": h}]``, ``["ping", stamp]``, ``["focus"]`` and ``["blur"]``. The stock
server passes them on as they come: one resize to 20000x20000 or one message of 3,000,000 keys
made an app allocate gigabytes, and a malformed message ended the session with a traceback.
Here a message becomes one of the types below or is refused with a reason (the session goes
on), terminal sizes are clamped, and keys pass a token bucket. No aiohttp, no textual-serve:
the rules are tested on their own.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeGuard

#: The largest terminal served: 500x200 cells fill a 4K screen at a 7-pixel font.
MAX_WIDTH, MAX_HEIGHT = 500, 200
#: What textual-serve's page asks for when it cannot measure the window.
DEFAULT_SIZE = (80, 24)
#: Keys a session may send at once: a pasted spec (a few hundred characters) ten times over.
KEY_BURST = 4096
#: Keys per second a session may keep up: a moving mouse reports up to ~150 times a second,
#: a held key repeats ~30 times; the explorer handles ~1000 steps a second.
KEYS_PER_SECOND = 200
#: The largest websocket message: a full burst of keys at 64 bytes each (a mouse report is ~20).
MAX_MESSAGE_BYTES = 256 * 1024
#: A ping's stamp is the page's clock in milliseconds; nothing longer is echoed.
MAX_PING_CHARS = 32

#: An escape sequence the page sends for one key or one mouse report (CSI ... or SS3 x).
_KEY_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1bO.", re.DOTALL)


class BadMessage(ValueError):
    """A message that is not one the page sends; the reason names what is wrong."""


@dataclass(frozen=True)
class Keys:
    data: bytes  # as the app reads them: UTF-8
    count: int


@dataclass(frozen=True)
class Resize:
    width: int
    height: int
    asked: tuple[int, int]  # before clamping, to say what was changed

    @property
    def clamped(self) -> bool:
        return (self.width, self.height) != self.asked


@dataclass(frozen=True)
class Ping:
    stamp: str


@dataclass(frozen=True)
class Focus:
    focused: bool


Message = Keys | Resize | Ping | Focus


def clamp_size(width: int, height: int) -> tuple[int, int]:
    return min(max(width, 1), MAX_WIDTH), min(max(height, 1), MAX_HEIGHT)


def size_from_query(query: Mapping[str, str]) -> Resize:
    """The starting size from ``/ws?width=&height=``: a missing or non-integer one is the
    default, any other clamped."""
    sizes = []
    for name, default in zip(("width", "height"), DEFAULT_SIZE, strict=True):
        text = query.get(name, "").strip()
        sizes.append(int(text) if re.fullmatch(r"[+-]?[0-9]{1,100}", text) else default)
    width, height = sizes
    return Resize(*clamp_size(width, height), asked=(width, height))


def key_count(text: str) -> int:
    """Keys in a ``stdin`` text: an escape sequence (an arrow, a mouse report) is one."""
    sequences = _KEY_SEQUENCE.findall(text)
    return len(text) - sum(len(s) for s in sequences) + len(sequences)


def describe(raw: str | bytes, limit: int = 60) -> str:
    """The start of a message as a log line can carry it."""
    shown = repr(raw[:limit])
    return shown + ("..." if len(raw) > limit else "") + f" ({len(raw)} characters)"


def parse_message(raw: str) -> Message:
    """The message a text frame carries; BadMessage if the page would never send it."""
    try:
        envelope = json.loads(raw)
    except (ValueError, RecursionError):
        raise BadMessage(f"a message that is not JSON: {describe(raw)}") from None
    if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
        raise BadMessage(f'a message that is not a ["type", ...] list: {describe(raw)}')
    kind, args = envelope[0], envelope[1:]
    if kind in ("focus", "blur") and not args:
        return Focus(kind == "focus")
    if len(args) != 1:
        raise BadMessage(f"a {kind[:20]!r} message with {len(args)} arguments: {describe(raw)}")
    (arg,) = args
    if kind == "stdin" and isinstance(arg, str):
        try:
            return Keys(arg.encode("utf-8"), key_count(arg))
        except UnicodeEncodeError:  # a lone surrogate ("\ud800") is valid JSON, not text
            raise BadMessage(f"a key message that is not text: {describe(raw)}") from None
    if kind == "resize" and isinstance(arg, dict):
        width, height = arg.get("width"), arg.get("height")
        if not (_plain_int(width) and _plain_int(height)):
            raise BadMessage(f"a resize without integer width and height: {describe(raw)}")
        return Resize(*clamp_size(width, height), asked=(width, height))
    if kind == "ping" and isinstance(arg, str) and len(arg) <= MAX_PING_CHARS:
        return Ping(arg)
    raise BadMessage(f"a message the page never sends: {describe(raw)}")


def _plain_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass
class KeyBucket:
    """A token bucket of keys: ``KEY_BURST`` at once, refilled at ``KEYS_PER_SECOND``.

    A message that does not fit is dropped whole: cutting it could split an escape sequence.
    """

    rate: float = KEYS_PER_SECOND
    burst: float = KEY_BURST
    tokens: float = KEY_BURST
    stamp: float = field(default_factory=time.monotonic)

    def take(self, keys: int, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if keys > self.tokens:
            return False
        self.tokens -= keys
        return True
