"""torch.Generator and the default generator.

Differs from torch: the stream is numpy's PCG64 seeded with the given seed, so the numbers a
seed produces are not torch's (a seed still fixes every draw, and get_state/set_state round-trip).
"""
import pickle

import numpy as np

__all__ = ["Generator", "default_generator", "numpy_rng", "manual_seed", "seed", "initial_seed",
           "get_rng_state", "set_rng_state"]

_DEFAULT_SEED = 67280421310721  # torch's default_generator.initial_seed()


class Generator:
    """``torch.Generator(device='cpu')``: a seedable source of random numbers."""

    def __init__(self, device="cpu"):
        from fungrad.torch._device import check_device
        check_device(device)
        self._seed = _DEFAULT_SEED
        self._np = np.random.default_rng(self._seed)

    @property
    def device(self):
        from fungrad.torch._device import device
        return device("cpu")

    def manual_seed(self, seed):
        seed = int(seed)
        if seed < 0:
            seed += 1 << 64
        self._seed = seed
        self._np = np.random.default_rng(seed)
        return self

    def seed(self):
        s = int(np.random.SeedSequence().entropy % (1 << 63))
        self.manual_seed(s)
        return s

    def initial_seed(self):
        return self._seed

    def get_state(self):
        from fungrad.torch._tensor import _new
        raw = pickle.dumps((self._seed, self._np.bit_generator.state))
        return _new(np.frombuffer(raw, np.uint8).copy())

    def set_state(self, new_state):
        seed, st = pickle.loads(np.asarray(new_state._value, np.uint8).tobytes())
        self._seed = seed
        self._np = np.random.default_rng(seed)
        self._np.bit_generator.state = st
        return self

    def __repr__(self):
        return f"<torch._C.Generator object at {hex(id(self))}>"


default_generator = Generator()


def numpy_rng(generator=None):
    """The numpy Generator behind ``generator`` (the default generator when None)."""
    return (generator if generator is not None else default_generator)._np


def manual_seed(seed):
    """Seeds the default generator; returns it (as torch.manual_seed)."""
    return default_generator.manual_seed(seed)


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)
