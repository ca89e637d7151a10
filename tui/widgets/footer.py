"""Textual's footer, rebuilt only when the keys it shows change.

Textual's Footer recomposes (unmounts and mounts a widget per key, then lays the screen out
again) whenever the bindings might have changed, which is every focus change: moving from
one field of the form to the next, or Enter applying a value, cost ~20 ms before the next
frame, though the keys shown were the same.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """A Footer that skips rebuilding when the same keys would be shown."""

    _shown: Hashable = None

    def bindings_changed(self, screen: Screen[Any]) -> None:
        shown = self._keys_shown(screen)
        if shown is not None and shown == self._shown:
            return
        self._shown = shown
        super().bindings_changed(screen)

    def _keys_shown(self, screen: Screen[Any]) -> Hashable:
        """What ``compose`` draws from the screen's bindings: each shown key, its label,
        action, whether it is enabled, its tooltip and group; None if it cannot be read."""
        try:
            bindings = screen.active_bindings
        except Exception:
            return None
        return (
            tuple(
                (b.key, b.key_display, b.description, b.action, enabled, tooltip, b.group)
                for (_node, b, enabled, tooltip) in bindings.values()
                if b.show
            ),
            self.show_command_palette,
            self.compact,
        )
