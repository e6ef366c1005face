"""LinearArg: the placeholder a transpose rule receives for an operand it must produce a cotangent for.

Imports: nothing from fungrad.
"""
from __future__ import annotations
from typing import Any


class LinearArg:
    """An operand of a linear equation whose value is unknown (JAX's UndefinedPrimal)."""

    __slots__ = ("aval",)

    def __init__(self, aval):
        self.aval = aval

    def __repr__(self):
        return f"LinearArg({self.aval.str_short()})"


def is_linear(x: Any) -> bool:
    return type(x) is LinearArg
