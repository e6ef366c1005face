"""fungrad: composable function transformations (grad, vmap, jvp, ...) for numpy programs.

The public surface; everything here is an explicit re-export.
"""
from fungrad import numpy as numpy  # installs the operators of traced values
from fungrad import errors as errors
from fungrad import lax as lax
from fungrad import random as random
from fungrad import nn as nn
from fungrad import tree_util as tree_util
from fungrad import tree as tree
from fungrad import flatten_util as flatten_util
from fungrad import scipy as scipy
from fungrad import debug as debug
from fungrad import ad_checkpoint as ad_checkpoint
from fungrad.debug import pure_callback as pure_callback
from fungrad._api.custom import (
    checkpoint as checkpoint, checkpoint_policies as checkpoint_policies, custom_jvp as custom_jvp,
    custom_vjp as custom_vjp, remat as remat)
from fungrad._api.forward import jvp as jvp, linearize as linearize
from fungrad._api.jit import jit as jit
from fungrad._api.jacobian import (
    hessian as hessian, jacfwd as jacfwd, jacobian as jacobian, jacrev as jacrev)
from fungrad._api.reverse import grad as grad, value_and_grad as value_and_grad, vjp as vjp
from fungrad._api.staging import make_jaxpr as make_jaxpr
from fungrad._api.vmap import vmap as vmap
from fungrad._api.config import config as config, disable_jit as disable_jit
from fungrad._api.devices import (
    block_until_ready as block_until_ready, default_backend as default_backend,
    device_count as device_count, device_get as device_get, device_put as device_put,
    devices as devices, local_device_count as local_device_count, local_devices as local_devices,
    process_count as process_count, process_index as process_index)
from fungrad._api.misc import (
    ShapeDtypeStruct as ShapeDtypeStruct, closure_convert as closure_convert,
    custom_gradient as custom_gradient, ensure_compile_time_eval as ensure_compile_time_eval,
    eval_shape as eval_shape, linear_transpose as linear_transpose, named_call as named_call,
    named_scope as named_scope)
from fungrad._core.array import Array as Array
from fungrad._core.cache import cache_info as cache_info, clear_caches as clear_caches
from fungrad._core.dtypes import float0 as float0
from fungrad._core.ir import ClosedJaxpr as ClosedJaxpr, Jaxpr as Jaxpr
from fungrad._core.typecheck import check_jaxpr as check_jaxpr
from fungrad._lax import stop_gradient as stop_gradient

__version__ = "0.1.0"

__all__ = [
    "ClosedJaxpr", "Jaxpr", "ShapeDtypeStruct", "ad_checkpoint", "block_until_ready", "cache_info",
    "check_jaxpr", "checkpoint", "checkpoint_policies", "clear_caches", "closure_convert", "config",
    "custom_gradient", "custom_jvp", "custom_vjp", "debug", "default_backend", "device_count",
    "device_get", "device_put", "devices", "disable_jit", "ensure_compile_time_eval", "errors",
    "eval_shape", "flatten_util", "float0", "grad", "hessian", "jacfwd", "jacobian", "jacrev", "jit",
    "jvp", "lax", "linear_transpose", "linearize", "local_device_count", "local_devices", "make_jaxpr",
    "named_call", "named_scope", "nn", "numpy", "process_count", "process_index", "pure_callback",
    "random", "remat", "scipy", "stop_gradient", "tree", "tree_util", "value_and_grad", "vjp", "vmap"]
__dir__ = __all__.copy  # dir() lists the public names only
