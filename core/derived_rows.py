"""Columns derived from a run's recorded ones (m̂ and v̂, sharpness), computed once per
record, over many records at a time, and kept in buffers that grow by doubling.

Derived one record at a time they cost ~15 µs each (NumPy's overhead on one row, for
Adam's m̂ and v̂), paid again on every read of that record: several times per step in
the explorer, and once per sampled row when the step table sizes its columns. Derived
over all records published so far, a read is a slice.

Any thread may read; the first to need rows derives them (under a lock). Rows once
derived never change, and a reader only looks at rows below the count it was given, so a
buffer being extended or replaced is never read half-written.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from .buffers import grown

Array = npt.NDArray[np.float64]
#: Derives named columns for a range of records: rows[start:stop] of each.
Derive = Callable[[slice], dict[str, Array]]


class DerivedRows:
    """Derived columns over records 0..n−1, derived as far as asked and kept."""

    def __init__(self, derive: Derive) -> None:
        self._derive = derive
        self._cols: dict[str, Array] = {}
        self._n = 0
        self._lock = threading.Lock()

    def upto(self, n: int) -> dict[str, Array]:
        """Each derived column over records 0..n−1 (views: do not write to them)."""
        if n > self._n:
            with self._lock:
                if n > self._n:
                    self._extend(n)
        cols = self._cols
        return {name: col[:n] for name, col in cols.items()}

    def _extend(self, n: int) -> None:
        first = self._n
        cols: dict[str, Array] = {}
        for name, rows in self._derive(slice(first, n)).items():
            col = self._cols.get(name, np.empty((0, *np.shape(rows)[1:])))
            col = grown(col, n)  # the same buffer while it has room, else a bigger copy
            col[first:n] = rows  # rows no reader looks at yet
            cols[name] = col
        self._cols = cols  # the rows are in place before the count says so
        self._n = n
