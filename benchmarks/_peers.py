"""Optional peer systems for the benchmarks: HIPS autograd, PyTorch (eager, CPU) and JAX, each
imported only if installed and set to float64 and one thread."""
import importlib.util


def available(name):
    return importlib.util.find_spec(name) is not None


def load_torch():
    if not available("torch"):
        return None
    import torch
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    return torch


def load_jax():
    if not available("jax"):
        return None
    import jax
    jax.config.update("jax_enable_x64", True)
    jax.config.update("jax_platforms", "cpu")
    return jax


def load_autograd():
    if not available("autograd"):
        return None
    import autograd
    import autograd.numpy
    return autograd
