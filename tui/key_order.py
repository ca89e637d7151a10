"""Keys typed in a burst keep their order across focus changes.

Textual hands each key to the widget focused *when the key arrives* and runs bindings
later, when the key bubbles back up. Keys that arrive together (tmux send-keys, a paste
of commands, an SSH link catching up) are therefore routed before an earlier key's
binding has moved the focus: ``f Tab 0.5`` typed at once puts 0.5 in the wrong box.

The explorer runs bindings in the app's own task, in arrival order, whenever the focused
widget would not consume the key itself: printable keys still go to a focused text box
as typing, everything else is looked up in the binding chain first. Dialogs get the same
while a one-line box has the focus (``F x*x Tab -1,1,-2,2 Enter`` fills both boxes).
"""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.widget import Widget
from textual.widgets import Input


class InOrderKeysMixin(App[None]):
    """Mix into an App; ``passive_widgets`` never consume keys of their own."""

    passive_widgets: tuple[type[Widget], ...] = ()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            self.refocus_if_hidden()
            if self._binds_in_arrival_order(event) and await self._check_bindings(event.key):
                return
        await super().on_event(event)

    def refocus_if_hidden(self) -> None:
        """Called before each key: move the focus off a widget whose pane has been hidden
        since it was focused (the app knows where focus belongs)."""

    def _binds_in_arrival_order(self, event: events.Key) -> bool:
        if self.screen.maximized is not None:
            return False
        focused = self.focused
        if focused is None or isinstance(focused, self.passive_widgets):
            return True
        if self.screen is not self.screen_stack[0] and not isinstance(focused, Input):
            # In a dialog only a one-line box is safe: every key it handles is typing or one
            # of its own bindings. A TextArea or a list may act on Enter or Tab in its key
            # handler, which a binding of the dialog's must not pre-empt.
            return False
        return not event.is_printable
