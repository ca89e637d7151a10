"""The user's preferences: a small TOML file in the user config directory.

Unlike a session, preferences are read on every start, so a bad file must never stop the
app: each field that cannot be read falls back to its default, and the caller gets one
message to show once. ``OPTISCOPE_CONFIG_DIR`` moves the directory (tests, portable
installs) so nothing ever has to touch the real home directory.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import tomli_w

from optiscope.core.session.file import write_text_atomically

CONFIG_DIR_ENV = "OPTISCOPE_CONFIG_DIR"
FILE_NAME = "preferences.toml"
MAX_BYTES = 64_000
VIEWS = ("contours", "loss")
SPARKLINES = ("auto", "on", "off")
TABLE_LAYOUTS = ("auto", "wide", "stacked")


@dataclass(frozen=True)
class Preferences:
    """``sparklines = "auto"`` keeps the app's rule (shown from a tall enough terminal)."""

    theme: str = "textual-dark"
    view: str = "contours"
    sparklines: str = "auto"
    table_layout: str = "auto"

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


def load_preferences(path: Path | None = None) -> tuple[Preferences, str | None]:
    """The preferences and, when something had to be ignored, one line saying what.

    A missing file is the normal first run: defaults and no message.
    """
    where = path or preferences_path()
    try:
        with where.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return Preferences(), None
    except OSError as exc:
        return Preferences(), f"preferences not read ({where}: {exc.strerror or exc})"
    if len(data) > MAX_BYTES:
        return Preferences(), f"preferences ignored: {where} is larger than {MAX_BYTES:,} bytes"
    try:
        doc = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return Preferences(), f"preferences ignored: {where} is not UTF-8 text"
    except tomllib.TOMLDecodeError as exc:
        return Preferences(), f"preferences ignored: {where} is not valid TOML ({exc})"
    except RecursionError:
        return Preferences(), f"preferences ignored: {where} is nested too deeply"
    prefs, problems = _read(doc)
    if problems:
        return prefs, f"preferences in {where}: {'; '.join(problems)} (defaults used)"
    return prefs, None


def save_preferences(prefs: Preferences, path: Path | None = None) -> None:
    """Write atomically; raises OptiscopeError with a one-line message when it cannot."""
    text = "# optiscope preferences\n" + tomli_w.dumps(asdict(prefs))
    write_text_atomically(path or preferences_path(), text, "save preferences")


def _read(doc: dict[str, object]) -> tuple[Preferences, list[str]]:
    allowed: dict[str, tuple[str, ...]] = {
        "theme": theme_names(),
        "view": VIEWS,
        "sparklines": SPARKLINES,
        "table_layout": TABLE_LAYOUTS,
    }
    prefs = Preferences()
    problems: list[str] = []
    for key, value in doc.items():
        choices = allowed.get(key)
        if choices is None:
            problems.append(f"unknown setting {key!r}")
            continue
        if isinstance(value, bool) and key == "sparklines":
            value = "on" if value else "off"
        if not isinstance(value, str) or value not in choices:
            shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
            problems.append(f"{key} = {shown} is not one of {', '.join(choices)}")
            continue
        prefs = replace(prefs, **{key: value})
    return prefs, problems
