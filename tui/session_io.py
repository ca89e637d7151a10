"""Between the explorer's live model and a Session: what save, load and the spec key use.

The core's Session knows nothing of the explorer; this module is the one place that maps the
model's fields (runs with their overrides, the noise object, the cursor) to plain session data
and back, so "save" and "print spec" cannot disagree about what a setup is.
"""

from __future__ import annotations

from optiscope.core.session.setup import Session, View, surface_spec
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
    return ExplorerModel.from_setup(session.setup, session.cursor, session.focused)
