"""Arrays that grow by doubling, so a series that gains a row at a time costs O(1) a row."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


def grown(buffer: Array, rows: int) -> Array:
    """``buffer`` itself if it has room for ``rows`` rows, else a copy twice as long (or
    ``rows`` long, if more) whose first rows are ``buffer``'s and the rest not yet set.
    A copy leaves ``buffer`` as it was, for whoever still reads it."""
    if len(buffer) >= rows:
        return buffer
    bigger = np.empty((max(rows, 2 * len(buffer)), *buffer.shape[1:]))
    bigger[: len(buffer)] = buffer
    return bigger
