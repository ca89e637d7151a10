"""Parse ``name(key=value, ...)`` specs without ever evaluating them as code.

Used for optimizer specs (``rmsprop(lr=0.1, beta=0.9)``) and schedule specs
(``cosine(T=200)``). Values stay text; each schema's ``Param.validate`` converts them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .errors import OptiscopeError

_CALL = re.compile(r"^\s*([A-Za-z][\w-]*)\s*(?:\((.*)\))?\s*$", re.DOTALL)
_KEY = re.compile(r"^[A-Za-z_]\w*$")
MAX_SPEC_LENGTH = 500


def parse_call(text: str, what: str) -> tuple[str, dict[str, str]]:
    """Split ``name(a=1, b=true)`` into ``("name", {"a": "1", "b": "true"})``."""
    if len(text) > MAX_SPEC_LENGTH:
        raise OptiscopeError(f"{what} spec is too long ({len(text)} characters)")
    match = _CALL.match(text)
    if match is None:
        raise OptiscopeError(
            f"cannot read {what} spec {text!r}: expected name or name(key=value, ...)"
        )
    name, body = match.group(1), match.group(2)
    settings: dict[str, str] = {}
    if body is None or not body.strip():
        return name, settings
    for part in body.split(","):
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not _KEY.match(key) or not value:
            raise OptiscopeError(
                f"cannot read {what} spec {text!r}: {part.strip()!r} is not key=value"
            )
        if key in settings:
            raise OptiscopeError(f"cannot read {what} spec {text!r}: {key!r} given twice")
        settings[key] = value
    return name, settings


def format_call(name: str, settings: Mapping[str, object]) -> str:
    """The inverse of ``parse_call`` for display: ``rmsprop(lr=0.1, beta=0.9)``."""
    if not settings:
        return name
    inner = ", ".join(f"{k}={_value_text(v)}" for k, v in settings.items())
    return f"{name}({inner})"


def _value_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}" if float(f"{value:g}") == value else repr(value)
    return str(value)
