"""Rule: a user-supplied Python function carried as a primitive param, printed by its name.

Imports: nothing from fungrad.
"""


class Rule:
    """Wraps a callable so IR listings show `name` instead of a function address."""

    __slots__ = ("fn", "name")

    def __init__(self, fn, name):
        self.fn = fn
        self.name = name

    def __call__(self, *args):
        return self.fn(*args)

    def __repr__(self):
        return self.name
