"""The footer is rebuilt only when the keys it shows change (tui/widgets/footer.py), and
always shows the keys in force."""

from __future__ import annotations

from pathlib import Path

from textual.widgets._footer import FooterKey

from optiscope.tui.app import OptiscopeApp
from optiscope.tui.model import ExplorerModel
from optiscope.tui.widgets.footer import Footer


def _shown(app: OptiscopeApp) -> set[str]:
    footer = app.screen.query_one(Footer)
    return {k.key for k in footer.query(FooterKey) if not k.has_class("-command-palette")}


def _in_force(app: OptiscopeApp) -> set[str]:
    """The keys Textual's footer would show: the screen's shown bindings, first per action."""
    seen: dict[str, str] = {}
    for _node, binding, _enabled, _tooltip in app.screen.active_bindings.values():
        if binding.show and binding.action not in seen:
            seen[binding.action] = binding.key
    return set(seen.values()) - {app.COMMAND_PALETTE_BINDING}


async def test_the_same_keys_do_not_rebuild_the_footer(tmp_path: Path) -> None:
    """Textual signals a change of bindings on every focus change; the footer rebuilds
    (a widget per key and a layout pass) only if the keys it shows changed."""
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f")
        await pilot.pause()
        footer = app.screen.query_one(Footer)
        keys = list(footer.query(FooterKey))
        footer.bindings_changed(app.screen)  # what a focus change between fields does
        for _ in range(3):
            await pilot.pause()
        assert list(footer.query(FooterKey)) == keys  # the same widgets: not recomposed


async def test_the_footer_shows_the_keys_in_force_after_each_change(tmp_path: Path) -> None:
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        steps = (
            ["f"],
            ["tab"],
            ["tab"],
            ["escape"],
            ["question_mark"],
            ["escape"],
            ["x"],
            ["y"],
            ["1"],
            ["escape"],
            ["y"],
        )
        for keys in steps:
            await pilot.press(*keys)
            for _ in range(3):
                await pilot.pause()
            if app.screen.query(Footer):
                assert _shown(app) == _in_force(app), keys
