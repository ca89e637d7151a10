"""The status line and the ηeff strip turn Rich Text into segments themselves (a step's
status line cost more through ``Text.render``): the same cells and styles as Rich's."""

from __future__ import annotations

import pytest
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from optiscope.tui.widgets.text_lines import line_segments

BASE = Style(color="#e0e0e0", bgcolor="#1e1e1e")


def _rich(text: Text) -> list[tuple[str, Style | None]]:
    console = Console(width=400, color_system="truecolor")
    segments = Segment.apply_style(text.render(console, end=""), BASE)
    return _cells(segments)


def _cells(segments: object) -> list[tuple[str, Style | None]]:
    """Character by character, so how the text is split into segments does not matter."""
    return [(ch, seg.style) for seg in segments for ch in seg.text]  # type: ignore[attr-defined]


TEXTS = [
    Text("plain"),
    Text(""),
    Text.assemble(("paused  ", "dim"), ("t ", "dim"), ("300", "bold"), "  loss ", "5.52"),
    Text.assemble(("▶ 10 steps/s  ", "bold"), ("● ", "#ff5555"), "gd: ", ("diverged", "bold red")),
    Text.assemble(("‖∇f‖ ", "dim"), ("1.6", Style(italic=True)), " → 300 computing… 40%"),
    Text.assemble(("a", "red"), ("b", "blue"), "c"),
]


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_segments_are_richs(text: Text) -> None:
    mine = line_segments(text, BASE)
    assert mine is not None
    assert _cells(mine) == _rich(text)


def test_overlapping_spans_are_left_to_rich() -> None:
    text = Text("overlap")
    text.stylize("bold", 0, 5)
    text.stylize("red", 3, 7)
    assert line_segments(text, BASE) is None


def test_a_style_for_the_whole_text_is_left_to_rich() -> None:
    assert line_segments(Text("bold", style="bold"), BASE) is None


def test_a_theme_style_name_is_left_to_rich() -> None:
    assert line_segments(Text.assemble(("x", "not a style at all")), BASE) is None
