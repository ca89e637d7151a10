"""The controls' edits (``messages.Edit``), applied to the model in one place.

A refused value comes back to the widget as one line, and the model keeps its last good
setup.
"""

from __future__ import annotations

from optiscope.core.errors import OptiscopeError
from optiscope.core.noise import SEED, SIGMA
from optiscope.core.params import parse_number

from ..model import ExplorerModel


def apply_edit(model: ExplorerModel, field: str, value: object) -> str | None:
    """Apply one edit; the reason it was refused (nothing changed), or None."""
    try:
        _apply(model, field, value)
    except OptiscopeError as exc:
        return str(exc)
    return None


def _apply(model: ExplorerModel, field: str, value: object) -> None:
    kind, _, name = field.partition(":")
    x_name, y_name = model.surface.coords
    if kind == "surface":
        model.set_surface(str(value))
    elif kind == "surface-setting":
        model.set_surface_setting(name, value)
    elif kind == "start-x":
        model.set_start((float(parse_number(value, x_name)), model.start[1]))
    elif kind == "start-y":
        model.set_start((model.start[0], float(parse_number(value, y_name))))
    elif kind == "start-named":
        model.named_start(int(str(value)))
    elif kind == "noise-sigma":
        model.set_noise(sigma=float(SIGMA.validate(value)))
    elif kind == "noise-seed":
        model.set_noise(seed=int(SEED.validate(value)))
    elif kind == "schedule":
        model.set_schedule(str(value))
    elif kind == "hp":
        model.set_hyperparameter(name, value)
    else:
        raise OptiscopeError(f"unknown field {field!r}")
