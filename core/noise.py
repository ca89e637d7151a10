"""Seeded Gaussian gradient noise that is a function of the step, not of who asks.

Every optimizer in a comparison reads the same draw at step t, whatever order they run in
and however far each has run: a fair comparison under stochastic gradients.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from .params import Param

Array = npt.NDArray[np.float64]
_BLOCK = 256
MAX_SEED = 2**63 - 1
#: The settings of the noise as a user gives them (command line, spec, session, form).
SIGMA = Param(
    "noise", 0.0, "σ of the Gaussian noise added to each gradient coordinate", 0.0, symbol="σ"
)
SEED = Param("seed", 0, "seed of the noise and the mini-batches", 0, MAX_SEED, kind="int")


@dataclass(frozen=True)
class GradientNoise:
    """Additive N(0, σ²) noise on each gradient coordinate; σ = 0 means exact gradients."""

    sigma: float = 0.0
    seed: int = 0
    dims: int = 2
    _blocks: dict[int, Array] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        SIGMA.validate(self.sigma)
        SEED.validate(self.seed)

    @property
    def active(self) -> bool:
        return self.sigma > 0

    def at(self, t: int) -> Array:
        """The noise added to the gradient at step t (shape ``(dims,)``)."""
        row: Array = self.block_for(t)[t % _BLOCK]
        return row

    def block_for(self, t: int) -> Array:
        """The block of ``_BLOCK`` consecutive draws that holds step t."""
        index = t // _BLOCK
        block = self._blocks.get(index)
        if block is None:
            rng = np.random.default_rng((self.seed, index))
            block = self.sigma * rng.standard_normal((_BLOCK, self.dims))
            self._blocks[index] = block
        return block

    def span(self, start: int, stop: int) -> Array:
        """Draws for steps ``start..stop-1`` as one ``(stop-start, dims)`` array."""
        rows = [self.at(t) for t in range(start, stop)]
        return np.array(rows).reshape(stop - start, self.dims)
