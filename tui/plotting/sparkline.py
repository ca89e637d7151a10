"""A series as one line of block characters, on a log scale shared by several series.

Effective learning rates span decades (Adagrad's falls from 0.3 to 0.003; RMSprop's jumps
×10,000 on a vanishing gradient), so bar heights follow log10 of the value, and the series
of one optimizer share one scale, making "b's rate is ten times w's" visible as a height.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from optiscope.core.buffers import grown

BLOCKS = "▁▂▃▄▅▆▇█"
#: Drawn where a cell has no finite positive value (a 0/0 rate, a diverged step).
GAP = " "

Array = npt.NDArray[np.float64]


class LogScale(NamedTuple):
    """The range the bars span: the smallest and largest finite positive value shown."""

    low: float
    high: float

    @property
    def flat(self) -> bool:
        """All values equal (GD's constant rate): bars sit at half height."""
        return not self.high > self.low * (1 + 1e-9)


def log_scale(*series: npt.ArrayLike) -> LogScale | None:
    """The shared scale of ``series``, or None if none holds a finite positive value."""
    values = np.concatenate([np.ravel(np.asarray(s, dtype=np.float64)) for s in series])
    positive = values[np.isfinite(values) & (values > 0)]
    if positive.size == 0:
        return None
    return LogScale(float(positive.min()), float(positive.max()))


def buckets(values: npt.ArrayLike, width: int) -> Array:
    """One value per cell: each step its own cell while they fit, else the geometric mean
    of the steps a cell covers (a log-scale bar shows the typical rate, not an outlier).
    NaN where a cell has no finite positive value."""
    v = np.asarray(values, dtype=np.float64)
    n = v.size
    if n == 0 or width <= 0:
        return np.empty(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(np.isfinite(v) & (v > 0), np.log10(v), np.nan)
    if n <= width:
        return np.asarray(10.0**logs, dtype=np.float64)
    edges = (np.arange(width + 1) * n) // width
    good = np.isfinite(logs)
    sums = np.add.reduceat(np.where(good, logs, 0.0), edges[:-1])
    counts = np.add.reduceat(good.astype(np.float64), edges[:-1])
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(counts > 0, 10.0 ** (sums / counts), np.nan), dtype=np.float64)


def spark(cells: npt.ArrayLike, scale: LogScale | None) -> str:
    """Block characters for ``cells`` (already bucketed) on ``scale``."""
    c = np.asarray(cells, dtype=np.float64)
    if scale is None:
        return GAP * c.size
    levels = _levels(c, scale)
    ok = np.isfinite(c) & (c > 0)
    pairs = zip(levels, ok, strict=True)
    return "".join(BLOCKS[int(level)] if good else GAP for level, good in pairs)


def _levels(cells: Array, scale: LogScale) -> Array:
    """Each cell's block (0 … 7) on ``scale``, any shape; meaningless where a cell is not a
    finite positive value (the callers draw GAP there)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if scale.flat:
            return np.full(cells.shape, len(BLOCKS) // 2 - 1, dtype=np.float64)
        span = np.log10(scale.high) - np.log10(scale.low)
        fraction = (np.log10(cells) - np.log10(scale.low)) / span
        return np.asarray(np.round(np.clip(fraction, 0.0, 1.0) * (len(BLOCKS) - 1)))


def spark_columns(values: npt.ArrayLike, width: int) -> tuple[list[str], LogScale | None]:
    """``spark(buckets(values[:, j], width), log_scale(values))`` for each column j, and the
    shared scale, sharing the work the columns have in common (the logs, the cell edges,
    the levels): the ηeff strip makes this on every step."""
    v = np.asarray(values, dtype=np.float64)
    v = v.reshape(v.shape[0], -1) if v.size else np.empty((0, v.shape[1] if v.ndim > 1 else 0))
    n, k = v.shape
    valid = np.isfinite(v) & (v > 0)
    positive = v[valid]
    scale = None if positive.size == 0 else LogScale(float(positive.min()), float(positive.max()))
    if n == 0 or width <= 0:
        return [""] * k, scale
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(valid, np.log10(v), np.nan)
        if n <= width:
            cells = np.asarray(10.0**logs, dtype=np.float64)
        else:
            edges = ((np.arange(width + 1) * n) // width)[:-1]
            good = np.isfinite(logs)
            kept = np.where(good, logs, 0.0)
            counted = good.astype(np.float64)
            columns = []
            for j in range(k):  # one column at a time: the sums of ``buckets``, bit for bit
                sums = np.add.reduceat(kept[:, j], edges)
                counts = np.add.reduceat(counted[:, j], edges)
                columns.append(np.where(counts > 0, 10.0 ** (sums / counts), np.nan))
            cells = np.stack(columns, axis=1)
    return _drawn(cells, scale, k), scale


def _drawn(cells: Array, scale: LogScale | None, k: int) -> list[str]:
    """Each of the k columns of ``cells`` (one row per cell) as blocks on ``scale``."""
    if scale is None:
        return [GAP * cells.shape[0]] * k
    ok: list[list[bool]] = (np.isfinite(cells) & (cells > 0)).T.tolist()
    rows: list[list[float]] = _levels(cells, scale).T.tolist()
    return [
        "".join(BLOCKS[int(level)] if good else GAP for level, good in zip(r, o, strict=True))
        for r, o in zip(rows, ok, strict=True)
    ]


class RunningSparks:
    """``spark_columns`` of the first n rows of a series that only grows, for any n and
    width, in time that does not grow with n: running sums of the logs give each cell's
    mean from two lookups, running minima and maxima the scale. The ηeff strip draws the
    rates up to the cursor on every step; at step 50,000 the whole pass took ~0.7 ms.

    ``source`` names the series (a trajectory): another source starts over. Rows already
    read must not change (a trajectory only appends)."""

    def __init__(self) -> None:
        self._source: object = None
        self._start(0)

    def _start(self, k: int) -> None:
        self._rows = 0
        self._logs = np.empty((0, k))
        self._log_sums = np.zeros((1, k))  # row i: the sums over rows [0, i)
        self._counts = np.zeros((1, k))
        self._low = np.empty(0)  # row i: the smallest positive value in rows [0, i]
        self._high = np.empty(0)

    def columns(
        self, values: npt.ArrayLike, n: int, width: int, source: object
    ) -> tuple[list[str], LogScale | None]:
        """What ``spark_columns(values[:n], width)`` returns. ``values`` are all the rows
        of the series known so far (a 2-D array, one column per series): they are read
        once, so moving n costs no reading."""
        v = np.asarray(values, dtype=np.float64)
        if v.ndim != 2 or not 0 <= n <= len(v):
            return spark_columns(v[:n], width)
        if source is not self._source or v.shape[1] != self._logs.shape[1]:
            self._source = source
            self._start(v.shape[1])
        k = v.shape[1]
        if n > self._rows:
            self._take(v[self._rows :])
        scale = None
        if n and np.isfinite(self._low[n - 1]):
            scale = LogScale(float(self._low[n - 1]), float(self._high[n - 1]))
        if n == 0 or width <= 0:
            return [""] * k, scale
        with np.errstate(divide="ignore", invalid="ignore"):
            if n <= width:
                cells = np.asarray(10.0 ** self._logs[:n], dtype=np.float64)
            else:
                edges = (np.arange(width + 1) * n) // width
                sums = self._log_sums[edges[1:]] - self._log_sums[edges[:-1]]
                counts = self._counts[edges[1:]] - self._counts[edges[:-1]]
                cells = np.where(counts > 0, 10.0 ** (sums / counts), np.nan)
        return _drawn(cells, scale, k), scale

    def _take(self, new: Array) -> None:
        """Append rows to the running arrays (kept in buffers that double, so a series
        read one row more on every step costs O(1) per row)."""
        valid = np.isfinite(new) & (new > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.where(valid, np.log10(new), np.nan)
        rows = self._rows
        sums = self._log_sums[rows] + np.cumsum(np.where(valid, logs, 0.0), axis=0)
        counts = self._counts[rows] + np.cumsum(valid, axis=0)
        row_low = np.where(valid, new, np.inf).min(axis=1)
        row_high = np.where(valid, new, -np.inf).max(axis=1)
        low = np.minimum.accumulate(
            np.concatenate([self._low[rows - 1 : rows] if rows else [np.inf], row_low])
        )[1:]
        high = np.maximum.accumulate(
            np.concatenate([self._high[rows - 1 : rows] if rows else [-np.inf], row_high])
        )[1:]
        end = rows + len(new)
        self._logs = grown(self._logs, end)
        self._log_sums = grown(self._log_sums, end + 1)
        self._counts = grown(self._counts, end + 1)
        self._low = grown(self._low, end)
        self._high = grown(self._high, end)
        self._logs[rows:end] = logs
        self._log_sums[rows + 1 : end + 1] = sums
        self._counts[rows + 1 : end + 1] = counts
        self._low[rows:end] = low
        self._high[rows:end] = high
        self._rows = end
