"""The surface catalogue: analytic gradients, listed minima, vectorisation and the registry."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from optiscope.core.errors import OptiscopeError
from optiscope.core.surfaces import SURFACES, Minimum, Surface, get_surface, surface_names
from optiscope.core.surfaces.base import Array, ArrayLike
from optiscope.core.surfaces.regression import Regression

EXPECTED_NAMES = {
    "lecture-bowl",
    "vee",
    "rotated-bowl",
    "round-bowl",
    "matyas",
    "booth",
    "rosenbrock",
    "beale",
    "himmelblau",
    "six-hump-camel",
    "saddle",
    "goldstein-price",
    "rastrigin",
    "ackley",
    "styblinski-tang",
    "regression",
    "sharpening",
}

# Every registered surface with its defaults, plus extra settings where they change the shape.
CASES: list[tuple[str, dict[str, object]]] = [(name, {}) for name in SURFACES] + [
    ("rotated-bowl", {"kappa": 100, "theta": -60}),
    ("rotated-bowl", {"kappa": 1, "theta": 0}),
    ("regression", {"n_samples": 200, "data_noise": 1.0, "seed": 7}),
]


def _case_id(case: tuple[str, dict[str, object]]) -> str:
    name, settings = case
    return name + "".join(f"-{k}={v}" for k, v in settings.items())


@pytest.fixture(params=CASES, ids=[_case_id(c) for c in CASES])
def surface(request: pytest.FixtureRequest) -> Surface:
    name, settings = request.param
    return get_surface(name, **settings)


def _random_points(s: Surface, n: int, seed: int = 0) -> tuple[Array, Array]:
    (x0, x1), (y0, y1) = s.domain
    rng = np.random.default_rng(seed)
    return rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)


def _grad(s: Surface, x: float, y: float) -> Array:
    gx, gy = s.grad(x, y)
    return np.array([float(gx), float(gy)])


def _fd_hessian(s: Surface, x: float, y: float, h: float = 1e-5) -> Array:
    cols = []
    for dx, dy in ((h, 0.0), (0.0, h)):
        cols.append((_grad(s, x + dx, y + dy) - _grad(s, x - dx, y - dy)) / (2 * h))
    hess: Array = np.column_stack(cols)
    return 0.5 * (hess + hess.T)


# -- the registry -------------------------------------------------------------------------------
def test_registry_holds_exactly_the_cli_names_lecture_bowl_first() -> None:
    assert set(surface_names()) == EXPECTED_NAMES
    assert len(surface_names()) == len(EXPECTED_NAMES)
    assert surface_names()[0] == "lecture-bowl"
    for name, cls in SURFACES.items():
        assert cls.name == name
        assert issubclass(cls, Surface)


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("lecture-bowl", "lecture-bowl"),
        ("Lecture_Bowl", "lecture-bowl"),
        ("  SIX hump_Camel ", "six-hump-camel"),
        ("goldstein price", "goldstein-price"),
        ("Styblinski_Tang", "styblinski-tang"),
        ("bowl", "lecture-bowl"),
        ("camel", "six-hump-camel"),
        ("ROTATED", "rotated-bowl"),
    ],
)
def test_get_surface_normalises_names_and_aliases(spelling: str, expected: str) -> None:
    s = get_surface(spelling)
    assert type(s) is SURFACES[expected]
    assert s.name == expected


def test_unknown_surface_lists_the_choices() -> None:
    with pytest.raises(OptiscopeError) as info:
        get_surface("xyz")
    assert str(info.value) == f"unknown surface 'xyz' (surfaces: {', '.join(SURFACES)})"


def test_get_surface_passes_settings_and_rejects_foreign_ones() -> None:
    s = get_surface("rotated_bowl", kappa=5, theta="-15")
    assert s.settings == {"kappa": 5, "theta": -15}
    with pytest.raises(OptiscopeError, match="kappa"):
        get_surface("lecture-bowl", kappa=5)


@pytest.mark.parametrize(
    ("name", "settings", "param"),
    [
        ("rotated-bowl", {"kappa": 0}, "kappa"),
        ("rotated-bowl", {"kappa": 2e4}, "kappa"),
        ("rotated-bowl", {"theta": 91}, "theta"),
        ("regression", {"batch_size": -1}, "batch_size"),
        ("regression", {"batch_size": 65, "n_samples": 64}, "batch_size"),
        ("regression", {"batch_size": 2.5}, "batch_size"),
        ("regression", {"n_samples": 1}, "n_samples"),
        ("regression", {"data_noise": -0.1}, "data_noise"),
    ],
)
def test_invalid_settings_name_the_parameter(
    name: str, settings: dict[str, object], param: str
) -> None:
    with pytest.raises(OptiscopeError, match=param):
        get_surface(name, **settings)


# -- per-surface contract ---------------------------------------------------------------------
def test_story_fields(surface: Surface) -> None:
    for text in (surface.title, surface.formula, surface.teaches):
        assert text.strip() and "\n" not in text
    assert len(surface.coords) == 2
    lecture_axes = {"lecture-bowl", "regression", "vee"}
    expected_coords = ("w", "b") if surface.name in lecture_axes else ("x", "y")
    assert surface.coords == expected_coords
    assert set(surface.suggested_lr) == {"gd", "adaptive", "sign"}
    assert all(lr > 0 for lr in surface.suggested_lr.values())
    json.dumps(surface.describe())


def test_grad_matches_central_differences(surface: Surface) -> None:
    xs, ys = _random_points(surface, 50, seed=1)
    gx, gy = surface.grad(xs, ys)
    for x, y, ax, ay in zip(xs, ys, gx, gy, strict=True):
        hx = 1e-6 * max(1.0, abs(x))
        hy = 1e-6 * max(1.0, abs(y))
        fdx = (surface.f(x + hx, y) - surface.f(x - hx, y)) / (2 * hx)
        fdy = (surface.f(x, y + hy) - surface.f(x, y - hy)) / (2 * hy)
        scale = max(abs(ax), abs(ay))
        atol = 1e-7 * (1.0 + abs(float(surface.f(x, y))))
        assert abs(ax - fdx) <= 1e-6 * scale + atol, (x, y, ax, fdx)
        assert abs(ay - fdy) <= 1e-6 * scale + atol, (x, y, ay, fdy)


def _fd_hessians(surface: Surface, xs: Array, ys: Array) -> Array:
    """Central differences of the analytic gradient (itself checked above), steps scaled to
    each coordinate, symmetrised: an independent Hessian for every point."""
    out = []
    for x, y in zip(xs, ys, strict=True):
        hx, hy = 1e-5 * max(1.0, abs(x)), 1e-5 * max(1.0, abs(y))
        dx = (_grad(surface, x + hx, y) - _grad(surface, x - hx, y)) / (2 * hx)
        dy = (_grad(surface, x, y + hy) - _grad(surface, x, y - hy)) / (2 * hy)
        hess = np.column_stack([dx, dy])
        out.append(0.5 * (hess + hess.T))
    return np.array(out)


def _off_kinks(surface: Surface, xs: Array, ys: Array) -> tuple[Array, Array]:
    """Points a finite-difference step away from the kinks (the V valley's floor) and from
    Ackley's cone tip, where no Hessian exists."""
    keep = np.hypot(xs, ys) > 1e-3
    if surface.name == "vee":
        keep &= np.abs(xs) > 1e-3
    return xs[keep], ys[keep]


def test_hessian_matches_central_differences_of_the_gradient(surface: Surface) -> None:
    xs, ys = _off_kinks(surface, *_random_points(surface, 40, seed=2))
    analytic = surface.hessian(xs, ys)
    assert analytic.shape == (len(xs), 2, 2)
    np.testing.assert_array_equal(analytic[:, 0, 1], analytic[:, 1, 0])
    numeric = _fd_hessians(surface, xs, ys)
    scale = np.abs(numeric).max(axis=(1, 2), keepdims=True) + 1.0
    assert np.all(np.abs(analytic - numeric) <= 1e-5 * scale), surface.name


def test_sharpness_is_the_largest_eigenvalue_of_the_independent_hessian(surface: Surface) -> None:
    xs, ys = _off_kinks(surface, *_random_points(surface, 40, seed=3))
    expected = np.linalg.eigvalsh(_fd_hessians(surface, xs, ys))[:, -1]
    sharpness = surface.sharpness(np.stack([xs, ys], axis=-1))
    scale = np.abs(expected) + 1.0
    assert np.all(np.abs(sharpness - expected) <= 1e-5 * scale), surface.name


def test_hessian_of_one_point_and_of_a_grid(surface: Surface) -> None:
    x, y = (float(v) for v in surface.start())
    one = surface.hessian(x, y)
    grid = surface.hessian(np.full((3, 4), x), np.full((3, 4), y))
    assert one.shape == (2, 2) and grid.shape == (3, 4, 2, 2)
    np.testing.assert_array_equal(grid, np.broadcast_to(one, (3, 4, 2, 2)))
    assert float(surface.sharpness(np.array([x, y]))) == pytest.approx(
        np.linalg.eigvalsh(one)[-1], rel=1e-12, abs=1e-12
    )


@pytest.mark.parametrize(
    ("name", "point", "hessian"),
    [
        ("lecture-bowl", (-4.7, -1.3), [[0.2, 0.0], [0.0, 4.0]]),
        ("booth", (0.0, 0.0), [[10.0, 8.0], [8.0, 10.0]]),
        ("rosenbrock", (1.0, 1.0), [[802.0, -400.0], [-400.0, 200.0]]),
        ("himmelblau", (3.0, 2.0), [[74.0, 20.0], [20.0, 34.0]]),
        ("sharpening", (0.0, 0.0), [[0.04, 0.0], [0.0, 1.0]]),
        ("sharpening", (4.0, 0.0), [[0.04, 0.0], [0.0, 17.0]]),
        ("rastrigin", (0.0, 0.0), [[2 + 40 * math.pi**2, 0.0], [0.0, 2 + 40 * math.pi**2]]),
    ],
)
def test_hessians_at_points_worked_by_hand(
    name: str, point: tuple[float, float], hessian: list[list[float]]
) -> None:
    np.testing.assert_allclose(get_surface(name).hessian(*point), hessian, rtol=1e-14)


def test_sharpening_valleys_curvature_across_grows_along_it() -> None:
    s = get_surface("sharpening")
    xs = np.linspace(0.0, 5.0, 11)
    np.testing.assert_allclose(s.sharpness(np.stack([xs, 0 * xs], -1)), 1 + xs * xs)
    assert s.minima[0].point == (5.0, 0.0)
    moved = get_surface("sharpening", center=0.0)
    assert moved.minima[0].point == (0.0, 0.0) and moved.sharpness(np.zeros(2)) == 1.0


def test_minima_are_stationary_with_the_listed_value(surface: Surface) -> None:
    assert surface.minima
    for m in surface.minima:
        assert isinstance(m, Minimum)
        x, y = m.point
        g = _grad(surface, x, y)
        curvature = np.abs(np.linalg.eigvalsh(_fd_hessian(surface, x, y))).max()
        assert np.abs(g).max() <= 1e-9 * max(1.0, curvature), (m, g)
        assert float(surface.f(x, y)) == pytest.approx(m.value, rel=1e-12, abs=1e-12)


def test_minima_are_true_minima_inside_the_domain(surface: Surface) -> None:
    (x0, x1), (y0, y1) = surface.domain
    for m in surface.minima:
        x, y = m.point
        assert x0 <= x <= x1 and y0 <= y <= y1
        # Positive definite curvature: a saddle or maximum listed by mistake fails here.
        assert np.linalg.eigvalsh(_fd_hessian(surface, x, y)).min() > 0, m


def test_nothing_in_the_domain_is_below_the_global_minimum(surface: Surface) -> None:
    (x0, x1), (y0, y1) = surface.domain
    gx, gy = np.meshgrid(np.linspace(x0, x1, 301), np.linspace(y0, y1, 301))
    lowest = min(m.value for m in surface.minima)
    assert float(surface.f(gx, gy).min()) >= lowest - 1e-9


def test_starts_are_named_inside_the_domain_and_default_first(surface: Surface) -> None:
    starts = surface.starts
    assert len(starts) >= 2
    assert surface.start() == next(iter(starts.values()))
    (x0, x1), (y0, y1) = surface.domain
    for name, (x, y) in starts.items():
        assert x0 <= x <= x1 and y0 <= y <= y1, name
        assert surface.start(name) == (x, y)
    starts.clear()
    assert surface.starts, "starts must be a copy, not the surface's own dict"


def test_scalars_and_arrays_agree_pointwise(surface: Surface) -> None:
    xs, ys = _random_points(surface, 12, seed=2)
    f0 = surface.f(float(xs[0]), float(ys[0]))
    assert np.asarray(f0).dtype == np.float64 and np.ndim(f0) == 0
    g0 = surface.grad(float(xs[0]), float(ys[0]))
    assert all(np.asarray(c).dtype == np.float64 and np.ndim(c) == 0 for c in g0)

    pointwise_f = np.array(
        [float(surface.f(float(x), float(y))) for x, y in zip(xs, ys, strict=True)]
    )
    pointwise_g = np.array(
        [_grad(surface, float(x), float(y)) for x, y in zip(xs, ys, strict=True)]
    )
    for shape in [(12,), (3, 4), (2, 1, 6)]:
        f = surface.f(xs.reshape(shape), ys.reshape(shape))
        gx, gy = surface.grad(xs.reshape(shape), ys.reshape(shape))
        for arr in (f, gx, gy):
            assert arr.shape == shape and arr.dtype == np.float64
        np.testing.assert_allclose(f.ravel(), pointwise_f, rtol=1e-13, atol=1e-13)
        np.testing.assert_allclose(gx.ravel(), pointwise_g[:, 0], rtol=1e-13, atol=1e-13)
        np.testing.assert_allclose(gy.ravel(), pointwise_g[:, 1], rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(surface.value(np.column_stack([xs, ys])), pointwise_f, rtol=1e-13)


def test_broadcasting_gives_both_components_the_full_shape(surface: Surface) -> None:
    xs, ys = _random_points(surface, 5, seed=3)
    col, row = xs[:, None], ys[None, :4]
    f = surface.f(col, row)
    gx, gy = surface.grad(col, row)
    assert f.shape == gx.shape == gy.shape == (5, 4)
    assert float(f[2, 3]) == pytest.approx(float(surface.f(xs[2], ys[3])), rel=1e-13, abs=1e-13)
    assert float(gy[4, 1]) == pytest.approx(float(_grad(surface, xs[4], ys[1])[1]), abs=1e-12)
    # A scalar against an array broadcasts too.
    assert surface.grad(float(xs[0]), ys)[0].shape == ys.shape


def test_integer_inputs_are_evaluated_in_float64(surface: Surface) -> None:
    ints = np.array([3, -2, 100_000], dtype=np.int64)
    np.testing.assert_array_equal(
        surface.f(ints, ints[::-1]), surface.f(ints.astype(float), ints[::-1].astype(float))
    )
    assert surface.f(1, 2).dtype == np.float64


def test_no_floating_point_trouble_anywhere_in_the_domain(surface: Surface) -> None:
    (x0, x1), (y0, y1) = surface.domain
    # Odd counts put exact zeros (Ackley's kink, the saddle's ridge) on symmetric grids.
    gx, gy = np.meshgrid(np.linspace(x0, x1, 101), np.linspace(y0, y1, 101))
    points: list[tuple[ArrayLike, ArrayLike]] = [
        (gx, gy),
        (0.0, 0.0),
        (np.float32(1.5), np.float32(0.25)),
    ]
    with np.errstate(all="raise", under="ignore"):
        for x, y in points:
            assert np.isfinite(surface.f(x, y)).all()
            assert all(np.isfinite(c).all() for c in surface.grad(x, y))


def test_huge_inputs_do_not_raise(surface: Surface) -> None:
    with np.errstate(all="ignore"):
        f = surface.f(np.array([1e200, -1e200]), np.array([1e200, 3.0]))
        gx, gy = surface.grad(1e200, -1e200)
    assert f.dtype == gx.dtype == gy.dtype == np.float64


# -- closed-form values ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "point", "value"),
    [
        ("lecture-bowl", (-4.7, -1.3), 0.1 * 4.7**2 + 2 * 1.3**2),
        ("round-bowl", (3.0, 4.0), 25.0),
        ("matyas", (1.0, 1.0), 0.04),
        ("booth", (0.0, 0.0), 74.0),
        ("booth", (1.0, 3.0), 0.0),
        ("rosenbrock", (1.0, 1.0), 0.0),
        ("rosenbrock", (-2.0, 2.0), 409.0),
        ("beale", (3.0, 0.5), 0.0),
        ("beale", (0.0, 0.0), 1.5**2 + 2.25**2 + 2.625**2),
        # Three distinct terms: a duplicated second term would give 6.25 + 2·27.5625.
        ("beale", (1.0, 2.0), 2.5**2 + 5.25**2 + 9.625**2),
        ("himmelblau", (0.0, 0.0), 170.0),
        ("himmelblau", (3.0, 2.0), 0.0),
        ("six-hump-camel", (0.0, 0.0), 0.0),
        ("six-hump-camel", (1.0, 1.0), 4 - 2.1 + 1 / 3 + 1),
        ("saddle", (0.0, math.sqrt(2.0)), -1.0),
        ("saddle", (1.0, 1.0), 0.25),
        ("goldstein-price", (0.0, -1.0), 3.0),
        ("goldstein-price", (0.0, 0.0), 600.0),
        ("goldstein-price", (-0.6, -0.4), 30.0),
        ("goldstein-price", (1.8, 0.2), 84.0),
        ("goldstein-price", (1.2, 0.8), 840.0),
        ("goldstein-price", (1.0, 1.0), 1876.0),
        ("rastrigin", (0.0, 0.0), 0.0),
        ("rastrigin", (0.5, 0.5), 40.5),
        ("ackley", (0.0, 0.0), 0.0),
        ("ackley", (1.0, 0.0), -20 * math.exp(-0.2 * math.sqrt(0.5)) - math.e + math.e + 20),
        ("styblinski-tang", (0.0, 0.0), 0.0),
        ("styblinski-tang", (1.0, 1.0), -10.0),
    ],
)
def test_known_values(name: str, point: tuple[float, float], value: float) -> None:
    assert float(get_surface(name).f(*point)) == pytest.approx(value, rel=1e-12, abs=1e-12)


def test_ackley_gradient_at_the_kink_is_zero() -> None:
    gx, gy = get_surface("ackley").grad(np.zeros(3), np.zeros(3))
    np.testing.assert_array_equal(gx, 0.0)
    np.testing.assert_array_equal(gy, 0.0)


@pytest.mark.parametrize(
    ("name", "count", "values"),
    [
        ("himmelblau", 4, {0.0}),
        ("six-hump-camel", 6, {-1.0316284534898774, -0.21546382438371764, 2.1042503103112584}),
        ("goldstein-price", 4, {3.0, 30.0, 84.0, 840.0}),
        ("styblinski-tang", 4, {-78.33233140754282, -64.19561235905536, -50.05889331056788}),
        ("saddle", 2, {-1.0}),
    ],
)
def test_all_known_minima_are_listed(name: str, count: int, values: set[float]) -> None:
    minima = get_surface(name).minima
    points = {m.point for m in minima}
    assert len(points) == count
    assert {m.value for m in minima} == values
    best = min(m.value for m in minima)
    assert all(("global" in m.label) == (m.value == best) for m in minima)


def test_styblinski_tang_global_minimum_is_precise() -> None:
    (m,) = [m for m in get_surface("styblinski-tang").minima if "global" in m.label]
    t = m.point[0]
    assert m.point == (t, t)
    assert t == pytest.approx(-2.903534027771178, abs=1e-14)
    assert 2 * t**3 - 16 * t + 2.5 == pytest.approx(0.0, abs=1e-13)


# -- the rotated bowl ----------------------------------------------------------------------------
def test_rotated_bowl_at_theta_zero_is_the_lecture_bowl() -> None:
    xs, ys = _random_points(get_surface("lecture-bowl"), 40, seed=4)
    lecture = get_surface("lecture-bowl")
    rotated = get_surface("rotated-bowl", kappa=20, theta=0)
    np.testing.assert_allclose(rotated.f(xs, ys), lecture.f(xs, ys), rtol=1e-14)
    for kappa in (1.0, 5.0, 400.0):
        bowl = get_surface("rotated-bowl", kappa=kappa, theta=0)
        # f = ½(λmin·x² + λmax·y²) with λmax = 4: the lecture bowl with w rescaled by κ.
        expected = 0.5 * (4 / kappa * xs**2 + 4 * ys**2)
        np.testing.assert_allclose(bowl.f(xs, ys), expected, rtol=1e-14)


@pytest.mark.parametrize(("kappa", "theta"), [(20, 30), (100, -60), (7.5, 45), (1e4, 89), (3, 0)])
def test_rotated_bowl_eigenvalues_and_angle(kappa: float, theta: float) -> None:
    s = get_surface("rotated-bowl", kappa=kappa, theta=theta)
    hess = _fd_hessian(s, 0.3, -0.7)
    eigenvalues, vectors = np.linalg.eigh(hess)
    np.testing.assert_allclose(eigenvalues, [4 / kappa, 4.0], rtol=1e-7)
    vx, vy = vectors[:, 0]  # the shallow direction
    angle = math.degrees(math.atan2(vy, vx))
    # An eigenvector's sign is arbitrary, so compare angles modulo 180°.
    assert (angle - theta + 90) % 180 - 90 == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("theta", [30.0, -75.0, 0.0])
def test_rotated_bowl_starts_are_the_lecture_starts_turned_by_theta(theta: float) -> None:
    s = get_surface("rotated-bowl", theta=theta)
    c, sn = math.cos(math.radians(theta)), math.sin(math.radians(theta))
    lecture = get_surface("lecture-bowl")
    assert list(s.starts) == list(lecture.starts)
    for label, (x, y) in s.starts.items():
        u, v = c * x + sn * y, -sn * x + c * y
        assert (u, v) == pytest.approx(lecture.start(label), abs=1e-6)
        # Same κ as the lecture: the loss at a start does not depend on the rotation.
        assert float(s.f(x, y)) == pytest.approx(float(lecture.f(*lecture.start(label))), rel=1e-5)
    assert s.start() == s.start("A")


def test_rotation_does_not_change_gradient_descent() -> None:
    """GD's path is rotation-equivariant: the point of having the rotated bowl."""
    flat = get_surface("rotated-bowl", theta=0)
    turned = get_surface("rotated-bowl", theta=40)
    c, s = math.cos(math.radians(40)), math.sin(math.radians(40))
    p = np.array(flat.start())
    q = np.array(turned.start())
    for _ in range(25):
        p = p - 0.4 * np.array(flat.grad(*p))
        q = q - 0.4 * np.array(turned.grad(*q))
    np.testing.assert_allclose([c * p[0] - s * p[1], s * p[0] + c * p[1]], q, atol=1e-5)


# -- regression ------------------------------------------------------------------------------------
def _naive_loss(s: Regression, w: ArrayLike, b: ArrayLike, idx: np.ndarray | None = None) -> Array:
    x = s.x_data if idx is None else s.x_data[idx]
    y = s.y_data if idx is None else s.y_data[idx]
    r = np.asarray(w)[..., None] * x + np.asarray(b)[..., None] - y
    loss: Array = 0.5 * np.mean(r * r, axis=-1)
    return loss


def _regression(**settings: object) -> Regression:
    s = get_surface("regression", **settings)
    assert isinstance(s, Regression)
    return s


def test_regression_loss_is_the_mean_squared_residual() -> None:
    s = _regression()
    assert s.x_data.shape == s.y_data.shape == (64,)
    ws, bs = _random_points(s, 30, seed=5)
    np.testing.assert_allclose(s.f(ws, bs), _naive_loss(s, ws, bs), rtol=1e-12)
    grid_w, grid_b = np.meshgrid(ws[:6], bs[:4])
    np.testing.assert_allclose(s.f(grid_w, grid_b), _naive_loss(s, grid_w, grid_b), rtol=1e-12)


@pytest.mark.parametrize("settings", [{}, {"n_samples": 10, "data_noise": 2.0, "seed": 99}])
def test_regression_minimum_matches_lstsq(settings: dict[str, object]) -> None:
    s = _regression(**settings)
    design = np.column_stack([s.x_data, np.ones_like(s.x_data)])
    (w, b), *_ = np.linalg.lstsq(design, s.y_data, rcond=None)
    (m,) = s.minima
    assert m.point == pytest.approx((w, b), abs=1e-12)
    assert m.value == pytest.approx(float(_naive_loss(s, np.array(w), np.array(b))), rel=1e-12)


def test_regression_bowl_is_elongated_like_the_lecture() -> None:
    s = _regression()
    eigenvalues = np.linalg.eigvalsh(_fd_hessian(s, *s.start()))
    assert 10 < eigenvalues[1] / eigenvalues[0] < 40
    assert s.suggested_lr["gd"] < 2 / eigenvalues[1]


def test_regression_data_is_seeded() -> None:
    a, b, c = _regression(seed=3), _regression(seed=3), _regression(seed=4)
    np.testing.assert_array_equal(a.y_data, b.y_data)
    assert not np.array_equal(a.y_data, c.y_data)
    assert _regression(data_noise=0.0).minima[0].value == pytest.approx(0.0, abs=1e-20)


@pytest.mark.parametrize("batch_size", [0, 64])
def test_full_batch_is_not_stochastic(batch_size: int) -> None:
    s = _regression(batch_size=batch_size)
    assert not s.stochastic
    ws, bs = _random_points(s, 5, seed=6)
    for t in (0, 1, 17):
        for got, want in zip(s.grad_at_step(ws, bs, t, seed=3), s.grad(ws, bs), strict=True):
            np.testing.assert_array_equal(got, want)
    # Summing residuals over every point gives the same gradient as the quadratic form.
    everything = s.batch_grad(ws, bs, np.arange(64))
    for got, want in zip(everything, s.grad(ws, bs), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_mini_batch_gradient_is_the_gradient_of_that_batch() -> None:
    s = _regression(batch_size=8)
    assert s.stochastic
    idx = s.batch_indices(t=5, seed=11)
    assert idx.shape == (8,) and len(set(idx.tolist())) == 8
    w, b = np.array([0.7, -1.0]), np.array([2.0, 0.1])
    gw, gb = s.grad_at_step(w, b, t=5, seed=11)
    hw, hb = 1e-6, 1e-6
    fd_w = (_naive_loss(s, w + hw, b, idx) - _naive_loss(s, w - hw, b, idx)) / (2 * hw)
    fd_b = (_naive_loss(s, w, b + hb, idx) - _naive_loss(s, w, b - hb, idx)) / (2 * hb)
    np.testing.assert_allclose(gw, fd_w, rtol=1e-6)
    np.testing.assert_allclose(gb, fd_b, rtol=1e-6)
    assert gw.shape == gb.shape == (2,)


def test_mini_batches_sample_without_replacement() -> None:
    s = _regression(batch_size=48)
    for t in range(20):
        idx = s.batch_indices(t, seed=0)
        assert len(set(idx.tolist())) == 48 and idx.min() >= 0 and idx.max() < 64


def test_mini_batches_are_reproducible_per_seed_and_step() -> None:
    s = _regression(batch_size=8)
    w, b = s.start()
    first = s.grad_at_step(w, b, t=3, seed=1)
    again = _regression(batch_size=8).grad_at_step(w, b, t=3, seed=1)
    assert first == again
    assert s.grad_at_step(w, b, t=4, seed=1) != first
    assert s.grad_at_step(w, b, t=3, seed=2) != first
    assert s.grad_at_step(w, b, t=3, seed=1) != s.grad(w, b)


def test_mini_batch_gradient_is_unbiased() -> None:
    s = _regression(batch_size=4)
    w, b = s.start()
    steps = 3000
    samples = np.array([s.grad_at_step(w, b, t, seed=0) for t in range(steps)])
    full = np.array(s.grad(w, b))
    spread = samples.std(axis=0) / math.sqrt(steps)
    assert np.all(samples.std(axis=0) > 1e-3), "a batch of 4 out of 64 must be noisy"
    assert np.all(np.abs(samples.mean(axis=0) - full) < 4 * spread)
