"""The few values last made, by key, the least recently used dropped first.

What the explorer keeps so that going back finds it made: a step's arrows, a run's
running sums for the ηeff strip, a window's contour lines.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Container, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Recent(Generic[V]):
    """Up to ``keep`` values by key."""

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self._values: OrderedDict[Hashable, V] = OrderedDict()

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value kept for ``key``, or ``make()``'s, kept from now on."""
        value = self._values.get(key)
        if value is None:
            value = self._values[key] = make()
            while len(self._values) > self.keep:
                self._values.popitem(last=False)
        else:
            self._values.move_to_end(key)
        return value

    def keep_only(self, keys: Container[Hashable]) -> None:
        """Drop every value whose key is not in ``keys`` (what no longer exists)."""
        for key in [key for key in self._values if key not in keys]:
            del self._values[key]

    def values(self) -> list[V]:
        """The values kept, the least recently used first."""
        return list(self._values.values())

    def __contains__(self, key: Hashable) -> bool:
        return key in self._values

    def __len__(self) -> int:
        return len(self._values)
