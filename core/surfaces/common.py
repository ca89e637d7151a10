"""Shared plumbing for the catalogue: float64 inputs, Hessians as arrays and settings-free
geometry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import numpy as np

from .base import Array, ArrayLike, Minimum, Surface

Box = tuple[tuple[float, float], tuple[float, float]]


def as_pair(x: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
    """``x`` and ``y`` as float64 arrays of one shape.

    Integer inputs would otherwise overflow silently, and a gradient whose two components
    have different shapes surprises every caller that stacks them. Two float64 scalars pass
    through untouched: scalar arithmetic is several times faster than 0-d arrays, and it is
    what a recorded trajectory evaluates once per step.
    """
    if type(x) is np.float64 and type(y) is np.float64:
        return x, y  # type: ignore[return-value]
    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    if xa.shape != ya.shape:
        xa, ya = np.broadcast_arrays(xa, ya)
    return xa, ya


def symmetric(hxx: ArrayLike, hxy: ArrayLike, hyy: ArrayLike) -> Array:
    """The Hessian [[hxx, hxy], [hxy, hyy]] of every point, shape (..., 2, 2).

    Entries may be constants (a bowl's) or arrays of the points' shape; they are broadcast,
    so one point gives (2, 2) and a 300x300 grid (300, 300, 2, 2).
    """
    a, b, c = np.broadcast_arrays(
        np.asarray(hxx, dtype=np.float64),
        np.asarray(hxy, dtype=np.float64),
        np.asarray(hyy, dtype=np.float64),
    )
    out = np.empty((*a.shape, 2, 2))
    out[..., 0, 0] = a
    out[..., 0, 1] = b
    out[..., 1, 0] = b
    out[..., 1, 1] = c
    return out


def constant_hessian(x: ArrayLike, hxx: float, hxy: float, hyy: float) -> Array:
    """A quadratic's Hessian, the same at every point of ``x``'s shape."""
    shape = np.shape(x)
    return symmetric(np.full(shape, hxx), np.full(shape, hxy), np.full(shape, hyy))


class FixedSurface(Surface):
    """A surface whose window, minima and starts never depend on settings: declare them once."""

    DOMAIN: ClassVar[Box]
    MINIMA: ClassVar[tuple[Minimum, ...]]
    STARTS: ClassVar[Mapping[str, tuple[float, float]]]

    @property
    def domain(self) -> Box:
        return self.DOMAIN

    @property
    def minima(self) -> tuple[Minimum, ...]:
        return self.MINIMA

    @property
    def starts(self) -> dict[str, tuple[float, float]]:
        # A fresh dict, so a caller editing it cannot move the class's starts.
        return dict(self.STARTS)
