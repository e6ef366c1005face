"""Docstring examples: the one way a module appends its table of `>>>` examples to its functions'
docstrings (tests/test_doctests.py runs them and checks every public function has one).

Imports: nothing from fungrad.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping


def add_examples(examples: Mapping[str, str], lookup: Callable[[str], Any]) -> None:
    """Append examples[name] to the docstring of lookup(name), a blank line between, for every
    name of the table."""
    for name, example in examples.items():
        fn = lookup(name)
        fn.__doc__ = (fn.__doc__ + "\n\n" if fn.__doc__ else "") + example
