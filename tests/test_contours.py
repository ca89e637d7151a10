"""Contour levels and lines: spacing, accuracy on the surface, and the bowl's shape."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from optiscope.core.contours import contour_levels, contour_lines
from optiscope.core.surfaces import SURFACES, get_surface
from optiscope.core.surfaces.base import Array, ArrayLike
from optiscope.core.surfaces.bowls import LectureBowl


@pytest.mark.parametrize("name", list(SURFACES))
def test_levels_are_strictly_increasing_and_inside_the_window_range(name: str) -> None:
    surface = get_surface(name)
    levels = contour_levels(surface, surface.domain, 12)
    assert 1 <= len(levels) <= 12
    assert np.all(np.diff(levels) > 0)
    f_min = min(m.value for m in surface.minima)
    assert levels[0] > f_min - 1e-9 * max(1.0, abs(f_min))


def test_rosenbrock_levels_are_log_spaced_above_the_minimum() -> None:
    surface = get_surface("rosenbrock")
    levels = contour_levels(surface, surface.domain, 10)
    ratios = np.diff(np.log(levels - 0.0))
    assert np.allclose(ratios, ratios[0], rtol=1e-9)
    assert levels[-1] / levels[0] > 100  # spans decades: the valley floor gets lines too


def _closed(surface: LectureBowl, levels: np.ndarray) -> list[tuple[float, np.ndarray]]:
    lines = contour_lines(surface, surface.domain, levels, (241, 241))
    return [(lv, pts) for lv, pts in lines if np.allclose(pts[0], pts[-1])]


def test_lecture_bowl_levels_are_nested_ellipses_evenly_spaced_in_size() -> None:
    """Below the rim (f = 3.6 where the w = ±6 edges are lowest) every level closes inside
    the window, and the ellipses' widths 2·√(10·c) step up evenly: 12·i/(k + ½)."""
    surface = get_surface("lecture-bowl")
    levels = contour_levels(surface, surface.domain, 12)
    inner = levels[levels < 3.6]
    assert len(inner) == 9 and len(levels) == 12
    widths = 2 * np.sqrt(10 * inner)
    expected = 12 * np.arange(1, 10) / 9.5
    assert np.allclose(widths, expected, rtol=0.02)
    closed = _closed(surface, levels)  # type: ignore[arg-type]
    assert sorted({lv for lv, _ in closed}) == pytest.approx(list(inner))
    for level, points in closed:
        width = points[:, 0].max() - points[:, 0].min()
        assert width == pytest.approx(2 * math.sqrt(10 * level), rel=0.01)


@pytest.mark.parametrize(("dots", "rings"), [((140, 40), 3), ((180, 100), 9), ((110, 28), 2)])
def test_closed_curves_are_spaced_for_the_screen(dots: tuple[int, int], rings: int) -> None:
    """At 80x24 the plot has ~10 rows (40 braille dots) for b ∈ [−3, 3]: the closed
    ellipses, |b| < 1.34, fit only a few rings at least 2 dots apart."""
    surface = get_surface("lecture-bowl")
    levels = contour_levels(surface, surface.domain, 12, dots=dots)
    inner = levels[levels < 3.6]
    assert len(inner) == rings
    heights = 2 * np.sqrt(inner / 2)  # the ellipse's extent in b
    gaps_in_dots = np.diff(np.concatenate([[0.0], heights / 2])) * dots[1] / 6
    assert gaps_in_dots.min() >= 2.0 - 0.15  # the grid finds the rim to ±1/120 of the window
    assert len(_closed(surface, levels)) == rings  # type: ignore[arg-type]


class SunkenBowl(LectureBowl):
    """The lecture bowl lowered below zero and drawn with log levels: offsetting must cope."""

    name = "sunken-bowl"
    log_levels = True

    def f(self, x: ArrayLike, y: ArrayLike) -> Array:
        return super().f(x, y) - 50.0


def test_log_levels_handle_a_negative_minimum_by_offsetting() -> None:
    surface = SunkenBowl()
    levels = contour_levels(surface, surface.domain, 9)
    assert np.all(np.diff(levels) > 0)
    assert levels[0] > -50.0
    ratios = np.diff(np.log(levels + 50.0))
    assert np.allclose(ratios, ratios[0], rtol=1e-9)


@pytest.mark.parametrize(
    "name", ["lecture-bowl", "rosenbrock", "himmelblau", "six-hump-camel", "ackley"]
)
def test_every_polyline_point_lies_on_its_level(name: str) -> None:
    """Each point is a linear interpolation along a grid edge, so f there misses the level by
    at most h²/8 · |f''| along that edge (checked with a margin for f'' varying over it)."""
    surface = get_surface(name)
    window = surface.domain
    nx, ny = 160, 120
    levels = contour_levels(surface, window, 10)
    lines = contour_lines(surface, window, levels, (nx, ny))
    assert lines
    (x0, x1), (y0, y1) = window
    hx, hy = (x1 - x0) / (nx - 1), (y1 - y0) / (ny - 1)
    for level, points in lines:
        assert points.ndim == 2 and points.shape[1] == 2 and len(points) >= 2
        x, y = points[:, 0], points[:, 1]
        f = surface.f(x, y)
        fxx = (surface.f(x + hx, y) - 2 * f + surface.f(x - hx, y)) / hx**2
        fyy = (surface.f(x, y + hy) - 2 * f + surface.f(x, y - hy)) / hy**2
        bound = np.maximum(hx**2 * np.abs(fxx), hy**2 * np.abs(fyy)) / 8
        assert np.all(np.abs(f - level) <= 2 * bound + 1e-9 * max(1.0, abs(level)))
        assert np.median(np.abs(f - level)) < 0.02 * (levels[-1] - levels[0])


def test_bowl_points_are_on_their_level_to_a_tight_relative_error() -> None:
    surface = get_surface("lecture-bowl")
    levels = contour_levels(surface, surface.domain, 10)
    # Linear interpolation along a grid edge misses by at most h²/8·f'' there (f'' = 0.2
    # across, 4 up): 4.5e-4 on a 200x200 grid, whatever the level.
    hx, hy = 12 / 199, 6 / 199
    bound = max(hx**2 * 0.2, hy**2 * 4.0) / 8
    for level, points in contour_lines(surface, surface.domain, levels, (200, 200)):
        f = surface.f(points[:, 0], points[:, 1])
        assert np.max(np.abs(f - level)) <= bound * (1 + 1e-9)


def test_lecture_bowl_ellipses_have_axis_ratio_sqrt_20() -> None:
    surface = get_surface("lecture-bowl")
    closed = 0
    for level, points in contour_lines(surface, surface.domain, [0.5, 1.0, 2.0, 3.0], (241, 241)):
        assert np.allclose(points[0], points[-1])  # a whole ellipse inside the window
        width = points[:, 0].max() - points[:, 0].min()
        height = points[:, 1].max() - points[:, 1].min()
        assert width / height == pytest.approx(math.sqrt(20), rel=0.01)
        assert width == pytest.approx(2 * math.sqrt(level / 0.1), rel=0.01)
        closed += 1
    assert closed == 4


def test_overflowing_values_are_masked_silently() -> None:
    surface = get_surface("rosenbrock")
    window = ((-1e160, 1e160), (-1e160, 1e160))  # f overflows to inf almost everywhere
    levels = np.array([1e300, 1e305])
    lines = contour_lines(surface, window, levels, (50, 50))
    for _, points in lines:
        assert np.isfinite(points).all()
    assert contour_levels(surface, window, 5).ndim == 1


def test_a_flat_window_has_no_levels_and_no_lines() -> None:
    class Flat(LectureBowl):
        def f(self, x: ArrayLike, y: ArrayLike) -> Array:
            return np.zeros(np.broadcast(x, y).shape)

    surface = Flat()
    assert contour_levels(surface, surface.domain).size == 0
    assert contour_lines(surface, surface.domain, []) == []


def test_contours_import_no_terminal_library() -> None:
    code = (
        "import sys, optiscope.core.contours\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'textual', 'rich', 'plotext', 'textual_plotext'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
