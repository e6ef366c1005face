"""The examples in the public transforms' docstrings run and print what they claim."""
import doctest
import importlib

import pytest

MODULES = ["fungrad._api.reverse", "fungrad._api.forward", "fungrad._api.vmap",
           "fungrad._api.jacobian", "fungrad._api.staging", "fungrad._api.jit", "fungrad.extend"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no docstring examples"
    assert result.failed == 0
