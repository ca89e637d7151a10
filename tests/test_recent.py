"""Recent: values made once per key, the least recently used dropped first."""

from __future__ import annotations

from collections.abc import Callable

from optiscope.tui.recent import Recent


def test_a_value_is_made_once_and_the_least_recently_used_goes_first() -> None:
    made: list[str] = []

    def maker(key: str) -> Callable[[], str]:
        def make() -> str:
            made.append(key)
            return key.upper()

        return make

    recent: Recent[str] = Recent(keep=3)
    for key in "abca":  # a, b, c made; a used again, so b is now the oldest
        assert recent.get(key, maker(key)) == key.upper()
    assert made == ["a", "b", "c"]
    recent.get("d", maker("d"))  # drops b
    assert "b" not in recent and all(k in recent for k in "acd") and len(recent) == 3
    recent.get("b", maker("b"))  # made again; drops c, the oldest now
    assert made == ["a", "b", "c", "d", "b"]
    assert "c" not in recent and recent.values() == ["A", "D", "B"]


def test_keep_only_drops_the_values_of_keys_gone() -> None:
    recent: Recent[int] = Recent(keep=8)
    for key in "abcd":
        recent.get(key, lambda: 1)
    recent.keep_only({"b", "d", "z"})
    assert recent.values() == [1, 1] and "b" in recent and "d" in recent and "a" not in recent
