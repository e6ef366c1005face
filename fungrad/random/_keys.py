"""PRNG keys on threefry2x32, as jax.random's default implementation with
`jax_threefry_partitionable=True` (the default since JAX 0.5, and in jax 0.10.2).

A key is a uint32 array of shape (2,) (a "raw" key, what `jax.random.PRNGKey` returns); batches of
keys have shape (..., 2). `key(seed)` returns the same raw key: fungrad has no extended key dtype,
so `key_data`/`wrap_key_data` convert between identical representations (and check them).

How values are drawn (the partitionable scheme): element i (in row-major order) of an array of
`shape` hashes the 64-bit counter i, split into (hi, lo) uint32 words, under the key. `split`
keeps both hashed words as the new keys; `bits` of width 32 xors them, of width 64 concatenates
them (hi word first), of width 8/16 truncates the xor. `fold_in(key, d)` hashes the counter (0, d).

Imports: lax (public facade), numpy (public facade), _core.
"""
from __future__ import annotations

from typing import Any

from fungrad._core.typing import Array, ArrayLike, DTypeLike, Shape
import contextvars
import functools
import math
import weakref
import operator

import numpy as np

from fungrad import numpy as fnp
from fungrad._api.config import config
from fungrad._core.array import frozen
from fungrad._core.errors import FungradError
from fungrad._core.trace import get_aval
from fungrad._lax import convert_element_type, getitem, mul, add, bitwise_xor
from fungrad._lax.random_bits import threefry2x32


class InvalidKeyError(FungradError, TypeError):
    """A PRNG key argument is not a uint32[2] key (or a batch of them where one is expected)."""


_MASK32 = 0xFFFFFFFF


def _aval_str(x):
    try:
        return get_aval(x).str_short()
    except TypeError:
        return type(x).__name__


class KeyReuseError(FungradError, TypeError):
    """A concrete key was consumed twice while config jax_debug_key_reuse is on."""


_consumed: dict = {}  # id(key array) -> (weakref, the public call that consumed it)
_CALL = contextvars.ContextVar("fungrad_random_call", default=None)


def consumer(fn):
    """A public function of fungrad.random that consumes its key: the calls it makes internally
    (a sampler splitting its key) count as one consumption."""
    @functools.wraps(fn)
    def public(*args, **kwargs):
        if _CALL.get() is not None:
            return fn(*args, **kwargs)
        token = _CALL.set(object())
        try:
            return fn(*args, **kwargs)
        finally:
            _CALL.reset(token)
    return public


def _consume(key, fname):
    """Under config jax_debug_key_reuse: a concrete key array may be consumed (by a sampler,
    split, fold_in or bits) once, as JAX's key-reuse checker demands (eager keys only; traced
    keys are not tracked)."""
    k = id(key)
    call = _CALL.get()
    seen = _consumed.get(k)
    if seen is not None and seen[0]() is key and (call is None or seen[1] is not call):
        raise KeyReuseError(
            f"{fname}: this key was already consumed (by a sampler, split, fold_in or bits); "
            "reusing a key gives correlated random numbers. Fix: split it first "
            "(key, sub = fungrad.random.split(key)) and use each new key once, or clone(key) "
            "where reuse is intended.")
    _consumed[k] = (weakref.ref(key, lambda _, k=k: _consumed.pop(k, None)), call)


def check_key(key, fname, argname="key"):
    """`key` as an array after checking it is one uint32[2] key (and, under config
    jax_debug_key_reuse, marking a concrete key consumed)."""
    if not hasattr(key, "dtype") or not hasattr(key, "shape"):
        key = np.asarray(key) if isinstance(key, (list, tuple)) else key
    try:
        aval = get_aval(key)
    except TypeError:
        aval = None
    if aval is None or aval.dtype != np.uint32 or aval.shape != (2,):
        raise InvalidKeyError(
            f"{fname}: {argname} must be a PRNG key, a uint32 array of shape (2,), got "
            f"{_aval_str(key)}. Make keys with fungrad.random.PRNGKey(seed) or key(seed) and "
            "split them with fungrad.random.split; for a batch of keys, map over it with vmap.")
    if isinstance(key, np.ndarray) and config.jax_debug_key_reuse:  # fungrad.Array included
        _consume(key, fname)
    return key


def _seed_words(seed):
    """(hi, lo) uint32 words of a seed, as JAX does by default (jax_enable_x64 off): the seed is
    taken modulo 2**32 into the low word, the high word is 0."""
    if isinstance(seed, (bool, np.bool_)):
        raise InvalidKeyError(f"PRNGKey: seed must be an integer, got {type(seed).__name__}.")
    if isinstance(seed, (int, np.integer)):
        return np.array([0, int(seed) & _MASK32], np.uint32)
    aval = get_aval(seed)
    if aval.shape != () or aval.dtype.kind not in "iu":
        raise InvalidKeyError(f"PRNGKey: seed must be an integer scalar, got {aval.str_short()}; "
                              "pass a Python int or an integer 0-d array.")
    lo = convert_element_type(seed, np.uint32)  # numpy's cast wraps modulo 2**32
    return fnp.stack([np.zeros((), np.uint32), lo])


def PRNGKey(seed: ArrayLike, *, impl: Any = None) -> Array:
    """A PRNG key (uint32[2]) from an integer seed, equal to `jax.random.PRNGKey(seed)`.

    >>> import fungrad as fg
    >>> fg.random.PRNGKey(0)
    array([0, 0], dtype=uint32)
    """
    _check_impl(impl)
    return _seed_words(seed)


def key(seed: ArrayLike, *, impl: Any = None) -> Array:
    """Like `jax.random.key`, but the key is the raw uint32[2] array (fungrad has no key dtype);
    it equals `jax.random.key_data(jax.random.key(seed))`.

    >>> import fungrad as fg
    >>> fg.random.key(42)
    array([ 0, 42], dtype=uint32)
    """
    _check_impl(impl)
    return _seed_words(seed)


def _check_impl(impl):
    if impl not in (None, "threefry2x32", "threefry"):
        raise ValueError(f"impl={impl!r}: fungrad.random implements only 'threefry2x32'.")


def key_data(keys: ArrayLike) -> Array:
    """The uint32 words of `keys` (shape (..., 2)): the keys themselves in fungrad.

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.key_data(key)
    array([0, 0], dtype=uint32)
    """
    return _check_keys(keys, "key_data")


def wrap_key_data(key_bits_array: ArrayLike, *, impl: Any = None) -> Array:
    """Keys from their uint32 words (shape (..., 2)); checks dtype and shape.

    >>> import numpy as np, fungrad as fg
    >>> fg.random.wrap_key_data(np.array([0, 42], np.uint32))
    array([ 0, 42], dtype=uint32)
    """
    _check_impl(impl)
    return _check_keys(key_bits_array, "wrap_key_data", "key_bits_array")


def key_impl(keys: ArrayLike) -> str:
    """The name of the generator behind `keys` (always JAX's default, threefry2x32).

    >>> import fungrad as fg
    >>> fg.random.key_impl(fg.random.key(0))
    'threefry2x32'
    """
    _check_keys(keys, "key_impl", "keys")
    return "threefry2x32"


def clone(key: ArrayLike) -> Array:
    """A copy of the key, which may be consumed again under jax_debug_key_reuse.

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.clone(key)
    array([0, 0], dtype=uint32)
    """
    keys = _check_keys(key, "clone")
    return frozen(np.array(keys)) if isinstance(keys, np.ndarray) else keys


def _check_keys(keys, fname, argname="keys"):
    keys = np.asarray(keys) if isinstance(keys, (list, tuple)) else keys
    try:
        aval = get_aval(keys)
    except TypeError:
        aval = None
    if aval is None or aval.dtype != np.uint32 or aval.ndim < 1 or aval.shape[-1] != 2:
        raise InvalidKeyError(
            f"{fname}: {argname} must be uint32 key data of shape (..., 2), got "
            f"{_aval_str(keys)}.")
    return keys


def canonical_shape(shape, fname):
    if shape is None:
        return ()
    try:
        if isinstance(shape, (int, np.integer)):
            return (operator.index(shape),)
        return tuple(operator.index(d) for d in shape)
    except TypeError:
        raise TypeError(f"{fname}: shape must be a tuple of ints, got {shape!r}.") from None


def _counters(shape):
    """The row-major index of every element of `shape` as 64-bit counters: (hi, lo) uint32."""
    n = math.prod(shape)
    idx = np.arange(n, dtype=np.uint64).reshape(shape)
    return (idx >> np.uint64(32)).astype(np.uint32), idx.astype(np.uint32)


def hash_words(key, shape):
    """The two hashed words for each element of `shape` (the partitionable scheme)."""
    hi, lo = _counters(shape)
    return threefry2x32(getitem(key, (0,), ()), getitem(key, (1,), ()), hi, lo)


def split(key: ArrayLike, num: int = 2) -> Array:
    """`num` new keys (shape (num, 2), or (*num, 2) for a tuple), as jax.random.split.

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.split(key, 3).shape
    (3, 2)
    """
    key = check_key(key, "split")
    shape = canonical_shape(num, "split")
    w0, w1 = hash_words(key, shape)
    return fnp.stack([w0, w1], axis=-1)


def fold_in(key: ArrayLike, data: ArrayLike) -> Array:
    """A new key from `key` and the integer `data` (taken modulo 2**32), as jax.random.fold_in.

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.fold_in(key, 7)
    array([2716826189,  292468403], dtype=uint32)
    """
    key = check_key(key, "fold_in")
    if isinstance(data, (int, np.integer)):
        d = np.uint32(int(data) & _MASK32)
    else:
        if get_aval(data).dtype.kind not in "iu" or get_aval(data).shape != ():
            raise TypeError(f"fold_in: data must be an integer scalar, got {_aval_str(data)}.")
        d = convert_element_type(data, np.uint32)
    w0, w1 = threefry2x32(getitem(key, (0,), ()), getitem(key, (1,), ()), np.uint32(0), d)
    return fnp.stack([w0, w1])


_UINT = {8: np.uint8, 16: np.uint16, 32: np.uint32, 64: np.uint64}


def random_bits(key, bit_width, shape):
    """Unsigned integers of `bit_width` bits for each element of `shape` (JAX's scheme)."""
    w0, w1 = hash_words(key, shape)
    if bit_width == 64:
        hi = convert_element_type(w0, np.uint64)
        return add(mul(hi, np.asarray(2 ** 32, np.uint64)), convert_element_type(w1, np.uint64))
    x = bitwise_xor(w0, w1)
    return x if bit_width == 32 else convert_element_type(x, _UINT[bit_width])


def bits(key: ArrayLike, shape: Shape = (), dtype: DTypeLike | None = None) -> Array:
    """Random unsigned integers, as jax.random.bits. The default dtype is uint64 (fungrad's
    defaults are JAX's with jax_enable_x64); dtype=np.uint32 gives JAX's default-mode values.

    >>> import fungrad as fg
    >>> key = fg.random.key(0)
    >>> fg.random.bits(key, (2,))
    array([7719171245655871230, 3989946895414531357], dtype=uint64)
    """
    key = check_key(key, "bits")
    dtype = np.dtype(np.uint64 if dtype is None else dtype)
    if dtype.kind != "u" or dtype.itemsize * 8 not in _UINT:
        raise TypeError(f"bits: dtype must be an unsigned integer type, got {dtype.name}.")
    return random_bits(key, dtype.itemsize * 8, canonical_shape(shape, "bits"))
