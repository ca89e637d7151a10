"""Sessions in the explorer (key w): the spec line, opening a spec, saving and loading files,
the view coming back, served mode's folder, and the preferences file read at start."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from textual.widgets import Button, Input, Label, TextArea

from optiscope.core.session.file import load, save
from optiscope.core.session.setup import View
from optiscope.core.session.spec import from_spec, to_spec
from optiscope.core.surfaces import get_surface
from optiscope.tui.app import OptiscopeApp
from optiscope.tui.explorer.sessions import session_of as session_from_model
from optiscope.tui.model import ExplorerModel
from optiscope.tui.preferences import CONFIG_DIR_ENV, load_preferences
from optiscope.tui.screens.session import SessionScreen
from optiscope.tui.widgets.loss_plot import LossPlot

SIZE = (120, 40)


def _app(tmp_path: Path, served: bool = False, **kwargs: object) -> OptiscopeApp:
    model = ExplorerModel.create(
        get_surface("himmelblau"), (0.5, -0.7), ["gd(lr=0.01)", "rmsprop(lr=0.05)"]
    )
    return OptiscopeApp(model, export_dir=tmp_path, served=served, **kwargs)  # type: ignore[arg-type]


async def _open(pilot) -> SessionScreen:  # type: ignore[no-untyped-def]
    await pilot.press("w")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, SessionScreen)
    return screen


async def _submit(pilot, box: str, text: str) -> None:  # type: ignore[no-untyped-def]
    field = pilot.app.screen.query_one(box, Input)
    field.value = text
    field.focus()
    await pilot.press("enter")
    await pilot.pause()


def _error(app: OptiscopeApp) -> str:
    return str(app.screen.query_one("#session-error", Label).render())


def _params(app: OptiscopeApp) -> list[np.ndarray]:
    return [r.trajectory.column("params") for r in app.explorer.model.runs]


async def test_the_dialog_shows_the_spec_line_that_reopens_this_exact_setup(
    tmp_path: Path,
) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        for key in ("n", "n", "n", "o"):
            await pilot.press(key)
        screen = await _open(pilot)
        spec = screen.query_one("#spec-text", TextArea).text
        session = from_spec(spec)
        assert session == session_from_model(app.explorer.model, app.explorer.current_view())
        assert (session.surface, session.start, session.cursor, session.focused) == (
            "himmelblau",
            (0.5, -0.7),
            3,
            1,
        )
        assert session.optimizers == ("gd(lr=0.01)", "rmsprop(lr=0.05)")
        screen.query_one("#copy-spec", Button).press()
        await pilot.pause()
        assert app.clipboard == spec
        assert not isinstance(app.screen, SessionScreen)


async def test_enter_saves_a_file_that_loads_back_to_the_same_session(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n", "v", "t")
        await _open(pilot)
        await _submit(pilot, "#file-input", "saddle")
        assert not isinstance(app.screen, SessionScreen)
        saved = load(tmp_path / "saddle.toml")
        assert saved == session_from_model(app.explorer.model, app.explorer.current_view())
        assert saved.cursor == 2
        assert saved.view.loss_view is True
        assert saved.view.table_layout == app.explorer.table.requested_layout != "auto"


async def test_saving_over_a_file_asks_once_more(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text("precious\n")
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await _submit(pilot, "#file-input", "mine.toml")
        assert "exists" in _error(app)
        assert (tmp_path / "mine.toml").read_text() == "precious\n"
        await pilot.press("enter")
        await pilot.pause()
        assert load(tmp_path / "mine.toml").surface == "himmelblau"


async def test_loading_a_file_restores_setup_cursor_and_view(tmp_path: Path) -> None:
    other = ExplorerModel.create(
        get_surface("rosenbrock"), (-1.0, 2.0), ["adam(lr=0.05)", "momentum"], steps=300
    )
    other.jump(40)
    other.extend_now(other.records_wanted())
    view = View(window=((-1.5, 1.5), (-0.5, 2.5)), equal_aspect=True, loss_view=False)
    save(session_from_model(other, view), tmp_path / "rb.toml")
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v")  # the loss view is on; the session's view turns it off
        await _open(pilot)
        screen = app.screen
        assert [p.name for p in screen.files] == ["rb.toml"]  # type: ignore[attr-defined]
        app.screen.query_one("#file-input", Input).value = "rb"
        app.screen.query_one("#load-file", Button).press()
        await pilot.pause()
        assert not isinstance(app.screen, SessionScreen)
        assert app.explorer.model.surface.name == "rosenbrock"
        assert app.explorer.model.cursor == 40
        assert [r.label for r in app.explorer.model.runs] == [r.label for r in other.runs]
        theirs_all = [r.trajectory.column("params") for r in other.runs]
        for mine, theirs in zip(_params(app), theirs_all, strict=True):
            np.testing.assert_array_equal(mine[:41], theirs[:41])
        assert app.explorer.plot.zoomed_view == ((-1.5, 1.5), (-0.5, 2.5))
        assert app.explorer.plot.equal_aspect is True
        assert app.explorer.plot_view == "contours"
        assert app.query_one(LossPlot).display is False


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xff\xfe garbage", "not UTF-8"),
        (b'format = "something-else"\n', "not an optiscope session"),
        (b"surface = [unclosed\n", "TOML"),
    ],
)
async def test_a_corrupt_or_foreign_file_is_refused_and_nothing_changes(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    (tmp_path / "bad.toml").write_bytes(content)
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n")
        version, before = app.explorer.model.version, _params(app)
        await _open(pilot)
        app.screen.query_one("#file-input", Input).value = "bad.toml"
        app.screen.query_one("#load-file", Button).press()
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        message = _error(app)
        assert "bad.toml" in message and expected.lower() in message.lower(), message
        assert app.explorer.model.version == version and app.explorer.model.cursor == 2
        for a, b in zip(before, _params(app), strict=True):
            np.testing.assert_array_equal(a, b)


async def test_a_pasted_spec_opens_its_setup_and_a_bad_one_is_refused(tmp_path: Path) -> None:
    spec = "optiscope:v1 surface='x**2 - y**2' domain=-2,2,-2,2 start=1,0.01 opt=gd(lr=0.1) at=5"
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await _submit(pilot, "#spec-input", "optiscope:v1 surface=nowhere")
        assert isinstance(app.screen, SessionScreen)
        assert "nowhere" in _error(app)
        assert app.explorer.model.surface.name == "himmelblau"
        await _submit(pilot, "#spec-input", spec)
        assert not isinstance(app.screen, SessionScreen)
        assert app.explorer.model.surface.name == "formula"
        assert app.explorer.model.cursor == 5
        # Closed form on the saddle: x ← 0.8 x, y ← 1.2 y.
        np.testing.assert_allclose(
            app.explorer.model.record(app.explorer.model.runs[0]).params,
            [0.8**5, 0.01 * 1.2**5],
            rtol=1e-12,
        )
        assert to_spec(app.explorer.current_session()).startswith(
            "optiscope:v1 surface='x**2 - y**2'"
        )


@pytest.mark.parametrize("name", ["../escape.toml", "/tmp/elsewhere.toml", "sub/dir.toml", "~x"])
async def test_served_sessions_only_take_plain_names_in_their_own_folder(
    tmp_path: Path, name: str
) -> None:
    folder = tmp_path / "session"
    folder.mkdir()
    app = _app(folder, served=True)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await _submit(pilot, "#file-input", name)
        assert isinstance(app.screen, SessionScreen)
        assert "plain name" in _error(app)
        await _submit(pilot, "#file-input", "fine")
        assert not isinstance(app.screen, SessionScreen)
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["fine.toml"]
    assert (folder / "fine.toml").is_file()


async def test_a_sessions_view_is_applied_at_start(tmp_path: Path) -> None:
    view = View(window=((-2.0, 2.0), (-3.0, 1.0)), loss_view=True, table_layout="wide")
    app = _app(tmp_path, view=view)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.query_one(LossPlot).display is True
        assert app.explorer.table.requested_layout == "wide"
        assert app.explorer.plot.zoomed_view == ((-2.0, 2.0), (-3.0, 1.0))
        assert app.explorer.current_view() == view


async def test_preferences_set_the_theme_and_default_view(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "preferences.toml").write_text(
        'theme = "nord"\nview = "loss"\nsparklines = "off"\ntable_layout = "stacked"\n'
    )
    monkeypatch.setenv(CONFIG_DIR_ENV, str(config))
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "nord"
        assert app.query_one(LossPlot).display is True
        assert app.explorer.table.requested_layout == "stacked"
        assert not app.screen.has_class("-spark")


async def test_a_corrupt_preferences_file_gives_defaults_and_one_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "preferences.toml").write_text("theme = [broken\n")
    monkeypatch.setenv(CONFIG_DIR_ENV, str(config))
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        messages = [n.message for n in app._notifications]
        assert any("preferences ignored" in m and "not valid TOML" in m for m in messages)
        assert app.explorer.plot_view == "contours"
        assert not app.query(LossPlot)  # the loss view is mounted when first shown


async def test_picking_a_theme_and_saving_the_view_writes_the_preferences(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    monkeypatch.setenv(CONFIG_DIR_ENV, str(config))
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.theme = "gruvbox"
        await pilot.pause()
        assert load_preferences()[0].theme == "gruvbox"
        await pilot.press("v", "s")
        app.explorer.action_save_preferences()
        await pilot.pause()
    prefs, note = load_preferences()
    assert note is None
    assert (prefs.theme, prefs.view) == ("gruvbox", "loss")
    assert prefs.sparklines in ("on", "off")
