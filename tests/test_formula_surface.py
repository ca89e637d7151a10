"""Formula surfaces: nothing typed ever runs, f and ∇f match closed forms, runs match built-ins."""

from __future__ import annotations

import builtins
import contextlib
import functools
import json
import re
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
import sympy.parsing.sympy_parser

from optiscope.core.errors import OptiscopeError
from optiscope.core.specs import make_setup
from optiscope.core.surfaces import get_surface
from optiscope.core.surfaces.classic import Rosenbrock
from optiscope.core.surfaces.formula import (
    FormulaSurface,
    parse_domain,
    surface_from_text,
)
from optiscope.core.surfaces.formula_parser import parse_formula
from optiscope.core.surfaces.vee import Vee
from optiscope.core.trajectory import run
from optiscope.tui.cli.main import main

SURFACES_DIR = Path(__file__).resolve().parents[1] / "core" / "surfaces"
FORMULA_MODULES = ("formula.py", "formula_parser.py", "formula_numeric.py")
#: Generous for 2 shared cores; every corpus entry is refused in well under 10 ms.
QUICK = 2.0


# -- security ---------------------------------------------------------------------------------
def _corpus(marker: Path) -> list[str]:
    return [
        f"__import__('os').system('touch {marker}')",
        "().__class__.__bases__[0].__subclasses__()",
        "x.__class__",
        "x . real",
        "lambda: 1",
        "[i for i in range(10)]",
        "{1: x}",
        f'exec(\'open("{marker}", "w")\')',
        "eval('x')",
        "compile('1', 'f', 'eval')",
        "open('/etc/passwd')",
        "globals()",
        "x if y else 1",
        "x; y",
        "x = 1",
        "x == y",
        "'x'",
        '"x"',
        "f'{x}'",
        "x**99999999",
        "9**9**9",
        "9**9**9**9",
        "10**400",
        "2**1000",
        "(1e-300)**100",
        "1e999",
        "1e-999",
        "1e300*1e300",
        "exp(exp(exp(10)))",
        "x + exp(1000)",
        "x" * 10_000,
        "(" * 500 + "x" + ")" * 500,
        "(" * 100 + "x" + ")" * 100,
        "-" * 100 + "x",
        "х + y",  # Cyrillic х
        "ｘ + y",  # fullwidth x
        "\u200bx",  # zero-width space
        "x\x00",
        "x\ny",
        "",
        "   ",
        "x +",
        "(x",
        "x)",
        "2x",
        "sin x",
        "sin()",
        "sin(x, y)",
        "max(x, y)",
        "x @ y",
        "x // 2",
        "1/0",
        "1/(x - x)",
        "log(0)",
        "sqrt(-1)",
        "log(-1)",
        "tan(pi/2)",
        "__builtins__",
        "_",
        "sympy",
        "os",
        "E",
        "I",
        "oo",
    ]


#: Exercises every operator, function and refusal once, so that sympy's own lazy imports
#: (which execute module code) have happened before a guard goes up.
WARM_UP = (
    "abs(x) + log(1 + y**2) + tanh(x*y) - sin(x)/cos(y)**2 + exp(-x)*sqrt(2) + tan(x)^3",
    "sinh(y) + cosh(x) + atan(y) + arctan(x) + log10(x) + ln(y) + 9**9 + 1e-3 + pi*e",
    "x**99999999",
    "(1e-300)**100",
    "log(0)",
    "sqrt(-1)",
    "1/(x - x)",
    "exp(exp(exp(10)))",
)
#: Modules whose import while parsing would mean the input reached the system.
DENIED = {"os", "posix", "nt", "subprocess", "shutil", "socket", "ctypes", "pty", "importlib"}
DENIED |= {"builtins", "pickle", "marshal", "runpy", "code", "codeop", "ast", "io", "_io"}


@functools.cache
def _warm_up() -> None:
    for text in WARM_UP:
        with contextlib.suppress(OptiscopeError):
            FormulaSurface(text)


@contextlib.contextmanager
def no_code_runs() -> Iterator[None]:
    """eval/exec/compile raise, sympy's string parser raises, importing a system module
    raises, and no module at all may be loaded while the block runs."""
    _warm_up()
    real_import = builtins.__import__

    def guarded_import(name: str, globals_=None, locals_=None, fromlist=(), level=0):  # type: ignore[no-untyped-def]
        if level == 0 and name.partition(".")[0] in DENIED:
            raise AssertionError(f"import of {name!r} while parsing")
        return real_import(name, globals_, locals_, fromlist, level)

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("code execution while parsing")

    loaded = set(sys.modules)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(builtins, "eval", forbidden)
        mp.setattr(builtins, "exec", forbidden)
        mp.setattr(builtins, "compile", forbidden)
        mp.setattr(sympy.parsing.sympy_parser, "parse_expr", forbidden)
        mp.setattr(builtins, "__import__", guarded_import)
        yield
    assert set(sys.modules) == loaded


def test_the_security_corpus_is_refused_quickly_and_nothing_runs(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    for text in _corpus(marker):
        t0 = time.perf_counter()
        with pytest.raises(OptiscopeError) as info, no_code_runs():
            FormulaSurface(text)
        elapsed = time.perf_counter() - t0
        message = str(info.value)
        assert elapsed < QUICK, (text[:40], elapsed)
        assert message and "\n" not in message, text[:40]
        assert not marker.exists()


def test_valid_formulas_parse_under_the_same_guard() -> None:
    for text in ("x**2 + 10*sin(y)", "(1-x)**2 + 100*(y-x^2)**2", "9**99*x", "-x**-2"):
        with no_code_runs():
            FormulaSurface(text).grad(0.5, 0.5)


def test_a_surface_is_built_and_evaluated_under_the_guard(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    with no_code_runs():
        s = FormulaSurface("abs(x) + log(1 + y**2) + tanh(x*y)")
        values = s.f(np.linspace(-1, 1, 5), 0.5)
        gradient = s.grad(0.3, 0.2)
        with pytest.raises(OptiscopeError) as info:
            surface_from_text(f"__import__('os').system('touch {marker}')")
    assert np.isfinite(values).all() and np.isfinite(gradient).all()
    assert "unknown name '__import__'" in str(info.value)
    assert not marker.exists()


def test_the_guard_itself_catches_eval_and_a_system_import() -> None:
    with pytest.raises(AssertionError), no_code_runs():
        eval("1")  # the guard must not be a test that cannot fail
    with pytest.raises(AssertionError), no_code_runs():
        __import__("os")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("__import__('os')", "unknown name '__import__' at position 1 (allowed: x, y, pi, e, sin"),
        ("x.__class__", "'.' at position 2 is not allowed"),
        ("x + os", "unknown name 'os' at position 5"),
        ("lambda: 1", "unknown name 'lambda' at position 1"),
        ("sin(x, y)", "',' at position 6 is not allowed"),
        ("x = 1", "'=' at position 3 is not allowed"),
        ("'x'", "a quote at position 1 is not allowed"),
        ("[x]", "a bracket at position 1 is not allowed"),
        ("x\x00", "a null byte at position 2 is not allowed"),
        ("х", "character 'х' (U+0445) at position 1 is not allowed"),
        ("x**99999999", "exponent 99999999 at position 2 is too large"),
        ("9**9**9", "exponent 387420489 at position 2 is too large"),
        ("1e999", "number 1e999 at position 1 is too large"),
        ("((x)", "unbalanced '(' at position 1"),
        ("x))", "unbalanced ')' at position 2"),
        ("2x", "missing operator before 'x' at position 2"),
        ("(" * 100 + "x" + ")" * 100, "the formula is nested too deeply at position 42"),
        ("x" * 401, "formula is too long (401 characters; at most 400)"),
        ("", "empty formula"),
        ("1/0", "division by zero at position 2"),
        ("sqrt(-4)", "the constant at position 1 is not a real number"),
    ],
)
def test_errors_name_the_problem_and_its_position(text: str, expected: str) -> None:
    with pytest.raises(OptiscopeError) as info:
        parse_formula(text)
    assert str(info.value).startswith(expected)


def test_the_modules_never_mention_a_code_running_entry_point() -> None:
    forbidden = [
        r"\b(eval|exec|sympify|parse_expr|lambdify|__import__|importlib|getattr|builtins)\b",
        r"(?<![\w.])compile\s*\(",
        r"\b(import|from)\s+ast\b",
        r"\bsympy\.(S|N)\b",
        r"\bevalf\b",
    ]
    for module in FORMULA_MODULES:
        source = (SURFACES_DIR / module).read_text(encoding="utf-8")
        for pattern in forbidden:
            assert re.search(pattern, source) is None, (module, pattern)


def test_naming_a_built_in_surface_does_not_load_sympy() -> None:
    code = (
        "import sys\n"
        "from optiscope.core.surfaces.formula import surface_from_text\n"
        "assert surface_from_text('rosenbrock').name == 'rosenbrock'\n"
        "assert 'sympy' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# -- f and ∇f ---------------------------------------------------------------------------------
Ref = Callable[[np.ndarray, np.ndarray], np.ndarray]

# (formula, domain, f, ∂f/∂x, ∂f/∂y), written by hand from the closed forms.
CASES: list[tuple[str, tuple[tuple[float, float], tuple[float, float]], Ref, Ref, Ref]] = [
    (
        "3*x**3 - 2*x*y + y**4/4 - 7",
        ((-3, 3), (-3, 3)),
        lambda x, y: 3 * x**3 - 2 * x * y + y**4 / 4 - 7,
        lambda x, y: 9 * x**2 - 2 * y,
        lambda x, y: -2 * x + y**3,
    ),
    (
        "x^2 + 10*sin(y)",
        ((-3, 3), (-3, 3)),
        lambda x, y: x**2 + 10 * np.sin(y),
        lambda x, y: 2 * x,
        lambda x, y: 10 * np.cos(y),
    ),
    (
        "cos(x)*tan(y/2)",
        ((-3, 3), (-2, 2)),
        lambda x, y: np.cos(x) * np.tan(y / 2),
        lambda x, y: -np.sin(x) * np.tan(y / 2),
        lambda x, y: np.cos(x) / (2 * np.cos(y / 2) ** 2),
    ),
    (
        "exp(-x**2 - y**2) * -2 + log(x) + sqrt(y)",
        ((0.2, 3), (0.2, 3)),
        lambda x, y: -2 * np.exp(-(x**2) - y**2) + np.log(x) + np.sqrt(y),
        lambda x, y: 4 * x * np.exp(-(x**2) - y**2) + 1 / x,
        lambda x, y: 4 * y * np.exp(-(x**2) - y**2) + 0.5 / np.sqrt(y),
    ),
    (
        "abs(x) + 2*abs(y - 1)",
        ((-3, 3), (-3, 3)),
        lambda x, y: np.abs(x) + 2 * np.abs(y - 1),
        lambda x, y: np.sign(x),
        lambda x, y: 2 * np.sign(y - 1),
    ),
    (
        "tanh(x*y) + sinh(x)/cosh(y) + atan(x) + arctan(y)",
        ((-2, 2), (-2, 2)),
        lambda x, y: np.tanh(x * y) + np.sinh(x) / np.cosh(y) + np.arctan(x) + np.arctan(y),
        lambda x, y: y / np.cosh(x * y) ** 2 + np.cosh(x) / np.cosh(y) + 1 / (1 + x**2),
        lambda x, y: (
            x / np.cosh(x * y) ** 2 - np.sinh(x) * np.sinh(y) / np.cosh(y) ** 2 + 1 / (1 + y**2)
        ),
    ),
    (
        "log10(x) + ln(y) + e**x + pi*y",
        ((0.5, 3), (0.5, 3)),
        lambda x, y: np.log10(x) + np.log(y) + np.exp(x) + np.pi * y,
        lambda x, y: 1 / (x * np.log(10)) + np.exp(x),
        lambda x, y: 1 / y + np.pi,
    ),
    (
        "sin(cos(x*y)**2 + 1/(1 + y**2))**3",
        ((-2, 2), (-2, 2)),
        lambda x, y: np.sin(np.cos(x * y) ** 2 + 1 / (1 + y**2)) ** 3,
        lambda x, y: (
            3
            * np.sin(np.cos(x * y) ** 2 + 1 / (1 + y**2)) ** 2
            * np.cos(np.cos(x * y) ** 2 + 1 / (1 + y**2))
            * (-2 * np.cos(x * y) * np.sin(x * y) * y)
        ),
        lambda x, y: (
            3
            * np.sin(np.cos(x * y) ** 2 + 1 / (1 + y**2)) ** 2
            * np.cos(np.cos(x * y) ** 2 + 1 / (1 + y**2))
            * (-2 * np.cos(x * y) * np.sin(x * y) * x - 2 * y / (1 + y**2) ** 2)
        ),
    ),
    (
        "x**y + .5e1*x - 1e-3",
        ((0.5, 3), (-2, 2)),
        lambda x, y: x**y + 5 * x - 0.001,
        lambda x, y: y * x ** (y - 1) + 5,
        lambda x, y: x**y * np.log(x),
    ),
]


def _points(domain, n: int = 64, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    (x0, x1), (y0, y1) = domain
    rng = np.random.default_rng(seed)
    return rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_value_and_gradient_match_the_closed_forms(case) -> None:
    text, domain, f, fx, fy = case
    s = FormulaSurface(text, domain)
    x, y = _points(domain)
    np.testing.assert_allclose(s.f(x, y), f(x, y), rtol=1e-12, atol=1e-12)
    gx, gy = s.grad(x, y)
    np.testing.assert_allclose(gx, fx(x, y), rtol=1e-11, atol=1e-11)
    np.testing.assert_allclose(gy, fy(x, y), rtol=1e-11, atol=1e-11)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_gradient_matches_central_differences_of_the_formula(case) -> None:
    text, domain, *_ = case
    s = FormulaSurface(text, domain)
    x, y = _points(domain, seed=11)
    h = 1e-6
    fdx = (s.f(x + h, y) - s.f(x - h, y)) / (2 * h)
    fdy = (s.f(x, y + h) - s.f(x, y - h)) / (2 * h)
    gx, gy = s.grad(x, y)
    scale = 1 + np.abs(s.f(x, y))
    assert np.all(np.abs(gx - fdx) <= 1e-6 * scale)
    assert np.all(np.abs(gy - fdy) <= 1e-6 * scale)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_hessian_matches_central_differences_of_the_exact_gradient(case) -> None:
    text, domain, *_ = case
    s = FormulaSurface(text, domain)
    x, y = _points(domain, 32, seed=13)
    h = 1e-5
    gxp, gyp = s.grad(x + h, y)
    gxm, gym = s.grad(x - h, y)
    gxu, gyu = s.grad(x, y + h)
    gxd, gyd = s.grad(x, y - h)
    numeric = np.stack(
        [
            np.stack([(gxp - gxm) / (2 * h), (gxu - gxd) / (2 * h)], -1),
            np.stack([(gyp - gym) / (2 * h), (gyu - gyd) / (2 * h)], -1),
        ],
        -2,
    )
    numeric = 0.5 * (numeric + np.swapaxes(numeric, -1, -2))
    analytic = s.hessian(x, y)
    assert analytic.shape == (len(x), 2, 2)
    scale = 1 + np.abs(numeric).max(axis=(1, 2), keepdims=True)
    assert np.all(np.abs(analytic - numeric) <= 1e-5 * scale)
    expected = np.linalg.eigvalsh(numeric)[:, -1]
    sharp = s.sharpness(np.stack([x, y], -1))
    assert np.all(np.abs(sharp - expected) <= 1e-5 * (1 + np.abs(expected)))


def test_typed_rosenbrock_has_the_built_ins_hessian() -> None:
    typed = FormulaSurface("(1-x)**2 + 100*(y-x**2)**2", ((-2, 2), (-1, 3)))
    built_in = get_surface("rosenbrock")
    x, y = _points(((-2, 2), (-1, 3)), 50, seed=5)
    np.testing.assert_allclose(typed.hessian(x, y), built_in.hessian(x, y), rtol=1e-12)


def test_a_kinks_dirac_delta_reads_as_zero_curvature_on_either_side() -> None:
    """d²|x|/dx² is 2·δ(x): no number; on either side of the kink it is 0."""
    s = FormulaSurface("abs(x) + 0.5*y**2 + abs(x*y - 1)")
    h = s.hessian(np.array([-1.0, 0.0, 2.0]), np.array([0.3, 0.3, 0.3]))
    assert np.all(np.isfinite(h))
    np.testing.assert_allclose(h[:, 1, 1], 1.0)
    # At (−1, 0.3), x·y − 1 < 0, so |x·y − 1| = 1 − x·y there: ∂²/∂x∂y = −1.
    np.testing.assert_allclose(h[0], [[0.0, -1.0], [-1.0, 1.0]])


def test_constant_and_linear_formulas_have_a_zero_hessian_of_the_points_shape() -> None:
    for text in ("3", "2*x - y"):
        h = FormulaSurface(text).hessian(np.zeros((2, 3)), np.ones((2, 3)))
        assert h.shape == (2, 3, 2, 2) and not h.any()


def test_shapes_broadcast_and_constant_parts_fill_the_shape() -> None:
    s = FormulaSurface("x**2")
    x = np.linspace(-1, 1, 3)[:, None]
    y = np.linspace(-1, 1, 4)[None, :]
    gx, gy = s.grad(x, y)
    assert s.f(x, y).shape == gx.shape == gy.shape == (3, 4)
    assert gy.dtype == np.float64 and not gy.any()
    assert s.f(2, 5) == 4.0 and isinstance(s.f(np.float64(2), np.float64(5)), np.float64)
    flat = FormulaSurface("3")
    assert flat.f(x, y).shape == (3, 4) and np.all(flat.f(x, y) == 3.0)
    assert flat.minima == () and flat.teaches.startswith("A constant")


def test_outside_the_domain_is_nan_or_inf_without_a_warning() -> None:
    x = np.array([-1.0, 0.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(FormulaSurface("log(x)").f(x, 0.0)[0])
        assert np.isinf(FormulaSurface("1/x").f(x, 0.0)[1])
        assert np.isnan(FormulaSurface("sqrt(x)").f(x, 0.0)[0])
        assert np.isinf(FormulaSurface("sqrt(x)").grad(x, 0.0)[0][1])
        assert np.isinf(FormulaSurface("exp(x**2)").f(40.0, 0.0))


def test_normalised_text_parses_back_to_the_same_formula() -> None:
    for text in ("x^2+10*sin( y )", "-x**-2 + .5e1*x", "(1-x)**2+100*(y-x^2)**2"):
        first = parse_formula(text)
        again = parse_formula(first.text)
        assert again.text == first.text and again.expr == first.expr
    assert parse_formula(" x^2+10*sin( y )").text == "x**2 + 10*sin(y)"


def test_python_precedence_power_binds_tighter_than_unary_minus_and_is_right_assoc() -> None:
    s = FormulaSurface("-x**2 + 2**3**2 / 512")
    assert s.f(3.0, 0.0) == -9.0 + 1.0


# -- runs -------------------------------------------------------------------------------------
@pytest.mark.parametrize("optimizer", ["gd", "adam", "momentum"])
@pytest.mark.parametrize("start", [(-2.0, 2.0), (-1.5, 2.0)])
def test_rosenbrock_typed_as_a_formula_runs_like_the_built_in(optimizer, start) -> None:
    built_in = get_surface("rosenbrock")
    typed = FormulaSurface("(1-x)**2 + 100*(y-x**2)**2", built_in.domain)
    setup = make_setup(optimizer, {}, built_in)
    a = run(built_in, setup, start, 500)
    b = run(typed, setup, start, 500)
    assert len(a) == len(b) == 501 and a.status == b.status
    np.testing.assert_allclose(b.column("params"), a.column("params"), rtol=1e-12, atol=0)
    np.testing.assert_allclose(b.column("grad"), a.column("grad"), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(b.column("loss"), a.column("loss"), rtol=1e-12, atol=1e-300)


def test_abs_at_its_kink_has_a_zero_gradient_and_runs() -> None:
    s = FormulaSurface("abs(x) + y**2")
    assert s.grad(0.0, 1.0) == (0.0, 2.0)
    traj = run(s, make_setup("gd", {"lr": 0.1}), (0.0, 1.0), 50)
    assert traj.status.kind != "diverged"
    assert np.all(traj.column("params")[:, 0] == 0.0)


def test_log_started_outside_its_domain_diverges_at_once_with_a_reason() -> None:
    s = FormulaSurface("log(x) + y**2")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = run(s, make_setup("gd", {"lr": 0.1}), (-1.0, 0.5), 20)
    assert traj.status.kind == "diverged" and traj.status.step == 0
    assert traj.status.text() == (
        "diverged at step 0 (f = nan, ∇f = (-1, 1) at (-1, 0.5): outside the formula's domain?)"
    )


def test_one_over_x_stepping_onto_zero_diverges_with_a_reason() -> None:
    # GD with lr 1 from x = -1: ∂f/∂x = -1/x² = -1, so x₁ = -1 + 1 = 0 exactly.
    s = FormulaSurface("1/x + y**2")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = run(s, make_setup("gd", {"lr": 1.0}), (-1.0, 0.5), 20)
    assert traj.status.kind == "diverged" and traj.status.step == 1
    assert traj.status.reason == (
        "f = inf, ∇f = (-inf, -1) at (0, -0.5): division by zero or overflow?"
    )


# -- geometry ---------------------------------------------------------------------------------
def test_minimum_default_start_and_domain() -> None:
    s = FormulaSurface("x**2 + 10*sin(y)")
    (m,) = s.minima
    assert m.label == "approximate minimum (grid)"
    np.testing.assert_allclose(m.point, (0.0, -np.pi / 2), atol=1e-9)
    assert m.value == pytest.approx(-10.0, abs=1e-12)
    assert s.domain == ((-3.0, 3.0), (-3.0, 3.0))
    assert s.starts == {"upper left": (-2.1, 2.1)}  # 70% of the way to (-3, 3)
    narrow = FormulaSurface("x**2 + y**2", ((0, 4), (-1, 1)))
    assert narrow.start() == (0.6, 0.7)  # centre (2, 0) + 0.7·(-2, 1)


def test_himmelblau_minimum_is_one_of_the_four_known_ones() -> None:
    s = FormulaSurface("(x**2 + y - 11)**2 + (x + y**2 - 7)**2", ((-5, 5), (-5, 5)))
    (m,) = s.minima
    known = [(3.0, 2.0), *(m.point for m in get_surface("himmelblau").minima[1:])]
    assert min(np.hypot(m.point[0] - a, m.point[1] - b) for a, b in known) < 1e-8
    assert m.value < 1e-15


def test_rosenbrock_minimum_is_found_from_the_grid_despite_the_narrow_valley() -> None:
    (m,) = FormulaSurface("(1-x)**2 + 100*(y-x**2)**2").minima
    np.testing.assert_allclose(m.point, (1.0, 1.0), atol=1e-8)


def test_a_slope_has_its_lowest_point_on_the_edge_and_a_pole_has_none() -> None:
    (m,) = FormulaSurface("x + y**2").minima
    assert m.point == (-3.0, 0.0) and m.label == "lowest point of the window (on its edge)"
    assert FormulaSurface("log(x) + y**2").minima == ()
    assert FormulaSurface("1/x + y**2").minima == ()
    # Upper left is outside log's domain, so the next corner is the start.
    assert FormulaSurface("log(x) + y**2").starts == {"upper right": (2.1, 2.1)}


def test_suggested_gd_lr_is_stable_for_the_curvature() -> None:
    # λmax of 50x² + y² is 100: GD is stable below 0.02.
    lr = FormulaSurface("50*x**2 + y**2").suggested_lr
    assert 0.005 <= lr["gd"] < 0.02
    assert lr["adaptive"] == lr["sign"] == 0.05  # 1% of a 6-wide window


# -- domains and lookup -----------------------------------------------------------------------
def test_parse_domain_reads_four_or_two_numbers() -> None:
    assert parse_domain("-2,2,-1,1") == ((-2.0, 2.0), (-1.0, 1.0))
    assert parse_domain(" -2 2 ") == ((-2.0, 2.0), (-2.0, 2.0))
    assert parse_domain("0,1e-3,5,6.5") == ((0.0, 0.001), (5.0, 6.5))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2,1,0,1", "domain: the x range [2, 1] needs lo < hi"),
        ("0,1,1,1", "domain: the y range [1, 1] needs lo < hi"),
        ("0,1e9,0,1", "domain: the x range [0, 1e+09] is too large"),
        ("0,inf,0,1", "cannot read domain '0,inf,0,1'"),
        ("nan,1,0,1", "cannot read domain"),
        ("1,2,3", "cannot read domain '1,2,3': give XLO,XHI,YLO,YHI"),
        ("a,b,c,d", "cannot read domain"),
        ("1,1.0000000001,0,1", "domain: the x range"),
    ],
)
def test_parse_domain_errors(text: str, expected: str) -> None:
    with pytest.raises(OptiscopeError) as info:
        parse_domain(text)
    assert str(info.value).startswith(expected)


def test_surface_from_text_finds_built_ins_first_then_formulas() -> None:
    assert isinstance(surface_from_text("Rosenbrock"), Rosenbrock)
    assert surface_from_text("rotated-bowl(kappa=5)").settings["kappa"] == 5.0
    assert isinstance(surface_from_text("abs"), Vee)
    formula = surface_from_text("abs(x)", "-1,1,-2,2")
    assert isinstance(formula, FormulaSurface) and formula.domain == ((-1, 1), (-2, 2))


@pytest.mark.parametrize(
    ("text", "domain", "expected"),
    [
        (
            "rosenbrok",
            None,
            "unknown surface 'rosenbrok' (did you mean rosenbrock?) and not a formula: "
            "unknown name 'rosenbrok' at position 1 (allowed: x, y, pi, e, sin, cos,",
        ),
        ("x**2 + $", None, "bad formula: unexpected character '$' at position 8"),
        ("rosenbrock(x)", None, "cannot read surface spec 'rosenbrock(x)': 'x' is not key=value"),
        ("rotated-bowl(kappa=0)", None, "surface rotated-bowl"),
        ("rosenbrock", "-1,1,-1,1", "a domain applies only to formulas"),
        ("x**2", "1,0,0,1", "domain: the x range [1, 0] needs lo < hi"),
    ],
)
def test_surface_from_text_errors_help_with_either_reading(text, domain, expected) -> None:
    with pytest.raises(OptiscopeError) as info:
        surface_from_text(text, domain)
    assert str(info.value).startswith(expected)


# -- CLI --------------------------------------------------------------------------------------
def test_cli_runs_a_formula(capsys) -> None:
    argv = ["run", "--surface", "x**2 + 10*sin(y)", "--start", "1,1", "--steps", "5"]
    code = main([*argv, "--optimizer", "gd(lr=0.01)", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert doc["surface"]["name"] == "formula"
    assert doc["surface"]["expression"] == "x**2 + 10*sin(y)"
    (gd,) = doc["runs"]
    steps = gd["steps"]
    assert len(steps) == 6 and steps[0]["params"] == [1.0, 1.0]
    for step in steps:
        x, y = step["params"]
        assert step["loss"] == pytest.approx(x * x + 10 * np.sin(y), rel=1e-14)
        assert step["grad"] == pytest.approx([2 * x, 10 * np.cos(y)], rel=1e-14)


def test_cli_takes_a_domain_for_formulas(capsys) -> None:
    code = main(
        ["run", "--surface", "x*y", "--domain=-2,2,-1,1", "--steps", "1", "--format", "json"]
    )
    out, _ = capsys.readouterr()
    assert code == 0
    assert json.loads(out)["surface"]["domain"] == [[-2.0, 2.0], [-1.0, 1.0]]


@pytest.mark.parametrize(
    "argv",
    [
        ["--surface", "x**2 + $"],
        ["--surface", "__import__('os').system('true')"],
        ["--surface", "rosenbrok"],
        ["--surface", "9**9**9"],
        ["--surface", "rosenbrock", "--domain=-1,1,-1,1"],
        ["--surface", "x", "--domain=1,0,0,1"],
    ],
)
def test_cli_bad_formulas_exit_2_with_one_line(capsys, argv) -> None:
    code = main(["run", *argv, "--steps", "1"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("optiscope: error: ") and err.count("\n") == 1
