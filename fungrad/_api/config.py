"""fungrad.config: the options JAX programs set with `jax.config.update(name, value)`.

    import fungrad as fg
    fg.config.update("jax_enable_x64", True)   # accepted; fungrad is always 64-bit (see below)
    fg.config.jax_enable_x64                   # True

**Dtypes.** fungrad follows numpy: `fnp.array(1.0)`, `fnp.zeros(3)` and Python floats are float64,
integers int64, whatever `jax_enable_x64` says, so `update("jax_enable_x64", True)` (the usual
call) changes nothing. JAX's default (x64 disabled) computes in float32; to get that in fungrad,
create float32 values explicitly (`np.float32(...)`, `fnp.ones(3, dtype=fnp.float32)`,
`x.astype(np.float32)`): promotion then stays in float32, since Python scalars are weakly typed
(NEP 50). Setting the option to False warns once, because it does not downcast.

Options with an effect: `jax_disable_jit` (as the `disable_jit()` context manager; fungrad.jit
then runs the function eagerly). `jax_platforms`/`jax_platform_name` accept only the CPU.
Options accepted for compatibility with no effect (fungrad has no compiler cache, logging or
accelerator): listed in `_NO_EFFECT`. `jax_debug_nans`/`jax_debug_infs` are accepted but not
implemented: setting them True warns. Unknown names raise AttributeError, as in JAX.

Imports: nothing from fungrad.
"""
from __future__ import annotations

from typing import Any

import contextlib
import contextvars
import warnings

from fungrad._core.traceback_util import set_traceback_filtering


def _bool(name, value):
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    raise TypeError(f"config.update({name!r}, {value!r}): {name} takes a bool, got "
                    f"{type(value).__name__}. Fix: pass True or False.")


def _platforms(name, value):
    if value is None or value == "":
        return value
    if not isinstance(value, str):
        raise TypeError(f"config.update({name!r}, {value!r}): {name} takes a string such as "
                        f"'cpu', got {type(value).__name__}.")
    names = [p.strip().lower() for p in value.split(",") if p.strip()]
    if "cpu" not in names:
        raise ValueError(f"config.update({name!r}, {value!r}): fungrad runs on the CPU only "
                         "(numpy), so the platform list must include 'cpu'. Fix: use 'cpu'.")
    return value


def _choice(*choices):
    def check(name, value):
        if value not in choices:
            raise ValueError(f"config.update({name!r}, {value!r}): {name} must be one of "
                             f"{', '.join(map(repr, choices))}.")
        return value
    return check


def _any(name, value):
    return value


def _x64(name, value):
    value = _bool(name, value)
    if not value:
        warnings.warn(
            "config.update('jax_enable_x64', False) has no effect in fungrad: it follows numpy's "
            "dtypes (float64 by default) and never downcasts. For JAX's float32 behaviour, create "
            "float32 arrays explicitly (np.float32, dtype=fnp.float32, .astype(np.float32)).",
            UserWarning, stacklevel=3)
    return value


def _debug(name, value):
    value = _bool(name, value)
    if value:
        warnings.warn(f"config option {name} is accepted but not implemented in fungrad: NaN/inf "
                      "results are not checked. Fix: check results with numpy.isnan / "
                      "fungrad.numpy.isnan where you need to.", UserWarning, stacklevel=3)
    return value


def _traceback_filtering(*allowed):
    """jax_traceback_filtering: "off" shows fungrad's internal frames; any other value hides them
    (fungrad has one filtering mode, like JAX's "remove_frames")."""
    check = _choice(*allowed)

    def validate(name, value):
        value = check(name, value)
        set_traceback_filtering(value != "off")
        return value
    return validate


# name -> (default, validator)
_OPTIONS = {
    "jax_enable_x64": (True, _x64),
    "jax_disable_jit": (False, _bool),
    "jax_platforms": (None, _platforms),
    "jax_platform_name": ("", _platforms),
    "jax_debug_nans": (False, _debug),
    "jax_debug_infs": (False, _debug),
    "jax_numpy_rank_promotion": ("allow", _choice("allow", "warn", "raise")),
    "jax_numpy_dtype_promotion": ("standard", _choice("standard", "strict")),
    "jax_default_matmul_precision": (None, _any),
    "jax_default_prng_impl": ("threefry2x32", _choice("threefry2x32", "rbg", "unsafe_rbg")),
    "jax_threefry_partitionable": (True, _bool),
    "jax_debug_key_reuse": (False, _bool),
    "jax_enable_checks": (False, _bool),
    "jax_check_tracer_leaks": (False, _bool),
    "jax_log_compiles": (False, _bool),
    "jax_explain_cache_misses": (False, _bool),
    "jax_traceback_filtering": ("auto", _traceback_filtering("off", "tracebackhide", "remove_frames",
                                                "quiet_remove_frames", "auto")),
    "jax_compilation_cache_dir": (None, _any),
    "jax_persistent_cache_min_compile_time_secs": (1.0, _any),
    "jax_persistent_cache_min_entry_size_bytes": (0, _any),
    "jax_softmax_custom_jvp": (False, _bool),
    "jax_transfer_guard": (None, _choice(None, "allow", "log", "disallow", "log_explicit",
                                         "disallow_explicit")),
    "jax_num_cpu_devices": (-1, _any),
}
# accepted so JAX programs run; fungrad has nothing they would change
_NO_EFFECT = frozenset(_OPTIONS) - {"jax_enable_x64", "jax_disable_jit", "jax_platforms",
                                     "jax_platform_name", "jax_debug_nans", "jax_debug_infs",
                                     "jax_debug_key_reuse", "jax_traceback_filtering"}

_disable_jit_override = contextvars.ContextVar("fungrad_disable_jit", default=None)


class Config:
    """`config.update(name, value)`, `config.read(name)`, attribute reads
    (`config.jax_enable_x64`), `config.values` (a dict copy).

    Dtypes: fungrad follows numpy (float64 and int64 by default) whatever jax_enable_x64 says;
    for JAX's default float32 behaviour create float32 values explicitly (np.float32,
    dtype=fnp.float32, .astype(np.float32)), which Python scalars do not upcast (NEP 50).
    jax_disable_jit is set by the disable_jit() context manager too. Unknown names raise
    AttributeError("Unrecognized config option: ..."), as in JAX."""

    __slots__ = ("_values",)

    def __init__(self):
        object.__setattr__(self, "_values", {k: d for k, (d, _) in _OPTIONS.items()})

    def update(self, name, value):
        """Set option `name` (e.g. "jax_enable_x64") to `value`."""
        if name not in _OPTIONS:
            raise AttributeError(f"Unrecognized config option: {name}. fungrad knows: "
                                 f"{', '.join(sorted(_OPTIONS))}.")
        self._values[name] = _OPTIONS[name][1](name, value)

    def read(self, name):
        return getattr(self, name)

    @property
    def values(self):
        """A copy of every option's current value."""
        out = dict(self._values)
        out["jax_disable_jit"] = self.jax_disable_jit
        return out

    def __getattr__(self, name):
        if name == "jax_disable_jit":
            override = _disable_jit_override.get()
            return self._values[name] if override is None else override
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"'Config' object has no attribute {name!r} (unrecognized "
                                 "config option).") from None

    def __setattr__(self, name, value):
        raise AttributeError(f"config options are set with config.update({name!r}, value), not "
                             "by assignment.")

    def __repr__(self):
        return f"<fungrad Config: {len(_OPTIONS)} options>"


config = Config()


def jit_disabled():
    """True inside `disable_jit()` or after `config.update('jax_disable_jit', True)`."""
    override = _disable_jit_override.get()
    return config._values["jax_disable_jit"] if override is None else override


@contextlib.contextmanager
def disable_jit(disable: bool = True) -> Any:
    """Context manager: fungrad.jit runs functions eagerly (op by op, with Python side effects on
    every call and concrete values, so print and `if x > 0` work), for debugging.

    >>> import fungrad as fg
    >>> with fg.disable_jit():
    ...     fg.config.jax_disable_jit
    True
    """
    token = _disable_jit_override.set(_bool("disable", disable))
    try:
        yield
    finally:
        _disable_jit_override.reset(token)
