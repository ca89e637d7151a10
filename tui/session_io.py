"""Between the explorer's live model and a Session: what save, load and the spec key use.

The core's Session knows nothing of the explorer; this module is the one place that maps the
model's fields (runs with their overrides, the noise object, the cursor) to plain session data
and back, so "save" and "print spec" cannot disagree about what a setup is.
"""

from __future__ import annotations

from optiscope.core.callspec import format_call
from optiscope.core.errors import OptiscopeError
from optiscope.core.noise import GradientNoise
from optiscope.core.schedules import parse_schedule
from optiscope.core.session.setup import Session, View
from optiscope.core.surfaces import SURFACES, Surface
from optiscope.core.surfaces.formula import FormulaSurface

from .model import ExplorerModel


def session_from_model(model: ExplorerModel, view: View | None = None) -> Session:
    """The model's whole setup as a Session; ``view`` is what the app knows of its widgets.

    Optimizers are saved as the user's overrides only (``rmsprop(beta=0.9)``), not every
    resolved hyperparameter, so an lr left to the surface's suggestion stays that way.
    """
    surface = model.surface
    formula = isinstance(surface, FormulaSurface)
    return Session(
        surface=surface_spec(surface),
        domain=surface.domain if formula else None,
        start=model.start,
        optimizers=tuple(model.spec_of(run) for run in model.runs),
        noise=model.noise.sigma,
        seed=model.noise.seed,
        schedule=model.schedule.spec(),
        steps=model.base_horizon,
        cursor=model.cursor,
        focused=model.focused,
        view=view or View(),
    )


def model_from_session(session: Session) -> ExplorerModel:
    """A new model on the session's setup, at its cursor and focus.

    Built whole before anyone sees it: the caller swaps it in with ``ExplorerModel.load``
    only once this returned, so a failure leaves the running explorer untouched.
    """
    model = ExplorerModel.create(
        session.build_surface(),
        session.start,
        list(session.optimizers),
        GradientNoise(session.noise, session.seed),
        parse_schedule(session.schedule),
        horizon=session.steps,
    )
    model.cycle_focus(session.focused)  # create() leaves the focus on the first run
    model.jump(session.cursor)
    return model


def surface_spec(surface: Surface) -> str:
    """``rotated-bowl(kappa=50)``: the surface's name and the settings that differ from the
    defaults, so the line stays short and reads like what the user typed; a formula's text."""
    if isinstance(surface, FormulaSurface):
        return surface.text
    if SURFACES.get(surface.name) is not type(surface):
        raise OptiscopeError(f"cannot describe surface {surface.title!r} as a session")
    changed = {
        p.name: surface.settings[p.name]
        for p in surface.PARAMS
        if surface.settings[p.name] != p.default
    }
    return format_call(surface.name, changed)
