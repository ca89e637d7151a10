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

import asyncio
import contextlib
from typing import Any

from textual import events
from textual.app import App
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input


def binds_in_arrival_order(app: App[Any], event: events.Key) -> bool:
    """Whether the app should look the key up in the bindings now, before routing it.

    True unless the focused widget would consume the key itself: printable keys still go
    to a focused text box as typing, and a widget marked ``PASSIVE_KEYS`` (the plots, the
    step table: they bind nothing of their own) takes no key before the bindings do. In a
    dialog only a one-line box is safe: every key it handles is typing or one of its own
    bindings, while a TextArea or a list may act on Enter or Tab in its key handler, which
    a binding of the dialog's must not pre-empt.
    """
    screen = app.screen
    if screen.maximized is not None:
        return False
    focused = app.focused
    if focused is None or getattr(focused, "PASSIVE_KEYS", False):
        return True
    if isinstance(screen, ModalScreen) and not isinstance(focused, Input):
        return False
    return not event.is_printable


#: How long a key waits for the focused box to take the keys typed before it.
TYPING_WAIT = 1.0


async def typed_so_far(widget: Widget | None) -> None:
    """Wait until ``widget`` has handled every key already routed to it.

    A key that is about to run a binding in the app's task (Enter, Tab, Escape) came after
    keys that were handed to the focused box as typing and may still wait in its queue:
    ``g 1 5 Enter`` in one burst must submit "15", not the "0" the box had before.
    """
    if widget is None or getattr(widget, "PASSIVE_KEYS", False):
        return
    handled = asyncio.Event()
    if widget.call_later(handled.set):
        # A timeout: the box went away (its dialog closed) and nothing waits in it.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(handled.wait(), TYPING_WAIT)
