"""Optimizer rules checked against closed forms and exact identities between conventions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from optiscope.core.errors import OptiscopeError
from optiscope.core.optimizers import OPTIMIZERS, get_optimizer
from optiscope.core.specs import make_setup, parse_optimizer
from optiscope.core.surfaces import get_surface
from optiscope.core.trajectory import run


def _steps(name: str, grads: list[list[float]], start=(1.0, -2.0), **hp: object) -> np.ndarray:
    """Feed a scripted gradient sequence; return the updates taken."""
    opt = get_optimizer(name)
    h = opt.resolve(hp)
    p = np.array(start, dtype=np.float64)
    state = opt.init(p, h)
    out = []
    for g in grads:
        u, state = opt.update(np.array(g, dtype=np.float64), state, p, h)
        p = p + u
        out.append(u)
    return np.array(out)


@pytest.mark.parametrize("beta", [0.9, 0.99, 0.5])
def test_rmsprop_first_step_is_lr_over_sqrt_one_minus_beta(beta: float) -> None:
    u = _steps("rmsprop", [[0.37, -12.0]], lr=0.01, beta=beta, eps=0.0)[0]
    expected = -0.01 / math.sqrt(1 - beta) * np.sign([0.37, -12.0])
    np.testing.assert_allclose(u, expected, rtol=1e-14)


def test_adam_and_adagrad_first_step_is_lr_times_sign() -> None:
    g = [[0.004, -30.0]]
    np.testing.assert_allclose(_steps("adam", g, lr=0.1, eps=0.0)[0], [-0.1, 0.1], rtol=1e-14)
    np.testing.assert_allclose(_steps("adagrad", g, lr=0.1, eps=0.0)[0], [-0.1, 0.1], rtol=1e-14)


def test_rmsprop_turns_a_tiny_alternating_gradient_into_steps_of_about_lr() -> None:
    grads = [[1e-4 * (-1) ** k, 0.0] for k in range(200)]
    u = _steps("rmsprop", grads, lr=0.01, beta=0.9, eps=1e-8)
    gd = _steps("gd", grads, lr=0.01)
    # GD moves 1e-6 per step; RMSprop's scaled step tends to ±lr, i.e. 1e4 times more.
    assert abs(u[-1, 0]) == pytest.approx(0.01, rel=1e-3)
    assert abs(u[-1, 0]) / abs(gd[-1, 0]) == pytest.approx(1e4, rel=1e-3)


def test_ewma_momentum_traces_heavy_ball_at_lr_times_one_minus_beta() -> None:
    surface = get_surface("rosenbrock")
    beta, lr = 0.9, 2e-3
    a = run(surface, make_setup("momentum", {"lr": lr, "beta": beta}), (-1.5, 2.0), 300)
    b = run(
        surface,
        make_setup("heavyball", {"lr": lr * (1 - beta), "momentum": beta}),
        (-1.5, 2.0),
        300,
    )
    np.testing.assert_allclose(a.column("params"), b.column("params"), rtol=1e-9, atol=1e-12)


def test_signgd_equals_adam_with_zero_betas_and_zero_eps() -> None:
    rng = np.random.default_rng(3)
    grads = rng.normal(size=(50, 2)).tolist()
    sign = _steps("signgd", grads, lr=0.05)
    adam = _steps("adam", grads, lr=0.05, beta1=0.0, beta2=0.0, eps=0.0)
    np.testing.assert_allclose(sign, adam, rtol=1e-15, atol=0)


def test_signgd_does_not_move_a_coordinate_with_zero_gradient() -> None:
    np.testing.assert_array_equal(_steps("signgd", [[0.0, -3.0]], lr=0.1)[0], [0.0, 0.1])


def test_normgd_steps_exactly_lr_along_minus_gradient_and_stays_at_zero_gradient() -> None:
    u = _steps("normgd", [[3.0, -4.0], [0.0, 0.0]], lr=0.5)
    np.testing.assert_allclose(u[0], [-0.3, 0.4], rtol=1e-15)
    np.testing.assert_array_equal(u[1], [0.0, 0.0])


def test_adagrad_effective_learning_rate_only_falls() -> None:
    grads = [[g, g] for g in [5.0, 0.1, 0.01, 3.0, 1e-4, 1e-4, 1e-4]]
    u = _steps("adagrad", grads, lr=0.1)
    eff = np.abs(u[:, 0]) / np.abs(np.array(grads)[:, 0])
    assert np.all(np.diff(eff) <= 0)


def test_lion_moves_every_coordinate_by_lr() -> None:
    u = _steps("lion", [[0.3, -0.001], [0.2, 5.0]], lr=0.02)
    np.testing.assert_allclose(np.abs(u), 0.02, rtol=1e-15)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_update_is_vectorised_over_leading_batch_dimensions(name: str) -> None:
    opt = get_optimizer(name)
    hp = opt.resolve({"lr": 0.01})
    rng = np.random.default_rng(0)
    starts = rng.normal(size=(5, 3, 2))
    grads = rng.normal(size=(8, 5, 3, 2))
    p = starts.copy()
    state = opt.init(p, hp)
    for g in grads:
        u, state = opt.update(g, state, p, hp)
        p = p + u
    for i in range(5):
        for j in range(3):
            q = starts[i, j].copy()
            s = opt.init(q, hp)
            for g in grads:
                u, s = opt.update(g[i, j], s, q, hp)
                q = q + u
            np.testing.assert_allclose(p[i, j], q, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_states_are_never_mutated_so_history_stays_valid(name: str) -> None:
    opt = get_optimizer(name)
    hp = opt.resolve({})
    p = np.array([1.0, -1.0])
    s0 = opt.init(p, hp)
    snapshot = [np.copy(x) if isinstance(x, np.ndarray) else x for x in s0]
    opt.update(np.array([0.5, 2.0]), s0, p, hp)
    for before, after in zip(snapshot, s0, strict=True):
        if isinstance(before, np.ndarray):
            np.testing.assert_array_equal(before, after)
        else:
            assert before == after


def test_course_defaults() -> None:
    assert get_optimizer("momentum").resolve()["beta"] == 0.9
    assert get_optimizer("rmsprop").resolve()["beta"] == 0.9
    adam = get_optimizer("adam").resolve()
    assert (adam["beta1"], adam["beta2"], adam["eps"]) == (0.9, 0.999, 1e-8)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("adam(lr=-1)", "lr must be in [0, inf); got -1"),
        ("rmsprop(beta=1)", "beta must be in [0, 1); got 1"),
        ("momentum(beta=-0.1)", "beta must be in [0, 1); got -0.1"),
        ("adam(eps=-1e-8)", "eps must be in [0, inf); got -1e-08"),
        ("adam(amsgrad=maybe)", "amsgrad must be true or false"),
        ("adam(lr=abc)", "lr must be a number; got 'abc'"),
        ("adam(lr=nan)", "lr must be finite; got 'nan'"),
        ("adam(gamma=1)", "adam has no setting 'gamma'"),
        ("adamm", "unknown optimizer 'adamm'"),
        ("adam(lr)", "'lr' is not key=value"),
        ("adam(lr=1, lr=2)", "'lr' given twice"),
        ("adam(lr=1", "expected name or name(key=value, ...)"),
    ],
)
def test_invalid_settings_raise_one_error_type_naming_the_parameter(
    spec: str, message: str
) -> None:
    with pytest.raises(OptiscopeError) as err:
        parse_optimizer(spec)
    assert message in str(err.value)


def test_sgd_is_an_alias_of_gd_and_names_are_forgiving() -> None:
    assert get_optimizer("SGD") is get_optimizer("gd")
    assert get_optimizer("Norm_GD") is get_optimizer("normgd")


def test_every_optimizer_has_a_rule_and_a_schema_with_lr() -> None:
    for opt in OPTIMIZERS.values():
        assert opt.rule and all(isinstance(line, str) and line for line in opt.rule)
        assert opt.schema[0].name == "lr"
        for p in opt.schema:
            assert p.help
            p.validate(p.default, opt.name)  # every default is inside its own range


@pytest.mark.parametrize("text", ["inf", "-inf", "nan", "1e400", float("inf"), float("nan")])
def test_a_whole_number_setting_refuses_infinities_with_a_message(text: object) -> None:
    from optiscope.core.params import Param

    setting = Param("window", 10, "steps averaged", low=1, high=1000, kind="int")
    with pytest.raises(OptiscopeError, match=r"window (must be finite|is too large)"):
        setting.validate(text, "test")
