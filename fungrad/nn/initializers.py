"""jax.nn.initializers on fungrad.random keys: each constructor returns init(key, shape, dtype),
drawing the same values as JAX's for the same key and dtype (the default dtype is float64,
JAX's float32 unless jax_enable_x64; pass dtype=np.float32 for JAX's default-mode values).

Imports: numpy, random (public facades), _core.
"""
from __future__ import annotations

from typing import Sequence

from fungrad._core.typing import Array, ArrayLike, DTypeLike, Fun, Shape
import math
from collections.abc import Callable

import numpy as np

from fungrad import numpy as fnp
from fungrad import random as _random


# the type of an initializer: init(key, shape, dtype=None) -> array
Initializer = Callable


def _dtype(dtype):
    return np.dtype(np.float64 if dtype is None else dtype)


def zeros(key: ArrayLike, shape: Shape, dtype: DTypeLike | None = None) -> Array:
    """An array of zeros (the key is not used), as jax.nn.initializers.zeros.

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.nn.initializers.zeros(key, (2,))
    array([0., 0.])
    """
    return np.zeros(tuple(shape) if not isinstance(shape, int) else (shape,), _dtype(dtype))


def ones(key: ArrayLike, shape: Shape, dtype: DTypeLike | None = None) -> Array:
    """An array of ones (the key is not used), as jax.nn.initializers.ones.

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.nn.initializers.ones(key, (2,))
    array([1., 1.])
    """
    return np.ones(tuple(shape) if not isinstance(shape, int) else (shape,), _dtype(dtype))


def constant(value: ArrayLike, dtype: DTypeLike | None = None) -> Fun:
    """An initializer filling its array with `value`.

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.nn.initializers.constant(0.5)(key, (2,))
    array([0.5, 0.5])
    """
    def init(key, shape, dtype=dtype):
        return fnp.full(shape, value, dtype=_dtype(dtype))
    return init


def uniform(scale: float = 1e-2, dtype: DTypeLike | None = None) -> Fun:
    """Uniform on [0, scale).

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.nn.initializers.uniform()(key, (2, 2))
    array([[0.00418457, 0.00216295],
           [0.00965321, 0.00574501]])
    """
    def init(key, shape, dtype=dtype):
        dt = _dtype(dtype)
        return _random.uniform(key, shape, dt) * np.asarray(scale, dt)
    return init


def normal(stddev: float = 1e-2, dtype: DTypeLike | None = None) -> Fun:
    """An initializer drawing normal values of standard deviation `stddev`.

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.nn.initializers.normal(1.0)(key, (2,))
    array([-0.20584214, -0.78476578])
    """
    def init(key, shape, dtype=dtype):
        dt = _dtype(dtype)
        return _random.normal(key, shape, dt) * np.asarray(stddev, dt)
    return init


def truncated_normal(stddev: float = 1e-2, dtype: DTypeLike | None = None, lower: ArrayLike = -2.0,
                     upper: ArrayLike = 2.0) -> Fun:
    """An initializer drawing normal values of standard deviation `stddev`, truncated to
    [lower, upper] standard deviations.

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.nn.initializers.truncated_normal(1.0)(key, (2,))
    array([-0.19635199, -0.74147057])
    """
    def init(key, shape, dtype=dtype):
        dt = _dtype(dtype)
        return _random.truncated_normal(key, lower, upper, shape, dt) * np.asarray(stddev, dt)
    return init


def _size(shape, axes):
    if isinstance(axes, int):
        return shape[axes]
    return math.prod(shape[i] for i in axes)


def _compute_fans(shape, in_axis=-2, out_axis=-1, batch_axis=()):
    """(fan_in, fan_out): in/out sizes times the receptive field (the axes not named)."""
    if isinstance(in_axis, int) and in_axis == -2 and len(shape) <= 1:
        raise ValueError(f"variance_scaling: cannot compute fan-in and fan-out of a "
                         f"{len(shape)}-D shape {tuple(shape)} with the default in_axis=-2; "
                         "use a shape of at least 2 axes or pass in_axis explicitly.")
    in_size, out_size = _size(shape, in_axis), _size(shape, out_axis)
    batch = _size(shape, batch_axis)
    receptive = math.prod(shape) / in_size / out_size / batch
    return in_size * receptive, out_size * receptive


def variance_scaling(scale: float, mode: str, distribution: str, in_axis: int | Sequence[int] = -2,
                     out_axis: int | Sequence[int] = -1, batch_axis: int | Sequence[int] = (),
                     dtype: DTypeLike | None = None) -> Fun:
    """Samples of variance scale / n, n the fan given by mode ('fan_in', 'fan_out', 'fan_avg',
    'fan_geo_avg'), from distribution 'truncated_normal' (on [-2, 2], rescaled), 'normal' or
    'uniform'.

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> init = fg.nn.initializers.variance_scaling(1.0, 'fan_in', 'normal')
    >>> init(key, (2, 2))
    array([[-0.14555237, -0.5549132 ],
           [ 1.2841672 ,  0.13282578]])
    """
    if mode not in ("fan_in", "fan_out", "fan_avg", "fan_geo_avg"):
        raise ValueError(f"variance_scaling: invalid mode {mode!r}; use 'fan_in', 'fan_out', "
                         "'fan_avg' or 'fan_geo_avg'.")
    if distribution not in ("truncated_normal", "normal", "uniform"):
        raise ValueError(f"variance_scaling: invalid distribution {distribution!r}; use "
                         "'truncated_normal', 'normal' or 'uniform'.")

    def init(key, shape, dtype=dtype):
        dt = _dtype(dtype)
        if dt.kind != "f":
            raise TypeError(f"variance_scaling: dtype must be a real floating type, got "
                            f"{dt.name} (complex initializers are not implemented).")
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        fan_in, fan_out = _compute_fans(shape, in_axis, out_axis, batch_axis)
        denominator = {"fan_in": fan_in, "fan_out": fan_out,
                       "fan_avg": (fan_in + fan_out) / 2,
                       "fan_geo_avg": (fan_in * fan_out) ** 0.5}[mode]
        variance = np.asarray(scale / denominator, dt)
        if distribution == "truncated_normal":
            stddev = np.sqrt(variance) / np.asarray(.87962566103423978, dt)
            return _random.truncated_normal(key, -2, 2, shape, dt) * stddev
        if distribution == "normal":
            return _random.normal(key, shape, dt) * np.sqrt(variance)
        return _random.uniform(key, shape, dt, -1) * np.sqrt(np.asarray(3, dt) * variance)
    return init


def _vs(name, scale, mode, distribution, alias=None, example=""):
    def make(in_axis=-2, out_axis=-1, batch_axis=(), dtype=None):
        return variance_scaling(scale, mode, distribution, in_axis, out_axis, batch_axis, dtype)
    make.__name__ = make.__qualname__ = name
    also = f" (also named {alias})" if alias else ""
    make.__doc__ = (
        f"jax.nn.initializers.{name}{also}: variance_scaling({scale}, {mode!r}, "
        f"{distribution!r}) with the given axes and dtype.\n\n"
        f"    >>> import fungrad as fg\n"
        f"    >>> fg.nn.initializers.{name}()(fg.random.key(0), (2, 3)).round(4)\n"
        f"    {example}\n")
    return make


# each with an example of its values (2 x 3, key 0, rounded to 4 digits)
glorot_uniform = xavier_uniform = _vs("glorot_uniform", 1.0, "fan_avg", "uniform", 'xavier_uniform',
    """array([[-0.1787, -0.6216,  1.0195],
           [ 0.1632,  0.0706, -0.3179]])""")
glorot_normal = xavier_normal = _vs("glorot_normal", 1.0, "fan_avg", "truncated_normal", 'xavier_normal',
    """array([[-0.1412, -0.5331,  1.1436],
           [ 0.1288,  0.0555, -0.2548]])""")
lecun_uniform = _vs("lecun_uniform", 1.0, "fan_in", "uniform", None,
    """array([[-0.1997, -0.6949,  1.1398],
           [ 0.1825,  0.0789, -0.3554]])""")
lecun_normal = _vs("lecun_normal", 1.0, "fan_in", "truncated_normal", None,
    """array([[-0.1578, -0.596 ,  1.2786],
           [ 0.1441,  0.062 , -0.2849]])""")
he_uniform = kaiming_uniform = _vs("he_uniform", 2.0, "fan_in", "uniform", 'kaiming_uniform',
    """array([[-0.2825, -0.9828,  1.6119],
           [ 0.2581,  0.1116, -0.5026]])""")
he_normal = kaiming_normal = _vs("he_normal", 2.0, "fan_in", "truncated_normal", 'kaiming_normal',
    """array([[-0.2232, -0.8429,  1.8083],
           [ 0.2037,  0.0877, -0.4029]])""")


def orthogonal(scale: float = 1.0, column_axis: int = -1, dtype: DTypeLike | None = None) -> Fun:
    """A (scaled) orthogonal matrix, reshaped: column_axis of the result holds the columns.

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.nn.initializers.orthogonal()(key, (2, 2))
    array([[-0.11262267, -0.99363783],
           [ 0.99363783, -0.11262267]])
    """
    def init(key, shape, dtype=dtype):
        dt = _dtype(dtype)
        shape = tuple(shape)
        if len(shape) < 2:
            raise ValueError(f"orthogonal initializer requires at least a 2-D shape, got "
                             f"{shape}.")
        if any(d == 0 for d in shape):
            return np.zeros(shape, dt)
        n_rows, n_cols = math.prod(shape) // shape[column_axis], shape[column_axis]
        q = _random.orthogonal(key, n_rows, (), dt, n_cols)
        q = fnp.reshape(q, tuple(np.delete(shape, column_axis)) + (shape[column_axis],))
        q = fnp.moveaxis(q, -1, column_axis)
        return np.asarray(scale, dt) * q
    return init


def delta_orthogonal(scale: float = 1.0, column_axis: int = -1, dtype: DTypeLike | None = None) -> Fun:
    """Convolution kernels (3-D, 4-D or 5-D) zero except an orthogonal matrix at the spatial
    centre (Xiao et al. 2018).

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.nn.initializers.delta_orthogonal()(key, (3, 2, 2)).shape
    (3, 2, 2)
    """
    def init(key, shape, dtype=dtype):
        dt = _dtype(dtype)
        shape = tuple(shape)
        if len(shape) not in (3, 4, 5):
            raise ValueError(f"delta_orthogonal requires a 3-D, 4-D or 5-D shape, got {shape}.")
        if shape[-1] < shape[-2]:
            raise ValueError(f"delta_orthogonal: fan_in (shape[-2] = {shape[-2]}) must be at "
                             f"most fan_out (shape[-1] = {shape[-1]}).")
        ortho = orthogonal(scale, column_axis, dt)(key, shape[-2:])
        centre = np.zeros(shape[:-2], dt)
        centre[tuple((k - 1) // 2 for k in shape[:-2])] = 1
        return centre[..., None, None] * ortho
    return init

__all__ = [
    "Initializer", "constant", "delta_orthogonal", "glorot_normal", "glorot_uniform", "he_normal",
    "he_uniform", "kaiming_normal", "kaiming_uniform", "lecun_normal", "lecun_uniform", "normal", "ones",
    "orthogonal", "truncated_normal", "uniform", "variance_scaling", "xavier_normal", "xavier_uniform",
    "zeros"]
__dir__ = __all__.copy  # dir() lists the public names only
