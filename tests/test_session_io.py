"""Sessions at the edges: the explorer's model, the command line and the preferences file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from optiscope.core.errors import OptiscopeError
from optiscope.core.noise import GradientNoise
from optiscope.core.schedules import parse_schedule
from optiscope.core.session.file import from_toml, save, to_toml
from optiscope.core.session.setup import Session, View
from optiscope.core.session.spec import from_spec, to_spec
from optiscope.core.surfaces import get_surface
from optiscope.core.surfaces.formula import FormulaSurface
from optiscope.tui import preferences
from optiscope.tui.cli.main import main
from optiscope.tui.explorer.sessions import model_of as model_from_session
from optiscope.tui.explorer.sessions import session_of as session_from_model
from optiscope.tui.model import ExplorerModel
from optiscope.tui.preferences import Preferences, load_preferences, save_preferences


def _edited_model() -> ExplorerModel:
    """A model changed the way a learner changes one: settings, hyperparameters, noise, cursor."""
    model = ExplorerModel.create(
        get_surface("rotated-bowl", kappa=50, theta=30),
        (1.5, -2.0),
        ["gd(lr=0.05)", "momentum(beta=0.8)", "rmsprop(lr=0.1, beta=0.9)", "adam"],
        GradientNoise(0.3, 7),
        parse_schedule("cosine(T=150)"),
        steps=300,
    )
    model.set_surface_setting("theta", "45")
    model.set_start((1.25, -2.5))
    model.focused = 3
    model.set_hyperparameter("lr", "0.07")
    model.set_hyperparameter("amsgrad", "true")
    model.cycle_focus(-2)
    model.jump(420)
    return model


def _assert_same_explorer(a: ExplorerModel, b: ExplorerModel) -> None:
    assert a.surface.describe() == b.surface.describe()
    assert (a.start, a.noise, a.schedule) == (b.start, b.noise, b.schedule)
    assert (a.cursor, a.focused, a.base_steps) == (b.cursor, b.focused, b.base_steps)
    assert [r.label for r in a.runs] == [r.label for r in b.runs]
    assert [r.setup.hyperparameters for r in a.runs] == [r.setup.hyperparameters for r in b.runs]
    for ra, rb in zip(a.runs, b.runs, strict=True):
        assert len(ra.trajectory) == len(rb.trajectory)
        for column in ("params", "loss", "grad", "update"):
            np.testing.assert_array_equal(
                ra.trajectory.column(column), rb.trajectory.column(column)
            )


@pytest.mark.parametrize("via", ["toml", "spec"])
def test_model_to_session_and_back_gives_the_same_runs_bit_for_bit(via: str) -> None:
    model = _edited_model()
    session = session_from_model(model, View(lesson="zigzag"))
    text = to_toml(session) if via == "toml" else to_spec(session)
    back = from_toml(text) if via == "toml" else from_spec(text)
    assert back == session and back.view.lesson == "zigzag"
    _assert_same_explorer(model, model_from_session(back))


def test_only_the_users_overrides_are_saved_so_suggested_rates_stay_suggested() -> None:
    session = session_from_model(_edited_model())
    assert session.surface == "rotated-bowl(kappa=50,theta=45)"
    assert session.optimizers == (
        "gd(lr=0.05)",
        "momentum(beta=0.8)",
        "rmsprop(lr=0.1,beta=0.9)",
        "adam(lr=0.07,amsgrad=true)",
    )
    assert (session.noise, session.seed, session.cursor, session.focused) == (0.3, 7, 420, 1)


def test_a_formula_surface_round_trips_with_its_domain() -> None:
    surface = FormulaSurface("(1 - x)**2 + 100*(y - x**2)**2", ((-2.0, 2.0), (-1.0, 3.0)))
    model = ExplorerModel.create(surface, (-1.5, 2.0), ["adam(lr=0.05)", "gd(lr=0.001)"])
    model.jump(50)
    session = from_spec(to_spec(session_from_model(model)))
    assert session.domain == ((-2.0, 2.0), (-1.0, 3.0))
    _assert_same_explorer(model, model_from_session(session))


# -- the command line -----------------------------------------------------------------------
SPEC = (
    "optiscope:v1 surface=rotated-bowl(kappa=50,theta=30) start=1,-2 opt=gd(lr=0.01) "
    "opt=rmsprop(lr=0.1,beta=0.9) opt=adam(lr=0.05,amsgrad=true) noise=0.3/4 "
    "schedule=cosine(T=20) steps=40"
)
OPTIONS = [
    "--surface", "rotated-bowl(kappa=50, theta=30)", "--start", "1,-2",
    "--optimizer", "gd(lr=0.01)", "--optimizer", "rmsprop(lr=0.1, beta=0.9)",
    "--optimizer", "adam(lr=0.05, amsgrad=true)", "--noise", "0.3", "--seed", "4",
    "--schedule", "cosine(T=20)", "--steps", "40",
]  # fmt: skip


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_run_spec_prints_exactly_what_the_equivalent_options_print(capsys, fmt: str) -> None:
    code, explicit, err = _run(capsys, "run", *OPTIONS, "--format", fmt)
    assert code == 0 and err == "" and len(explicit) > 1000
    code, from_spec_line, err = _run(capsys, "run", "--spec", SPEC, "--format", fmt)
    assert code == 0 and err == ""
    assert from_spec_line == explicit


def test_run_spec_with_a_formula_matches_surface_and_domain_options(capsys) -> None:
    options = ["--surface", "x**2 + 10*sin(y)", "--domain=-2,2,-1,1", "--steps", "30"]
    spec = "optiscope:v1 surface='x**2 + 10*sin(y)' domain=-2,2,-1,1 steps=30"
    _, explicit, _ = _run(capsys, "run", *options, "--format", "json")
    code, out, err = _run(capsys, "run", "--spec", spec, "--format", "json")
    assert code == 0 and err == "" and out == explicit and '"formula"' in out


def test_run_session_file_prints_exactly_what_the_spec_prints(capsys, tmp_path: Path) -> None:
    path = tmp_path / "setup.toml"
    save(from_spec(SPEC), path)
    _, expected, _ = _run(capsys, "run", "--spec", SPEC, "--format", "json")
    code, out, err = _run(capsys, "run", "--session", str(path), "--format", "json")
    assert code == 0 and err == "" and out == expected


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "--spec", SPEC, "--steps", "5"], "--spec gives the whole setup: drop --steps"),
        (["run", "--session", "x.toml", "--optimizer", "gd"], "drop --optimizer"),
        (["--spec", SPEC, "--domain=-1,1"], "drop --domain"),
        (["run", "--spec", SPEC, "--session", "x.toml"], "not allowed with argument --spec"),
        (["run", "--spec", "optiscope:v1 opt=warp"], "unknown optimizer 'warp'"),
        (["run", "--session", "missing.toml"], "cannot load session missing.toml: No such file"),
        (["--spec", "hello"], "not an optiscope spec"),
    ],
)
def test_bad_spec_or_session_usage_is_one_line_and_exit_2(capsys, argv, message) -> None:
    code, out, err = _run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("optiscope: error: ") and message in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--lesson", "1", "--start", "1,1"], "--lesson gives the whole setup: drop --start"),
        (["--lesson", "1", "--spec", SPEC], "--lesson gives the whole setup: drop --spec"),
        (["--lesson", "1", "--session", "x.toml"], "drop --session"),
        (["serve", "--lesson", "1", "--optimizer", "adam"], "drop --optimizer"),
    ],
)
def test_a_lesson_with_setup_options_is_refused_instead_of_silently_winning(
    capsys, monkeypatch, argv, message
) -> None:
    from optiscope.tui.app import OptiscopeApp

    opened: list[object] = []
    monkeypatch.setattr(OptiscopeApp, "run", lambda self, *a, **k: opened.append(self))
    monkeypatch.setattr(
        "optiscope.tui.cli.web_server.OptiscopeServer.serve", lambda *a, **k: opened.append(a)
    )
    code, out, err = _run(capsys, *argv)
    assert code == 2 and out == "" and opened == []
    assert err.startswith("optiscope: error: ") and message in err and err.count("\n") == 1


def test_explorer_opens_on_the_spec_with_its_cursor_and_focus(monkeypatch) -> None:
    from optiscope.tui.app import OptiscopeApp

    opened: list[ExplorerModel] = []
    monkeypatch.setattr(OptiscopeApp, "run", lambda self, *a, **k: opened.append(self.start_model))
    monkeypatch.setattr("optiscope.tui.cli.launch._is_tty", lambda stream: True)
    spec = SPEC + " at=25 focus=2"
    assert main(["--spec", spec]) == 0
    (model,) = opened
    _assert_same_explorer(model, model_from_session(from_spec(spec)))
    assert (model.cursor, model.focused) == (25, 2)


# -- preferences ------------------------------------------------------------------------------
@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv(preferences.CONFIG_DIR_ENV, str(tmp_path / "config"))
    return tmp_path / "config"


def test_the_config_dir_override_is_where_preferences_go(config_dir: Path) -> None:
    assert preferences.preferences_path() == config_dir / "preferences.toml"
    assert load_preferences() == (Preferences(), None)  # first run: no file, no message
    chosen = Preferences(theme="nord", view="loss", sparklines="off", table_layout="stacked")
    save_preferences(chosen)
    assert (config_dir / "preferences.toml").is_file()
    assert load_preferences() == (chosen, None)
    assert chosen.sparklines_wanted is False and Preferences().sparklines_wanted is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00junk", "is not UTF-8 text"),
        (b"theme = [unclosed", "is not valid TOML"),
        (b"x" * 70_000, "is larger than"),
    ],
)
def test_an_unreadable_preferences_file_gives_defaults_and_one_message(
    config_dir: Path, content: bytes, message: str
) -> None:
    config_dir.mkdir()
    (config_dir / "preferences.toml").write_bytes(content)
    prefs, note = load_preferences()
    assert prefs == Preferences()
    assert note is not None and message in note and "\n" not in note


def test_bad_fields_fall_back_one_by_one_and_are_named(config_dir: Path) -> None:
    config_dir.mkdir()
    (config_dir / "preferences.toml").write_text(
        'theme = "no-such-theme"\nview = "loss"\nsparklines = true\ncolour = "red"\n'
        "table_layout = 3\n"
    )
    prefs, note = load_preferences()
    assert prefs == Preferences(view="loss", sparklines="on")
    assert note is not None
    for fragment in (
        "theme = 'no-such-theme' is not one of",
        "unknown setting 'colour'",
        "table_layout = 3",
    ):
        assert fragment in note


def test_preferences_that_cannot_be_saved_raise_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(OptiscopeError, match="cannot save preferences"):
        save_preferences(Preferences(), blocker / "preferences.toml")


def test_every_builtin_theme_is_accepted(config_dir: Path) -> None:
    for theme in preferences.theme_names():
        save_preferences(Preferences(theme=theme))
        assert load_preferences() == (Preferences(theme=theme), None)
    assert "textual-dark" in preferences.theme_names()


def test_session_dataclass_refuses_what_a_file_could_not_hold() -> None:
    with pytest.raises(OptiscopeError, match="1 to 8 optimizers"):
        Session(surface="booth", start=(0.0, 0.0), optimizers=("gd",) * 9)
