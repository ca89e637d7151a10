"""Fixes for Textual bugs a key storm reaches, in one place (the only module of tui/ that
touches Textual's private API; tests/test_textual_fixes.py guards each fix).

- OptionList page keys before the list is laid out: ``_move_page`` reads
  ``_index_to_line[highlighted]``, which is empty while the list has no height yet (a
  command palette opened in a 40x12 terminal, Page Down pressed at once): KeyError 0 and
  the app crashes. Paging a list that shows no lines does nothing instead.
- Watchers of removed widgets pile up: ``watch`` (and ``data_bind``, which uses it) adds
  the watcher to the watched object's list, and closed watchers leave that list only when
  the value changes. The Footer data-binds ``compact`` into every key it composes and
  recomposes on every screen change, so each dialog opened and closed kept ~24 dead
  FooterKeys (0.6 MB): 200 dialogs, 120 MB. Closed watchers are dropped when a new one
  is added instead.
- Signal subscribers of removed widgets are never freed: a Signal keeps them in a
  WeakKeyDictionary whose values (the callbacks) refer back to their keys, so the weak
  keys never die. Every Input subscribes to its screen's text-selection signal, and the
  explorer's form mounts new Inputs whenever the focused optimizer changes: an add and
  remove of an optimizer kept ~0.2 MB. Closed subscribers are dropped on each subscribe.
- Every widget's line cache outlives the widget: ``StylesCache.get_inner_outer`` is an
  ``lru_cache`` on a method, so it keys (and keeps) the instance, with the rendered lines
  of a widget long removed, up to 1,024 of them (~0.15 MB per dialog opened). The same
  two styles are computed from the two colours alone instead, cached by colour.
- A partial repaint asks every widget for all its lines: ``Compositor._render_chops``
  takes each widget whose *clip* (its parent's area) meets the box around the changed
  lines and renders the widget's whole region, though only the changed lines are drawn.
  A step changes ~8 lines of the explorer, between a plot row and the status line, so
  ten widgets (four of them containers) were asked for ~220 lines: ~1 ms of the 4 ms a
  step takes. Each widget that meets that box is asked for the changed lines only; what
  is drawn is the same (a test compares the two).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from itertools import pairwise
from typing import Any

import textual.dom
from textual._compositor import Compositor
from textual._styles_cache import StylesCache
from textual.color import Color
from textual.geometry import Region
from textual.signal import Signal
from textual.widgets import OptionList

_original_move_page = OptionList._move_page
_original_watch = getattr(textual.dom, "_watch")  # noqa: B009  (not in its __all__)
_original_subscribe = Signal.subscribe


def _move_page_when_laid_out(self: OptionList, direction: Any) -> None:
    if (self.highlighted or 0) not in self._index_to_line or not self._lines:
        return  # nothing laid out to page through yet
    _original_move_page(self, direction)


def _watch_dropping_closed(
    node: Any, obj: Any, attribute_name: str, callback: Any, *, init: bool = True
) -> None:
    watchers = getattr(obj, "__watchers", None)
    if watchers is not None and attribute_name in watchers:
        watchers[attribute_name][:] = [
            (watcher, call)
            for watcher, call in watchers[attribute_name]
            if not (watcher._closing or watcher._closed)
        ]
    _original_watch(node, obj, attribute_name, callback, init=init)


def _subscribe_dropping_closed(
    self: Signal[Any], node: Any, callback: Any, immediate: bool = False
) -> None:
    for subscriber in [n for n in self._subscriptions if n._closing or n._closed]:
        self._subscriptions.pop(subscriber, None)
    _original_subscribe(self, node, callback, immediate)


#: Textual's own function under its cache (it never reads the instance).
_original_inner_outer = StylesCache.get_inner_outer.__wrapped__


@lru_cache(1024)
def _inner_outer(base_background: Color, background: Color) -> Any:
    """Textual's ``StylesCache.get_inner_outer``, cached by the colours alone."""
    return _original_inner_outer(None, base_background, background)


def _get_inner_outer(self: StylesCache, base_background: Color, background: Color) -> Any:
    return _inner_outer(base_background, background)


_original_render_chops = Compositor._render_chops


def _render_drawn_lines(
    self: Compositor, crop: Region, is_rendered_line: Callable[[int], bool]
) -> Sequence[Mapping[int, Any]]:
    """Textual's ``Compositor._render_chops``, asking each widget only for the lines drawn
    where no widget in front of it has drawn already."""
    cuts = self.cuts
    chops: list[dict[int, Any]] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
    top, bottom, left, right = crop.y, crop.bottom, crop.x, crop.right
    crop_overlaps = crop.overlaps
    # Front to back, as Textual paints: the first strip for a cut wins.
    for widget, (region, clip) in self.visible_widgets.items():
        shown = region.intersection(clip)
        if not crop_overlaps(shown):
            continue  # none of its cells is drawn
        x, _, width, _ = shown
        first_cut, last_cut = shown.column_span
        # Its lines that still have a piece to fill inside the crop (only those are
        # written: a partial update writes spans inside the crop).
        lines = []
        for y in range(max(shown.y, top), min(shown.bottom, bottom)):
            if not is_rendered_line(y):
                continue
            line_cuts, filled = cuts[y], chops[y].get
            if any(
                first_cut <= cut < last_cut and cut < right and end > left and filled(cut) is None
                for cut, end in pairwise(line_cuts)
            ):
                lines.append(y)
        if not lines:
            continue
        first = lines[0]  # one call per widget: each costs ~50 µs before any line
        strips = widget.render_lines(
            Region(x - region.x, first - region.y, width, lines[-1] + 1 - first)
        )
        for y in lines:
            chops_line = chops[y]
            final_cuts = [cut for cut in cuts[y] if last_cut >= cut >= first_cut]
            pieces = strips[y - first].divide([cut - x for cut in final_cuts[1:]])
            for cut, piece in zip(final_cuts, pieces, strict=False):  # as Textual zips them
                if chops_line.get(cut) is None:
                    chops_line[cut] = piece
    return chops


def apply() -> None:
    """Install the fixes (idempotent)."""
    OptionList._move_page = _move_page_when_laid_out  # type: ignore[method-assign]
    setattr(textual.dom, "_watch", _watch_dropping_closed)  # noqa: B010
    Signal.subscribe = _subscribe_dropping_closed  # type: ignore[method-assign]
    StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[method-assign,assignment]
    Compositor._render_chops = _render_drawn_lines  # type: ignore[method-assign]
