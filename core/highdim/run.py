"""An optimizer's run on an N-dimensional problem, recorded so any step can be read back.

Record k is what it is in the 2-D ``Trajectory``: at point pₖ, the loss, the gradient the
optimizer saw, the optimizer state after taking it in, the update Δₖ (pₖ₊₁ = pₖ + Δₖ) and
the effective learning rate |Δₖ|/|gₖ| per coordinate (NaN for 0/0, inf for x/0).

Memory. With D = 1,000 a record holds several 8 kB vectors, so keeping every one of them
for 10,000 steps would cost ~400 MB per Adam run. What is kept instead:

- for every record: the point pₖ (8·D bytes) and the scalars (loss, ‖g‖, ‖∇f‖, ‖Δ‖, η);
- every ``BLOCK`` records, a checkpoint: the optimizer state before the block's first step;
- the per-coordinate vectors (g, Δ, state fields) of the block being run and of the
  ``CACHE_BLOCKS`` blocks read most recently. Any other block is rebuilt on demand by
  replaying its steps from its checkpoint and the stored points: the same function on
  the same inputs, so the replayed numbers are the recorded ones, bit for bit.

The horizon is capped so the stored points stay within ``PARAMS_BUDGET_BYTES`` (80 MB):
10,000 records at D = 1,000, 100,000 (``MAX_RECORDS``) for D ≤ 100. A full Adam run at
D = 1,000 then holds ~100 MB: points 80 MB, blocks (8 cached + the live one) 18 MB,
checkpoints 2.5 MB. Pass ``max_records`` to cap lower.

The loss is evaluated for a chunk of records at once (one matrix product); BLAS may round
the last bit differently for different chunk sizes, so two runs extended in different
pieces can differ by one ulp in the loss. Points, gradients, updates and states do not.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..callspec import format_call, parse_call
from ..errors import OptiscopeError
from ..optimizers import get_optimizer
from ..optimizers.base import State, StateField
from ..run_status import DEFAULT_GTOL, Status, diverged, start_escape, why_diverged
from ..schedules import Schedule
from ..specs import OptimizerSetup, make_setup
from .problems import Array, ArrayLike, Problem

BLOCK = 64
CACHE_BLOCKS = 8
PARAMS_BUDGET_BYTES = 80_000_000
MAX_RECORDS = 100_000
#: Records computed between two progress reports (and two chances for Ctrl+C to land).
PROGRESS_CHUNK = 512
_SCALARS = ("loss", "lr", "grad_norm", "exact_grad_norm", "update_norm")


def horizon(dim: int) -> int:
    """The most records a run in ``dim`` dimensions keeps (see the module docstring)."""
    return int(min(MAX_RECORDS, PARAMS_BUDGET_BYTES // (8 * dim)))


def parse_setup(text: str, problem: Problem) -> OptimizerSetup:
    """``"adam(lr=0.05)"`` -> OptimizerSetup; without lr, the problem's suggestion is used.

    The label shows only what was typed, as ``specs.parse_optimizer`` does in 2-D.
    """
    name, raw = parse_call(text, "optimizer")
    opt = get_optimizer(name)
    given: dict[str, object] = dict(raw)
    given.setdefault("lr", problem.lr_for(opt))
    resolved = make_setup(opt, given)
    shown = {k: v for k, v in resolved.hyperparameters.items() if k in raw}
    return OptimizerSetup(opt, resolved.hyperparameters, format_call(opt.name, shown))


@dataclass(frozen=True)
class Record:
    """One step, as views read it (all arrays are copies).

    ``grad`` is what the optimizer saw (a mini-batch gradient on a stochastic problem);
    ``grad_norm`` is ‖∇f(pₖ)‖ of the full objective, the convergence criterion.
    ``state`` holds ``step`` (updates taken), the optimizer's fields and derived ones (m̂, v̂).
    """

    t: int
    optimizer: str
    params: Array
    loss: float
    grad: Array
    update: Array
    effective_lr: Array
    lr: float
    grad_norm: float
    state: dict[str, Any]


class _Block:
    """Per-coordinate vectors of BLOCK consecutive records."""

    __slots__ = ("fields", "grad", "steps", "update")

    def __init__(self, dim: int, shapes: dict[str, tuple[int, ...]]) -> None:
        self.grad = np.full((BLOCK, dim), np.nan)
        self.update = np.full((BLOCK, dim), np.nan)
        self.steps = np.zeros(BLOCK, dtype=np.int64)
        self.fields = {name: np.full((BLOCK, *shape), np.nan) for name, shape in shapes.items()}

    @property
    def nbytes(self) -> int:
        arrays = [self.grad, self.update, self.steps, *self.fields.values()]
        return sum(a.nbytes for a in arrays)


class HighDimRun:
    """Records an optimizer's run on a Problem; ``extend(n)`` adds n records, ``self[k]`` reads one.

    ``seed`` picks the mini-batches of a stochastic problem (share it across runs to give
    every optimizer the same batches); None takes the problem's own seed, so
    ``logreg(seed=2)`` changes the batch order as well as the data. ``max_records``
    defaults to ``horizon(problem.dim)``.
    """

    def __init__(
        self,
        problem: Problem,
        setup: OptimizerSetup,
        start: ArrayLike | None = None,
        *,
        seed: int | None = None,
        schedule: Schedule | None = None,
        gtol: float = DEFAULT_GTOL,
        max_records: int | None = None,
    ) -> None:
        self.problem = problem
        self.setup = setup
        self.seed = problem_seed(problem) if seed is None else int(seed)
        self.schedule = schedule or Schedule()
        self.gtol = gtol
        self.status = Status()
        dim = problem.dim
        limit = horizon(dim)
        self.max_records = limit if max_records is None else int(max_records)
        if not 1 <= self.max_records <= limit:
            raise OptiscopeError(
                f"max_records must be in [1, {limit}] for D = {dim}; got {self.max_records}"
            )
        point = np.array(problem.x0 if start is None else start, dtype=np.float64)
        if point.shape != (dim,) or not np.isfinite(point).all():
            raise OptiscopeError(f"start must be {dim} finite numbers; got shape {point.shape}")
        self.start = point
        self._state: State = setup.optimizer.init(point.copy(), setup.hyperparameters)
        self.fields: tuple[StateField, ...] = tuple(
            f for f in setup.optimizer.state_fields if getattr(self._state, f.name) is not None
        )
        self._shapes = {f.name: np.shape(getattr(self._state, f.name)) for f in self.fields}
        self._n = 0
        self._cap = 0
        self._params = np.empty((0, dim))
        self._scalars: dict[str, Array] = {name: np.empty(0) for name in _SCALARS}
        self._grow(min(256, self.max_records) + 1)
        self._params[0] = point
        self._checkpoints: list[State] = []
        self._live: _Block | None = None
        self._cache: OrderedDict[int, _Block] = OrderedDict()
        self._escape = start_escape(point, _centre(problem))

    # -- reading -------------------------------------------------------------------------------
    @property
    def label(self) -> str:
        return self.setup.label

    def __len__(self) -> int:
        return self._n

    def __iter__(self) -> Iterator[Record]:
        return (self[k] for k in range(self._n))

    @property
    def at_horizon(self) -> bool:
        """True once ``max_records`` records exist: ``extend`` adds nothing more."""
        return self._n >= self.max_records

    @property
    def state_names(self) -> list[str]:
        """Recorded state fields, then derived ones (m̂, v̂), in display order."""
        opt = self.setup.optimizer
        return [f.name for f in self.fields] + [f.name for f in opt.extra_fields if opt.extras]

    def __getitem__(self, k: int) -> Record:
        if k < 0:
            k += self._n
        if not 0 <= k < self._n:
            raise IndexError(f"step {k} not recorded (0..{self._n - 1})")
        block = self._block(k // BLOCK)
        i = k % BLOCK
        state: dict[str, Any] = {"step": int(block.steps[i])}
        for name, col in block.fields.items():
            state[name] = col[i].copy() if col.ndim > 1 else float(col[i])
        extras = self.setup.optimizer.extras
        if extras is not None:
            cols = {name: col[i : i + 1] for name, col in block.fields.items()}
            cols["step"] = np.array([[float(block.steps[i])]])
            for name, value in extras(cols, self.setup.hyperparameters).items():
                state[name] = value[0].copy()
        grad, update = block.grad[i].copy(), block.update[i].copy()
        with np.errstate(divide="ignore", invalid="ignore"):
            effective_lr = np.abs(update) / np.abs(grad)
        return Record(
            t=k,
            optimizer=self.setup.optimizer.name,
            params=self._params[k].copy(),
            loss=float(self._scalars["loss"][k]),
            grad=grad,
            update=update,
            effective_lr=effective_lr,
            lr=float(self._scalars["lr"][k]),
            grad_norm=float(self._scalars["exact_grad_norm"][k]),
            state=state,
        )

    def column(self, name: str) -> Array:
        """A read-only view over all records of ``params`` (n, D) or of a scalar column:
        ``loss``, ``lr``, ``grad_norm`` (‖g‖ seen), ``exact_grad_norm`` (‖∇f‖), ``update_norm``."""
        if name == "params":
            view = self._params[: self._n]
        elif name in self._scalars:
            view = self._scalars[name][: self._n]
        else:
            raise KeyError(name)
        view = view.view()
        view.flags.writeable = False
        return view

    @property
    def nbytes(self) -> int:
        """Memory held by the recording (points, scalars, cached blocks, checkpoints)."""
        total = self._params.nbytes + sum(c.nbytes for c in self._scalars.values())
        total += sum(b.nbytes for b in self._cache.values())
        total += self._live.nbytes if self._live is not None else 0
        for state in self._checkpoints:
            total += sum(np.asarray(getattr(state, f.name)).nbytes for f in self.fields)
        return total

    # -- running -------------------------------------------------------------------------------
    def extend(self, n: int) -> int:
        """Record up to n more steps (none once diverged or at the horizon); returns how many."""
        added = 0
        while added < n and self.status.kind != "diverged" and self._n < self.max_records:
            room = BLOCK - self._n % BLOCK
            added += self._run_chunk(min(room, n - added, self.max_records - self._n))
        return added

    def run_to(self, records: int) -> None:
        """Make sure records 0..records-1 exist (unless the run diverged or hit its horizon)."""
        if records > self._n:
            self.extend(records - self._n)

    def _run_chunk(self, m: int) -> int:
        """Record m steps that all fall in one block."""
        first, last = self._n, self._n + m
        index, offset = divmod(first, BLOCK)
        if offset == 0:
            self._open_block(index)
        if last + 1 > self._cap:
            self._grow(min(max(2 * self._cap, last + 1), self.max_records + 1))
        block = self._live
        assert block is not None
        params, sc = self._params, self._scalars
        schedule = None if self.schedule.constant else self.schedule
        exact = self.problem.grad if self.problem.stochastic else None
        exact_norms: list[float] = []
        with np.errstate(all="ignore"):
            state = self._steps(block, first, last, self._state, exact_norms)
            rows, brows = slice(first, last), slice(offset, offset + m)
            grads = block.grad[brows]
            sc["loss"][rows] = self.problem.loss(params[rows])
            sc["grad_norm"][rows] = np.sqrt(np.sum(grads * grads, axis=1))
            sc["exact_grad_norm"][rows] = (
                exact_norms if exact is not None else sc["grad_norm"][rows]
            )
            steps = block.update[brows]
            sc["update_norm"][rows] = np.sqrt(np.sum(steps * steps, axis=1))
            base_lr = float(self.setup.hyperparameters["lr"])
            sc["lr"][rows] = (
                [schedule.lr(base_lr, k) for k in range(first, last)] if schedule else base_lr
            )
        self._state = state
        self._n = last
        self._check_status(first, last, grads)
        return self._n - first

    def _steps(
        self,
        block: _Block,
        first: int,
        last: int,
        state: State,
        exact_norms: list[float] | None,
    ) -> State:
        """Take steps first..last-1 from the stored points, filling ``block``; writes the next
        point only while running (``exact_norms`` given), never while replaying."""
        params = self._params
        update = self.setup.optimizer.update
        hp = dict(self.setup.hyperparameters)
        base_lr = float(hp["lr"])
        schedule = None if self.schedule.constant else self.schedule
        grad_at, seed = self.problem.grad_at_step, self.seed
        exact = self.problem.grad if self.problem.stochastic else None
        names = list(block.fields)
        base = first - first % BLOCK
        for k in range(first, last):
            p = params[k]
            g = grad_at(p, k, seed)
            if schedule is not None:
                hp["lr"] = schedule.lr(base_lr, k)
            step, state = update(g, state, p, hp)
            i = k - base
            block.grad[i] = g
            block.update[i] = step
            block.steps[i] = state.step
            for name in names:
                block.fields[name][i] = getattr(state, name)
            if exact_norms is not None:
                params[k + 1] = p + step
                if exact is not None:
                    e = exact(p)
                    exact_norms.append(float(np.sqrt(e @ e)))
        return state

    def _check_status(self, first: int, last: int, grads: Array) -> None:
        rows = slice(first, last)
        p, loss = self._params[rows], self._scalars["loss"][rows]
        bad = np.flatnonzero(diverged(p, loss, grads, self._escape))
        if bad.size:
            k = int(bad[0])
            reason = why_diverged(p[k], float(loss[k]), grads[k], self._escape)
            self.status = Status("diverged", first + k, reason)
            self._n = first + k + 1
            return
        if self.status.kind == "running":
            hits = np.flatnonzero(self._scalars["exact_grad_norm"][rows] <= self.gtol)
            if hits.size:
                self.status = Status("converged", first + int(hits[0]), f"‖∇f‖ ≤ {self.gtol:g}")

    # -- blocks --------------------------------------------------------------------------------
    def _open_block(self, index: int) -> None:
        if self._live is not None:
            self._remember(index - 1, self._live)
        self._checkpoints.append(self._state)
        self._live = _Block(self.problem.dim, self._shapes)

    def _remember(self, index: int, block: _Block) -> None:
        self._cache[index] = block
        self._cache.move_to_end(index)
        while len(self._cache) > CACHE_BLOCKS:
            self._cache.popitem(last=False)

    def _block(self, index: int) -> _Block:
        if index == len(self._checkpoints) - 1 and self._live is not None:
            return self._live
        block = self._cache.get(index)
        if block is None:
            block = self._replay(index)
        self._remember(index, block)
        return block

    def _replay(self, index: int) -> _Block:
        """Rebuild a block from its checkpoint: the same steps on the same stored points."""
        block = _Block(self.problem.dim, self._shapes)
        first = index * BLOCK
        last = min(first + BLOCK, self._n)
        with np.errstate(all="ignore"):
            self._steps(block, first, last, self._checkpoints[index], None)
        return block

    def _grow(self, cap: int) -> None:
        params = np.full((cap, self.problem.dim), np.nan)
        params[: self._cap] = self._params
        self._params = params
        for name, col in self._scalars.items():
            new = np.full(cap, np.nan)
            new[: self._cap] = col
            self._scalars[name] = new
        self._cap = cap


def _centre(problem: Problem) -> Array:
    return problem.p_star if problem.p_star is not None else np.zeros(problem.dim)


def compare(
    problem: Problem,
    setups: list[OptimizerSetup],
    steps: int,
    start: ArrayLike | None = None,
    seed: int | None = None,
    progress: Callable[[float], None] | None = None,
) -> list[HighDimRun]:
    """Several optimizers from one start on one batch stream: records 0..steps each.

    ``seed`` None is the problem's seed; ``progress(fraction done)`` is called as the runs
    advance, ``PROGRESS_CHUNK`` records at a time (the records are the same either way).
    """
    runs = [HighDimRun(problem, s, start, seed=seed) for s in setups]
    total = len(runs) * (steps + 1)
    for k, r in enumerate(runs):
        while len(r) < steps + 1 and r.extend(min(PROGRESS_CHUNK, steps + 1 - len(r))):
            if progress is not None:
                progress((k * (steps + 1) + len(r)) / total)
    return runs


def problem_seed(problem: Problem) -> int:
    """The seed a problem was built from (its data, its rotation), 0 if it has none."""
    return int(problem.settings.get("seed", 0))
