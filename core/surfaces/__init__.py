"""The catalogue of loss surfaces, in teaching order, and lookup by forgiving name."""

from __future__ import annotations

from ..errors import OptiscopeError
from .base import Minimum, Surface
from .bowls import Booth, LectureBowl, Matyas, RotatedBowl, RoundBowl
from .classic import Beale, GoldsteinPrice, Himmelblau, Rosenbrock, SixHumpCamel, StyblinskiTang
from .multimodal import Ackley, Rastrigin
from .regression import Regression
from .saddle import Saddle
from .sharpening import SharpeningValley
from .vee import Vee

__all__ = [
    "SURFACES",
    "Minimum",
    "Surface",
    "canonical_name",
    "closest_name",
    "get_surface",
    "surface_names",
]

# Teaching order: conditioning on bowls first, then real data and noise, a saddle, a valley
# that sharpens (the edge of stability), curved valleys, several minima, and finally many
# local minima.
SURFACES: dict[str, type[Surface]] = {
    cls.name: cls
    for cls in (
        LectureBowl,
        RoundBowl,
        RotatedBowl,
        Matyas,
        Booth,
        Regression,
        Vee,
        Saddle,
        SharpeningValley,
        Rosenbrock,
        Beale,
        Himmelblau,
        SixHumpCamel,
        StyblinskiTang,
        GoldsteinPrice,
        Rastrigin,
        Ackley,
    )
}

_ALIASES = {
    "bowl": "lecture-bowl",
    "lecture": "lecture-bowl",
    "round": "round-bowl",
    "sphere": "round-bowl",
    "rotated": "rotated-bowl",
    "camel": "six-hump-camel",
    "six-hump": "six-hump-camel",
    "goldstein": "goldstein-price",
    "styblinski": "styblinski-tang",
    "banana": "rosenbrock",
    "bounded-saddle": "saddle",
    "least-squares": "regression",
    "v-valley": "vee",
    "abs": "vee",
    "linear-regression": "regression",
    "sharpening-valley": "sharpening",
    "edge-of-stability": "sharpening",
}


def _normalise(name: str) -> str:
    key = name.strip().lower().replace("_", "-").replace(" ", "-")
    return "-".join(part for part in key.split("-") if part)


def surface_names() -> list[str]:
    """The canonical names, in teaching order."""
    return list(SURFACES)


def canonical_name(name: str) -> str | None:
    """The canonical name ``name`` refers to (case, ``_``, spaces and aliases forgiven), or None."""
    key = _normalise(name)
    key = _ALIASES.get(key, key)
    return key if key in SURFACES else None


def closest_name(name: str) -> str | None:
    """The canonical name nearest a mistyped ``name``, for a "did you mean" hint, or None."""
    import difflib  # only for a misspelt name

    close = difflib.get_close_matches(_normalise(name), [*SURFACES, *_ALIASES], n=1)
    return _ALIASES.get(close[0], close[0]) if close else None


def get_surface(name: str, **settings: object) -> Surface:
    """The surface called ``name`` (case, ``_`` and spaces forgiven), built with ``settings``."""
    key = canonical_name(name)
    if key is None:
        raise OptiscopeError(f"unknown surface {name!r} (surfaces: {', '.join(SURFACES)})")
    return SURFACES[key](**settings)
