"""Cells drawn over a frame, kept per row so an update can name the rows it changed.

A ``Layer`` maps figure row -> column -> (glyph, style). Layers are stacked over a frame the
way plotext stacks signals: a later layer replaces a cell's glyph and foreground, and keeps
its background. Comparing two versions of a layer row by row tells a widget which lines
to repaint, which is what makes a step cost a few rows instead of a whole plot.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from .frame import Frame
from .mapping import Canvas, Cell

CellStyle = tuple[str, Style | None]
Layer = dict[int, dict[int, CellStyle]]


def put(
    layer: Layer,
    canvas: Canvas,
    cells: Mapping[Cell, str] | Iterable[Cell],
    glyph: str | None,
    style: Style | None,
) -> None:
    """Draw canvas ``cells`` into ``layer`` (replacing what is there), in figure coordinates.

    ``cells`` is either a mapping cell -> glyph (braille) or an iterable of cells all drawn
    with ``glyph``.
    """
    top, left, rows = canvas.top, canvas.left, canvas.rows
    if isinstance(cells, Mapping):
        for (col, row), g in cells.items():
            layer.setdefault(top + rows - 1 - row, {})[left + col] = (g, style)
    else:
        assert glyph is not None
        entry = (glyph, style)
        for col, row in cells:
            layer.setdefault(top + rows - 1 - row, {})[left + col] = entry


def put_text(layer: Layer, x: int, y: int, parts: Sequence[tuple[str, Style | None]]) -> None:
    """Write styled text from figure position (x, y), one cell per character."""
    row = layer.setdefault(y, {})
    for text, style in parts:
        for ch in text:
            row[x] = (ch, style)
            x += 1


def changed_rows(old: Layer, new: Layer) -> set[int]:
    """Rows whose cells differ between two versions of a layer."""
    if old is new:
        return set()
    return {r for r in old.keys() | new.keys() if old.get(r) != new.get(r)}


def compose_row(frame: Frame, y: int, layers: Sequence[Layer]) -> list[CellStyle]:
    """Glyph and style of every cell of figure row ``y``: the frame, then each layer on top."""
    glyphs = list(frame.chars[y])
    styles = list(frame.styles[y])
    for layer in layers:
        row = layer.get(y)
        if not row:
            continue
        for x, (glyph, style) in row.items():
            if 0 <= x < frame.width:
                under = styles[x]
                if (
                    under is not None
                    and under.bgcolor is not None
                    and (style is None or style.bgcolor is None)
                ):
                    style = Style(bgcolor=under.bgcolor) + (style or Style())
                glyphs[x] = glyph
                styles[x] = style
    return list(zip(glyphs, styles, strict=True))


def row_strip(cells: Sequence[CellStyle], base: Style | None) -> Strip:
    """One Strip for a row of single-width cells, runs of one style merged into a segment.

    A blank cell looks the same in any style that only says how ink is drawn (a colour,
    bold), so blanks join the run beside them: a contour row alternates dots and blanks,
    and each change of style is an escape sequence on every repaint (a row of contours
    was ~70 of them, most between a dot and a blank)."""
    segments: list[Segment] = []
    run: list[str] = []
    run_style: Style | None = None
    blanks = True  # the run so far is all blanks
    for glyph, style in cells:
        if run and style != run_style:
            if _ink_only(style) and _ink_only(run_style):
                if glyph == " ":
                    run.append(glyph)  # a blank, drawn in the run's style
                    continue
                if blanks:
                    run_style = style  # the blanks so far are drawn in this cell's style
                    run.append(glyph)
                    blanks = False
                    continue
            segments.append(Segment("".join(run), run_style))
            run = []
            blanks = True
        run.append(glyph)
        run_style = style
        blanks = blanks and glyph == " "
    if run:
        segments.append(Segment("".join(run), run_style))
    strip = Strip(segments, len(cells))
    return strip.apply_style(base) if base is not None else strip


#: Whether a style changes only how ink is drawn, by style (see ``_ink_only``).
_INK_ONLY: dict[Style | None, bool] = {None: True}
_MARKS_ON_BLANKS = (
    "underline",
    "underline2",
    "strike",
    "reverse",
    "overline",
    "blink",
    "blink2",
    "frame",
    "encircle",
    "conceal",
)


def _ink_only(style: Style | None) -> bool:
    """True if a blank cell looks the same in ``style`` as in none: no background, nothing
    drawn across the cell (underline, strike, reverse, ...), no link."""
    known = _INK_ONLY.get(style)
    if known is None:
        assert style is not None
        known = (
            style.bgcolor is None
            and not style.link
            and not any(getattr(style, name) for name in _MARKS_ON_BLANKS)
        )
        if len(_INK_ONLY) < 4096:
            _INK_ONLY[style] = known
    return known


def message_strip(text: str, width: int, base: Style | None) -> Strip:
    """``text`` cropped or padded to ``width`` cells."""
    text = text[:width].ljust(width)
    return Strip([Segment(text, base)], width)
