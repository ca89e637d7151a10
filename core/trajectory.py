"""A run of one optimizer from one start, recorded step by step in growing columns.

Record k describes what happens *at* point pₖ: the loss and gradient there, the optimizer
state after it has taken that gradient in, the update Δₖ it makes from there
(pₖ₊₁ = pₖ + Δₖ) and the effective learning rate |Δₖ|/|gₖ| per coordinate. Record 0 is
the start. Columns are NumPy arrays that grow by doubling, so a 100,000-step run stays
compact and record k is an O(1) read; stepping back in the explorer is moving a cursor.

One thread may extend a run while others read it (the explorer computes in a worker):
records are written past the published length, and the columns, the length and the
status are published together as one tuple once a chunk is complete. A reader takes that
tuple once and sees a consistent run; rows it can see are never written again.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from .derived_rows import DerivedRows
from .loop import Stepper
from .noise import GradientNoise
from .optimizers.base import State, StateField
from .run_status import DEFAULT_GTOL as DEFAULT_GTOL
from .run_status import Status as Status
from .run_status import converged, diverged, plot_escape, why_diverged
from .schedules import Schedule
from .specs import OptimizerSetup
from .surfaces import Surface

Array = npt.NDArray[np.float64]
_CHUNK = 256


class Step(NamedTuple):
    """One record, as views and tables read it (all arrays are copies)."""

    t: int
    params: Array
    loss: float
    grad: Array
    exact_grad: Array
    update: Array
    effective_lr: Array
    lr: float
    state: dict[str, Any]
    #: Sharpness and the stability threshold at this record (``core.stability``).
    stability: dict[str, float]


class Trajectory:
    """Records an optimizer's run; ``extend(n)`` adds n records, ``self[k]`` reads one."""

    def __init__(
        self,
        surface: Surface,
        setup: OptimizerSetup,
        start: tuple[float, float],
        noise: GradientNoise | None = None,
        schedule: Schedule | None = None,
        gtol: float = DEFAULT_GTOL,
    ) -> None:
        self.surface = surface
        self.setup = setup
        self.start = (float(start[0]), float(start[1]))
        self.noise = noise or GradientNoise()
        self.schedule = schedule or Schedule()
        self.gtol = gtol
        self._status = Status()
        self._n = 0
        self._cap = 0
        start_point = np.array(self.start, dtype=np.float64)
        self._stepper = Stepper(
            surface, setup.optimizer, setup.hyperparameters, start_point, noise, schedule
        )
        self._state: State = self._stepper.state
        self.fields: tuple[StateField, ...] = tuple(
            f for f in setup.optimizer.state_fields if getattr(self._state, f.name) is not None
        )
        #: Display-only fields derived from recorded ones under these hyperparameters (m̂, v̂).
        self.derived: tuple[StateField, ...] = setup.optimizer.derived_fields(setup.hyperparameters)
        self._cols: dict[str, Array] = {}
        #: Display-only state (m̂, v̂) and stability columns (``core.stability``), derived
        #: on read over every record published so far, once per record.
        self._extras_rows = DerivedRows(self._derive_extras)
        self._stability_rows = DerivedRows(self._derive_stability)
        self._explained: tuple[Status, Status] | None = None
        self._grow(_CHUNK)
        self._cols["params"][0] = start_point
        self._publish()
        self._escape = plot_escape(surface.domain)

    # -- reading -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return self._published[1]

    @property
    def status(self) -> Status:
        """Where the run stands; a divergence names its cause where it is instability."""
        status = self._published[2]
        if status.kind != "diverged":
            return status
        explained = self._explained
        if explained is None or explained[0] is not status:
            from .stability import divergence_cause

            cause = divergence_cause(self, status)
            explained = (status, Status(status.kind, status.step, status.reason, cause))
            self._explained = explained
        return explained[1]

    def __iter__(self) -> Iterator[Step]:
        return (self[k] for k in range(len(self)))

    def __getitem__(self, k: int) -> Step:
        c, n, _ = self._published
        if k < 0:
            k += n
        if not 0 <= k < n:
            raise IndexError(f"step {k} not recorded (0..{n - 1})")
        state: dict[str, Any] = {"step": int(c["step"][k])}
        for f in self.fields:
            state[f.name] = _copy(c[f.name][k])
        for name, col in self._extras_rows.upto(n).items():
            state[name] = col[k].copy()
        return Step(
            t=k,
            params=c["params"][k].copy(),
            loss=float(c["loss"][k]),
            grad=c["grad"][k].copy(),
            exact_grad=c["exact_grad"][k].copy(),
            update=c["update"][k].copy(),
            effective_lr=c["effective_lr"][k].copy(),
            lr=float(c["lr"][k]),
            state=state,
            stability={name: float(col[k]) for name, col in self._stability_rows.upto(n).items()},
        )

    def value(self, name: str, k: int) -> Any:
        """One stored column's entry at record k (a float, or a copy of an array): what a
        status line reads on every step, without making the whole record as ``self[k]``."""
        c, n, _ = self._published
        if not 0 <= k < n:
            raise IndexError(f"step {k} not recorded (0..{n - 1})")
        entry = c[name][k]
        return entry.copy() if isinstance(entry, np.ndarray) else float(entry)

    def column(self, name: str) -> Array:
        """A read-only view of one column over all records (params, loss, grad, m_hat, ...)."""
        c, n, _ = self._published
        if name in c:
            view = c[name][:n]
        else:
            extras = self._extras_rows.upto(n)
            if name in extras:
                view = extras[name]
            else:
                stability = self._stability_rows.upto(n)
                if name not in stability:
                    raise KeyError(name)
                view = stability[name]
        view = view.view()
        view.flags.writeable = False
        return view

    @property
    def stability_names(self) -> list[str]:
        """Its stability columns: sharpness, and a threshold where one is known."""
        from .stability import stability_names as names

        return names(self.surface, self.setup.name, self.setup.hyperparameters)

    def _derive_stability(self, rows: slice) -> dict[str, Array]:
        """Sharpness and the stability threshold over published records ``rows``, from
        their params, state and lr."""
        from .stability import stability_columns

        c = self._published[0]
        cols: dict[str, Any] = {name: c[name][rows] for name in ("params", "lr", "step")}
        for f in self.fields:
            cols[f.name] = c[f.name][rows]
        return stability_columns(self.surface, self.setup.name, self.setup.hyperparameters, cols)

    @property
    def state_names(self) -> list[str]:
        """Recorded state fields, then derived ones (m̂, v̂), in display order."""
        return [f.name for f in (*self.fields, *self.derived)]

    def _derive_extras(self, rows: slice) -> dict[str, Array]:
        """The optimizer's display-only state (m̂, v̂) over published records ``rows``."""
        extras_fn = self.setup.optimizer.extras
        if extras_fn is None:
            return {}
        c = self._published[0]
        cols = {name: c[name][rows] for name in ("step", *[f.name for f in self.fields])}
        cols["step"] = cols["step"].astype(np.float64)[:, None]
        return dict(extras_fn(cols, self.setup.hyperparameters))

    # -- running -------------------------------------------------------------------------------
    def extend(self, n: int) -> int:
        """Record up to n more steps (none once diverged); returns how many were added."""
        added = 0
        while added < n and self._status.kind != "diverged":
            chunk = min(_CHUNK, n - added)
            added += self._run_chunk(chunk)
        return added

    def run_to(self, records: int) -> None:
        """Make sure records 0..records-1 exist (if the run has not diverged before)."""
        if records > self._n:
            self.extend(records - self._n)

    def _run_chunk(self, m: int) -> int:
        first = self._n
        last = first + m
        if last + 1 > self._cap:
            self._grow(max(2 * self._cap, last + 1))
        c = self._cols
        # Per step only what must happen in order; columns are filled once per chunk
        # (a Python list append is far cheaper than a NumPy row assignment).
        points, exact, seen, steps, states = [], [], [], [], []

        def keep(
            k: int, p: Array, g: Array, e: Array, step: Array, state: State, after: Array
        ) -> None:
            exact.append(e)
            seen.append(g)
            steps.append(step)
            states.append(state)
            points.append(after)

        stepper = self._stepper
        stepper.advance(m, keep)
        with np.errstate(all="ignore"):
            rows = slice(first, last)
            c["params"][first + 1 : last + 1] = points
            c["exact_grad"][rows] = exact
            c["grad"][rows] = seen
            c["update"][rows] = steps
            c["lr"][rows] = [stepper.lr_at(k) for k in range(first, last)]
            c["step"][rows] = [s.step for s in states]
            for f in self.fields:
                c[f.name][rows] = [getattr(s, f.name) for s in states]
            c["loss"][rows] = self.surface.value(c["params"][rows])
            c["effective_lr"][rows] = np.abs(c["update"][rows]) / np.abs(c["grad"][rows])
        self._state = stepper.state
        self._n = last
        self._check_status(first, last)
        self._publish()
        return self._n - first

    def _publish(self) -> None:
        """Make the records written so far visible to readers, all at once."""
        self._published: tuple[dict[str, Array], int, Status] = (
            self._cols,
            self._n,
            self._status,
        )

    def _check_status(self, first: int, last: int) -> None:
        c = self._cols
        rows = slice(first, last)
        p, loss, g = c["params"][rows], c["loss"][rows], c["grad"][rows]
        bad = np.flatnonzero(diverged(p, loss, g, self._escape))
        if bad.size:
            k = int(bad[0])
            explain = getattr(self.surface, "nonfinite_reason", None)
            reason = why_diverged(p[k], float(loss[k]), g[k], self._escape, explain)
            self._status = Status("diverged", first + k, reason)
            self._n = first + k + 1
            return
        if self._status.kind == "running":
            hits = np.flatnonzero(converged(c["exact_grad"][rows], self.gtol))
            if hits.size:
                self._status = Status("converged", first + int(hits[0]), f"‖∇f‖ ≤ {self.gtol:g}")

    def _grow(self, cap: int) -> None:
        shapes: dict[str, tuple[int, ...]] = {
            "params": (2,),
            "grad": (2,),
            "exact_grad": (2,),
            "update": (2,),
            "effective_lr": (2,),
            "loss": (),
            "lr": (),
        }
        for f in self.fields:
            shapes[f.name] = np.shape(getattr(self._state, f.name))
        new_cols: dict[str, Array] = {}
        for name, shape in shapes.items():
            col = np.full((cap, *shape), np.nan)
            if name in self._cols:
                col[: self._cap] = self._cols[name]
            new_cols[name] = col
        counts = np.zeros(cap, dtype=np.int64)
        if "step" in self._cols:
            counts[: self._cap] = self._cols["step"]
        new_cols["step"] = counts  # type: ignore[assignment]
        self._cols = new_cols
        self._cap = cap


def _copy(value: Any) -> Any:
    return value.copy() if isinstance(value, np.ndarray) else float(value)


def run(
    surface: Surface,
    setup: OptimizerSetup,
    start: tuple[float, float],
    steps: int,
    noise: GradientNoise | None = None,
    schedule: Schedule | None = None,
) -> Trajectory:
    """Record ``steps`` updates: records 0..steps (record ``steps`` is the point reached)."""
    traj = Trajectory(surface, setup, start, noise, schedule)
    traj.extend(steps + 1)
    return traj


def compare(
    surface: Surface,
    setups: list[OptimizerSetup],
    start: tuple[float, float],
    steps: int,
    noise: GradientNoise | None = None,
    schedule: Schedule | None = None,
) -> list[Trajectory]:
    """Several optimizers from one start, all reading one shared noise stream."""
    shared = noise or GradientNoise()
    return [run(surface, s, start, steps, shared, schedule) for s in setups]
