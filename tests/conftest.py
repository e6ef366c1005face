"""Test configuration: fixed seeds, and float64 everywhere unless a test says otherwise."""
import numpy as np
import pytest


@pytest.fixture(autouse=True)
def _seed():
    np.random.seed(0)
