"""Sessions in the core: TOML and spec-string round trips, and every way a file can be wrong."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from optiscope.core.callspec import format_call, parse_call
from optiscope.core.errors import OptiscopeError
from optiscope.core.optimizers import OPTIMIZERS
from optiscope.core.params import Param
from optiscope.core.schedules import KINDS
from optiscope.core.session.file import MAX_FILE_BYTES, from_toml, load, save, to_toml
from optiscope.core.session.setup import MAX_CURSOR, MAX_STEPS, Session, View
from optiscope.core.session.spec import from_spec, to_spec
from optiscope.core.specs import parse_optimizer
from optiscope.core.surfaces import SURFACES

ROOT = Path(__file__).resolve().parent.parent
FORMULAS = ("x**2 + 10*sin(y)", "(1 - x)**2 + 100*(y - x**2)**2", "abs(x) + 0.5*y^2", "x*y")


def _other_value(p: Param) -> object:
    """A valid value that is not the default, so a round trip has something to lose."""
    if p.kind == "bool":
        return not p.default
    step = 1 if p.kind == "int" else 0.125
    for candidate in (p.default + step, p.default - step, p.default * 0.5):
        try:
            return p.validate(candidate)
        except OptiscopeError:
            continue
    return p.default


def _round_trips(session: Session) -> None:
    assert from_toml(to_toml(session)) == session
    spec = to_spec(session)
    assert "\n" not in spec and from_spec(spec) == session


# -- round trips ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_every_optimizer_with_every_hyperparameter_changed_round_trips(name: str) -> None:
    opt = OPTIMIZERS[name]
    spec = format_call(name, {p.name: _other_value(p) for p in opt.schema})
    session = Session(surface="rosenbrock", start=(-1.5, 2.0), optimizers=(spec, "gd"), focused=1)
    _round_trips(session)
    back = from_spec(to_spec(session))
    assert parse_optimizer(back.optimizers[0]).hyperparameters == (
        parse_optimizer(spec).hyperparameters
    )


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_schedule_round_trips(kind: str) -> None:
    spec = format_call(kind, {p.name: _other_value(p) for p in KINDS[kind].schema})
    session = Session(surface="lecture-bowl", start=(0.3, -2.3), schedule=spec, steps=321)
    _round_trips(session)
    assert parse_call(from_toml(to_toml(session)).schedule, "schedule") == parse_call(spec, "x")


def test_noise_seed_cursor_and_view_round_trip() -> None:
    view = View(((-6.5, 6.25), (-3.0, 3.1)), True, True, "stacked", "zigzag")
    session = Session(
        surface="rotated-bowl(kappa=50, theta=30)",
        start=(0.1 + 0.2, -1e-300),
        optimizers=("adam(lr=0.1, amsgrad=true)", "rmsprop"),
        noise=0.3,
        seed=2**40,
        steps=0,
        cursor=MAX_CURSOR,
        focused=1,
        view=view,
    )
    _round_trips(session)
    assert session.surface == "rotated-bowl(kappa=50,theta=30)"  # one canonical spelling


@pytest.mark.parametrize("formula", FORMULAS)
def test_formula_surfaces_keep_their_text_and_domain(formula: str) -> None:
    session = Session(
        surface=formula, domain=((-2.0, 2.0), (-1.0, 3.0)), start=(-1.5, 2.5), optimizers=("gd",)
    )
    assert session.surface == formula
    _round_trips(session)
    if " " in formula:
        assert f"surface='{formula}'" in to_spec(session)


def test_a_typical_four_optimizer_spec_fits_a_forum_line() -> None:
    session = Session(
        surface="lecture-bowl",
        start=(-4.7, -1.3),
        optimizers=(
            "gd(lr=0.4)",
            "momentum(lr=0.4, beta=0.9)",
            "rmsprop(lr=0.1, beta=0.9)",
            "adam(lr=0.1)",
        ),
        noise=0.3,
        seed=1,
        steps=200,
    )
    spec = to_spec(session)
    assert spec == (
        "optiscope:v1 surface=lecture-bowl start=-4.7,-1.3 opt=gd(lr=0.4) "
        "opt=momentum(lr=0.4,beta=0.9) opt=rmsprop(lr=0.1,beta=0.9) opt=adam(lr=0.1) "
        "noise=0.3/1 steps=200"
    )
    assert len(spec) < 200


def test_a_spec_mangled_by_a_forum_still_reads() -> None:
    """Curly quotes, a non-breaking space and a wrapped line are what pasting does."""
    session = Session(surface="x**2 + 10*sin(y)", start=(1.0, 2.0), optimizers=("gd", "adam"))
    mangled = to_spec(session).replace("'", "‘", 1).replace("'", "’", 1)
    mangled = mangled.replace(" start", "\u00a0start").replace(" opt=adam", "\n  opt=adam")
    assert from_spec(mangled) == session
    assert from_spec(f"`{to_spec(session)}`") == from_spec(f'"{to_spec(session)}"') == session


def test_omitted_fields_take_the_command_line_defaults() -> None:
    session = from_spec("optiscope:v1 surface=himmelblau start=corner")
    assert session == Session(
        surface="himmelblau",
        start=SURFACES["himmelblau"]().starts["corner"],
        optimizers=("gd", "momentum", "rmsprop", "adam"),
        steps=100,
    )


# -- property: any valid session survives both forms ----------------------------------------
def _param_values(p: Param) -> st.SearchStrategy[object]:
    if p.kind == "bool":
        return st.booleans()
    if p.kind == "int":
        low = int(p.low if p.low is not None else -50) + (1 if p.low_open else 0)
        return st.integers(low, min(int(p.high) if p.high is not None else low + 50, low + 50))
    return st.floats(
        min_value=p.low if p.low is not None else -1e6,
        max_value=p.high if p.high is not None else 1e6,
        exclude_min=p.low_open,
        exclude_max=p.high_open,
        allow_nan=False,
    )


@st.composite
def _calls(draw: st.DrawFn, name: str, schema: tuple[Param, ...]) -> str:
    chosen = draw(st.lists(st.sampled_from(schema), unique=True)) if schema else []
    return format_call(name, {p.name: draw(_param_values(p)) for p in chosen})


finite = st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def _windows(draw: st.DrawFn) -> tuple[tuple[float, float], tuple[float, float]]:
    x = sorted(draw(st.lists(st.floats(-1e5, 1e5), min_size=2, max_size=2, unique=True)))
    y = sorted(draw(st.lists(st.floats(-1e5, 1e5), min_size=2, max_size=2, unique=True)))
    return ((x[0], x[1]), (y[0], y[1]))


@st.composite
def sessions(draw: st.DrawFn) -> Session:
    domain = None
    if draw(st.integers(0, 4)) == 0:
        surface = draw(st.sampled_from(FORMULAS))
        domain = draw(st.sampled_from([None, ((-2.0, 2.0), (-1.0, 3.0)), ((0.5, 1.25), (-7, 7))]))
    else:
        cls = SURFACES[draw(st.sampled_from(sorted(SURFACES)))]
        surface = draw(_calls(cls.name, cls.PARAMS))
    names = draw(st.lists(st.sampled_from(sorted(OPTIMIZERS)), min_size=1, max_size=8))
    opts = tuple(draw(_calls(n, OPTIMIZERS[n].schema)) for n in names)
    kind = draw(st.sampled_from(sorted(KINDS)))
    view = View(
        draw(st.none() | _windows()),
        draw(st.booleans()),
        draw(st.booleans()),
        draw(st.sampled_from(("auto", "wide", "stacked"))),
        draw(st.none() | st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True)),
    )
    try:
        return Session(
            surface=surface,
            domain=domain,
            start=(draw(finite), draw(finite)),
            optimizers=opts,
            noise=draw(st.floats(0, 1e6)),
            seed=draw(st.integers(0, 2**63 - 1)),
            schedule=draw(_calls(kind, KINDS[kind].schema)),
            steps=draw(st.integers(0, MAX_STEPS)),
            cursor=draw(st.integers(0, MAX_CURSOR)),
            focused=draw(st.integers(0, len(opts) - 1)),
            view=view,
        )
    except OptiscopeError:
        reject()  # a cross-field rule the per-field strategies do not know


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions())
def test_any_valid_session_round_trips_through_toml_and_spec(session: Session) -> None:
    _round_trips(session)


# -- files that are not sessions --------------------------------------------------------------
GOOD = to_toml(Session(surface="lecture-bowl", start=(-4.7, -1.3), optimizers=("gd", "adam")))


def _edited(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


CORRUPT: dict[str, tuple[bytes, str]] = {
    "binary junk": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", r"not UTF-8 text \(bad byte"),
    "nul bytes": (b"format = \x00\x00", "not valid TOML"),
    "truncated": (GOOD[: GOOD.index('"adam"')].encode(), "not valid TOML: .*end of document"),
    "syntax error": (_edited("steps = 100", "steps = = 100").encode(), r"line 11, column 9"),
    "pyproject": ((ROOT / "pyproject.toml").read_bytes(), "not an optiscope session"),
    "empty": (b"", "not an optiscope session"),
    "deep nesting": (b"x = " + b"[" * 50_000, "not valid TOML"),
    "future version": (
        _edited("version = 1", "version = 2").encode(),
        "version 2 is not supported",
    ),
    "version as text": (
        _edited("version = 1", 'version = "1"').encode(),
        "version must be a whole number; got '1'",
    ),
    "no version": (_edited("version = 1\n", "").encode(), "no format version"),
    "unknown key": (_edited("steps =", 'colour = "red"\nsteps =').encode(), "unknown key 'colour'"),
    "unknown view key": (
        _edited("[view]", "[view]\nzoom = 2").encode(),
        r"\[view\] has an unknown",
    ),
    "start as text": (_edited("start = [-4.7, -1.3]", 'start = "A"').encode(), "start must be two"),
    "nan start": (_edited("start = [-4.7, -1.3]", "start = [nan, 1.0]").encode(), "finite"),
    "inf noise": (_edited("sigma = 0.0", "sigma = inf").encode(), "noise must be finite"),
    "negative noise": (_edited("sigma = 0.0", "sigma = -1.0").encode(), r"noise must be in \[0"),
    "float steps": (_edited("steps = 100", "steps = 1.5").encode(), "steps must be a whole number"),
    "noise not a table": (
        _edited("[noise]\nsigma = 0.0\nseed = 0", "")
        .encode()
        .replace(b"steps = 100", b"noise = 3\nsteps = 100"),
        "noise must be a table",
    ),
    "optimizers as text": (
        _edited('optimizers = [\n    "gd",\n    "adam",\n]', 'optimizers = "gd"').encode(),
        "optimizers must be a list",
    ),
    "1,000 optimizers": (_edited('    "adam",\n', '    "adam",\n' * 999).encode(), "at most 8"),
    "no optimizers": (_edited('    "gd",\n    "adam",\n', "").encode(), "1 to 8 optimizers"),
    "focus past the end": (
        _edited("focused = 0", "focused = 2").encode(),
        r"focused must be in \[0, 1\]",
    ),
    "huge": (GOOD.encode() + b"#" * MAX_FILE_BYTES, "larger than 1,000,000 bytes"),
    "bad hyperparameter": (
        _edited('"gd"', '"rmsprop(beta=2)"').encode(),
        r"beta must be in \[0, 1\)",
    ),
    "unknown optimizer": (_edited('"gd"', '"warp(lr=1)"').encode(), "unknown optimizer 'warp'"),
    "unreadable optimizer": (_edited('"gd"', '"gd(lr)"').encode(), "is not key=value"),
    "unknown surface": (_edited('"lecture-bowl"', '"nowhere-land"').encode(), "unknown surface"),
    "formula injection": (
        _edited('"lecture-bowl"', "\"__import__('os').system('true')\"").encode(),
        "bad formula",
    ),
    "domain on a built-in": (
        _edited("start =", "domain = [[-1, 1], [-1, 1]]\nstart =").encode(),
        "a domain applies only to formulas",
    ),
    "multi-line surface": (_edited('"lecture-bowl"', '"lecture-bowl\\n"').encode(), "one line"),
    "bad table layout": (_edited('"auto"', '"sideways"').encode(), "table_layout must be one of"),
    "window upside down": (
        _edited("[view]", "[view]\nwindow = [[1, 0], [0, 1]]").encode(),
        "lo < hi",
    ),
}


@pytest.mark.parametrize("case", sorted(CORRUPT))
def test_corrupt_and_foreign_files_are_refused_with_one_clear_line(
    case: str, tmp_path: Path
) -> None:
    data, expected = CORRUPT[case]
    path = tmp_path / "session.toml"
    path.write_bytes(data)
    with pytest.raises(OptiscopeError, match=expected) as caught:
        load(path)
    message = str(caught.value)
    assert message.startswith(f"cannot load session {path}: ")
    assert "\n" not in message and len(message) < 400


def test_missing_file_and_directory_are_reported_not_raised_as_os_errors(tmp_path: Path) -> None:
    with pytest.raises(OptiscopeError, match="No such file"):
        load(tmp_path / "nope.toml")
    with pytest.raises(OptiscopeError, match="cannot load session"):
        load(tmp_path)


def test_a_byte_order_mark_from_a_windows_editor_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert load(path) == from_toml(GOOD)


def test_save_is_atomic_a_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "s.toml"
    old = Session(surface="booth", start=(1.0, 1.0))
    save(old, path)
    before = path.read_bytes()

    def fail(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    new = Session(surface="rosenbrock", start=(0.0, 0.0))
    with pytest.raises(OptiscopeError, match=r"cannot save session .*No space left"):
        save(new, path)
    assert path.read_bytes() == before and load(path) == old
    assert [p.name for p in tmp_path.iterdir()] == ["s.toml"]  # no temporary file left behind


# -- spec strings that are not specs ----------------------------------------------------------
BAD_SPECS: dict[str, str] = {
    "": "should start with optiscope:v1",
    "surface=rosenbrock": "should start with optiscope:v1",
    "optiscope:v2 surface=rosenbrock": "spec version 'v2' is not supported",
    "optiscope:v1 surface='x**2 + y": "cannot read the spec at \"surface='x",
    "optiscope:v1 surface=x**2 + y": "cannot read the spec at '\\+'",
    "optiscope:v1 lr=0.1": "unknown spec key 'lr'",
    "optiscope:v1 steps=1 steps=2": "'steps' given twice",
    "optiscope:v1" + " opt=gd" * 9: "at most 8 optimizers",
    "optiscope:v1 opt=rmsprop(beta=2)": r"beta must be in \[0, 1\)",
    "optiscope:v1 surface=nowhere": "unknown surface 'nowhere'",
    "optiscope:v1 start=1": "cannot read start '1'",
    "optiscope:v1 start=nan,0": "must be finite",
    "optiscope:v1 noise=loud": "noise must be a number",
    "optiscope:v1 noise=0.1/-3": "seed must be a whole number",
    "optiscope:v1 steps=-1": "steps must be a whole number",
    "optiscope:v1 steps=1e3": "steps must be a whole number",
    "optiscope:v1 focus=4": r"focused must be in \[0, 3\]",
    "optiscope:v1 window=1,0,0,1": "lo < hi",
    "optiscope:v1 window=1,2,3": "window must be XLO,XHI,YLO,YHI",
    "optiscope:v1 view=sideways": "unknown view flag 'sideways'",
    "optiscope:v1 view=wide,stacked": "two table layouts",
    "optiscope:v1 surface=rosenbrock domain=-1,1,-1,1": "a domain applies only to formulas",
    "optiscope:v1 schedule=linear": "unknown schedule 'linear'",
    "optiscope:v1 lesson=../../etc": "lesson must be a lesson id",
    "optiscope:v1 " + "x" * 5000: "too long",
}


@pytest.mark.parametrize("text", sorted(BAD_SPECS))
def test_garbage_specs_are_refused_with_a_clear_message(text: str) -> None:
    expected = BAD_SPECS[text]
    with pytest.raises(OptiscopeError, match=expected) as caught:
        from_spec(text)
    assert "\n" not in str(caught.value) and len(str(caught.value)) < 400
