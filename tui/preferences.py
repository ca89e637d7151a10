"""The user's preferences: a small TOML file in the user config directory.

Unlike a session, preferences are read on every start, so a bad file must never stop the
app: each field that cannot be read falls back to its default, and the caller gets one
message to show once. Only a regular file is read (a FIFO, a device or a directory in its
place would hang or mean nothing). ``OPTISCOPE_CONFIG_DIR`` moves the directory (tests,
portable installs) so nothing ever has to touch the real home directory.

The ``[keymap]`` table maps a binding id to the keys that trigger it, as Textual's
``App.set_keymap`` takes them (``step = "n,j"``, ``quit = "ctrl+q"``). This module checks
the form of each entry and, given the app's binding ids, the id; an entry that fails is
left out (that binding keeps its default keys) and named in the one message.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from optiscope.core.session.file import read_regular_file, write_text_atomically

CONFIG_DIR_ENV = "OPTISCOPE_CONFIG_DIR"
FILE_NAME = "preferences.toml"
MAX_BYTES = 64_000
VIEWS = ("contours", "loss")
SPARKLINES = ("auto", "on", "off")
TABLE_LAYOUTS = ("auto", "wide", "stacked")
MAX_KEYMAP_ENTRIES = 200
MAX_KEYS_TEXT = 100
#: One key as Textual names it: modifiers joined by "+", then a name (``left``,
#: ``question_mark``, ``f5``) or one printable character other than a space or comma.
_KEY = re.compile(r"(?:(?:ctrl|shift|alt|meta|super|hyper)\+)*(?:[a-z][a-z0-9_]+|[!-+\--~])")
_BINDING_ID = re.compile(r"[A-Za-z][\w.-]{0,63}")


@dataclass(frozen=True)
class Preferences:
    """``sparklines = "auto"`` keeps the app's rule (shown from a tall enough terminal)."""

    theme: str = "textual-dark"
    view: str = "contours"
    sparklines: str = "auto"
    table_layout: str = "auto"
    #: Binding id -> keys ("n,j"), for ``App.set_keymap``; only entries that passed the checks.
    keymap: dict[str, str] = field(default_factory=dict)

    @property
    def sparklines_wanted(self) -> bool | None:
        """What the app's ``spark_wanted`` takes: None follows the terminal's height."""
        return None if self.sparklines == "auto" else self.sparklines == "on"


def theme_names() -> tuple[str, ...]:
    """Textual's built-in themes: what a preferences file may name."""
    from textual.theme import BUILTIN_THEMES

    return tuple(BUILTIN_THEMES)


def config_dir() -> Path:
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir("optiscope", appauthor=False))


def preferences_path() -> Path:
    return config_dir() / FILE_NAME


def load_preferences(
    path: Path | None = None, binding_ids: Collection[str] | None = None
) -> tuple[Preferences, str | None]:
    """The preferences and, when something had to be ignored, one line saying what.

    A missing file is the normal first run: defaults and no message. ``binding_ids`` are
    the ids a ``[keymap]`` entry may name (the app's bindings); None checks only the form.
    """
    where = path or preferences_path()
    try:
        data = read_regular_file(where, MAX_BYTES + 1)
    except FileNotFoundError:
        return Preferences(), None
    except OSError as exc:
        return Preferences(), f"preferences not read ({where}: {exc.strerror or exc})"
    if len(data) > MAX_BYTES:
        return Preferences(), f"preferences ignored: {where} is larger than {MAX_BYTES:,} bytes"
    import tomllib  # here: without a preferences file, start-up never needs it

    try:
        doc = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return Preferences(), f"preferences ignored: {where} is not UTF-8 text"
    except tomllib.TOMLDecodeError as exc:
        return Preferences(), f"preferences ignored: {where} is not valid TOML ({exc})"
    except RecursionError:
        return Preferences(), f"preferences ignored: {where} is nested too deeply"
    prefs, problems = _read(doc, binding_ids)
    if problems:
        return prefs, f"preferences in {where}: {'; '.join(problems)} (defaults used)"
    return prefs, None


def save_preferences(prefs: Preferences, path: Path | None = None) -> None:
    """Write atomically; raises OptiscopeError with a one-line message when it cannot."""
    import tomli_w

    text = "# optiscope preferences\n" + tomli_w.dumps(asdict(prefs))
    write_text_atomically(path or preferences_path(), text, "save preferences")


def _read(
    doc: dict[str, object], binding_ids: Collection[str] | None
) -> tuple[Preferences, list[str]]:
    allowed: dict[str, tuple[str, ...]] = {
        "theme": theme_names(),
        "view": VIEWS,
        "sparklines": SPARKLINES,
        "table_layout": TABLE_LAYOUTS,
    }
    prefs = Preferences()
    problems: list[str] = []
    for key, value in doc.items():
        if key == "keymap":
            keymap, wrong = read_keymap(value, binding_ids)
            prefs = replace(prefs, keymap=keymap)
            problems += wrong
            continue
        choices = allowed.get(key)
        if choices is None:
            problems.append(f"unknown setting {key!r}")
            continue
        if isinstance(value, bool) and key == "sparklines":
            value = "on" if value else "off"
        if not isinstance(value, str) or value not in choices:
            problems.append(f"{key} = {_shown(value)} is not one of {', '.join(choices)}")
            continue
        prefs = replace(prefs, **{key: value})  # type: ignore[arg-type]
    return prefs, problems


def read_keymap(
    value: object, binding_ids: Collection[str] | None = None
) -> tuple[dict[str, str], list[str]]:
    """The usable entries of a ``[keymap]`` table and one problem per entry left out.

    Keys are normalised to Textual's spelling (no spaces, ``"n, j"`` -> ``"n,j"``, ``?`` ->
    ``question_mark``, as Textual names a binding's key); a key given to two bindings is
    kept for the first only, since one key cannot do two things.
    """
    if not isinstance(value, dict):
        return {}, [f"keymap must be a table [keymap]; got {_shown(value)}"]
    if len(value) > MAX_KEYMAP_ENTRIES:
        return {}, [f"keymap has {len(value)} entries; at most {MAX_KEYMAP_ENTRIES}"]
    keymap: dict[str, str] = {}
    owner: dict[str, str] = {}
    problems: list[str] = []
    for binding, keys in value.items():
        where = f"keymap {_shown(binding)}"
        if not _BINDING_ID.fullmatch(binding) or (
            binding_ids is not None and binding not in binding_ids
        ):
            problems.append(f"{where}: no binding has this id")
            continue
        if not isinstance(keys, str) or not keys.strip() or len(keys) > MAX_KEYS_TEXT:
            problems.append(f'{where} = {_shown(keys)}: give keys as text, e.g. "n,j"')
            continue
        names = [k.strip() for k in keys.split(",")]
        bad = next((k for k in names if not _KEY.fullmatch(k)), None)
        if bad is not None:
            problems.append(f"{where}: {_shown(bad)} is not a key (e.g. n, ctrl+n, shift+left)")
            continue
        taken = next((k for k in map(_textual_key, names) if k in owner), None)
        if taken is not None:
            problems.append(f"{where}: {taken!r} is already the key of {owner[taken]!r}")
            continue
        names = [_textual_key(k) for k in names]
        owner.update({name: binding for name in names})
        keymap[binding] = ",".join(names)
    return keymap, problems


def _textual_key(key: str) -> str:
    """``?`` -> ``question_mark``, ``ctrl+?`` -> ``ctrl+question_mark``: what a key event
    carries, so a keymap entry can match it (Textual does this for bindings, not keymaps)."""
    from textual.keys import _character_to_key

    if key.endswith("++"):  # ctrl++: the last "+" is the key itself
        modifiers, base = key[:-2].split("+"), "+"
    else:
        *modifiers, base = key.split("+") if key != "+" else ["+"]
    if len(base) == 1:
        base = _character_to_key(base)
    return "+".join([*modifiers, base])


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
