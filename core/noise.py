"""Seeded Gaussian gradient noise that is a function of the step, not of who asks.

Every optimizer in a comparison reads the same draw at step t, whatever order they run in
and however far each has run: a fair comparison under stochastic gradients.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from .errors import OptiscopeError

Array = npt.NDArray[np.float64]
_BLOCK = 256


@dataclass(frozen=True)
class GradientNoise:
    """Additive N(0, σ²) noise on each gradient coordinate; σ = 0 means exact gradients."""

    sigma: float = 0.0
    seed: int = 0
    dims: int = 2
    _blocks: dict[int, Array] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not np.isfinite(self.sigma) or self.sigma < 0:
            raise OptiscopeError(f"noise must be in [0, inf); got {self.sigma:g}")
        if self.seed < 0:
            raise OptiscopeError(f"seed must be in [0, inf); got {self.seed}")

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
