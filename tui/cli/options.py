"""Numeric command-line options read by the same ``Param`` checks as every other number.

``--steps``, ``--seed``, ``--noise``, ``--top`` and the rest are declared as ``Param`` s, so
``--seed １`` (a fullwidth digit), ``--noise inf`` and ``--steps 10**30`` get the message an
optimizer spec, a spec string or the explorer's form would give.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from optiscope.core.errors import OptiscopeError
from optiscope.core.params import Param, Value


def number_type(param: Param) -> Callable[[str], Value]:
    """An argparse ``type`` that validates with ``param`` (one line on failure)."""

    def convert(text: str) -> Value:
        try:
            return param.validate(text)
        except OptiscopeError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = param.name
    return convert
