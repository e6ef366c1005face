"""The Optimizer base class: param groups, per-parameter state, state_dict round trips.

Updates run on the parameters' numpy values in place (no graph is recorded, as torch's step
runs under no_grad) and bump each parameter's version counter, so a graph that saved a
parameter before the step still raises torch's in-place error when reused.
"""
import copy
import functools
from collections import OrderedDict, defaultdict

import numpy as np

from fungrad.extend import buffer_writeable
from fungrad.torch._grad_mode import enable_grad, no_grad
from fungrad.torch._node import RemovableHandle
from fungrad.torch._tensor import Tensor, _new

__all__ = ["Optimizer", "required"]


class _Required:
    def __repr__(self):
        return "<required parameter>"


required = _Required()


def _typename(obj):
    if isinstance(obj, Tensor):
        from fungrad.torch._dtype import tensor_type_name
        return tensor_type_name(obj._value.dtype)
    return type(obj).__name__


def _with_step_hooks(step):
    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        for hook in list(self._optimizer_step_pre_hooks.values()):
            res = hook(self, (self,) + args, kwargs)
            if res is not None:
                if not (isinstance(res, tuple) and len(res) == 2):
                    raise RuntimeError("optimizer step pre hook must return None or a tuple of "
                                       f"(new_args, new_kwargs), but got {res}.")
                args, kwargs = res
                args = args[1:] if args and args[0] is self else args
        self._opt_called = True
        out = step(self, *args, **kwargs)
        for hook in list(self._optimizer_step_post_hooks.values()):
            hook(self, (self,) + args, kwargs)
        return out
    wrapper._wrapped_with_hooks = True
    return wrapper


class Optimizer:
    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        st = cls.__dict__.get("step")
        if st is not None and not getattr(st, "_wrapped_with_hooks", False):
            cls.step = _with_step_hooks(st)

    def register_step_pre_hook(self, hook):
        """``hook(optimizer, args, kwargs) -> None or (args, kwargs)`` before each step."""
        h = RemovableHandle(self._optimizer_step_pre_hooks)
        self._optimizer_step_pre_hooks[h.id] = hook
        return h

    def register_step_post_hook(self, hook):
        """``hook(optimizer, args, kwargs)`` after each step."""
        h = RemovableHandle(self._optimizer_step_post_hooks)
        self._optimizer_step_post_hooks[h.id] = hook
        return h

    def __init__(self, params, defaults):
        self._optimizer_step_pre_hooks = OrderedDict()
        self._optimizer_step_post_hooks = OrderedDict()
        self._opt_called = False
        self.defaults = defaults
        self.state = defaultdict(dict)
        self.param_groups = []
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            f"Tensors or dicts, but got {_typename(params)}")
        groups = list(params)
        if len(groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for g in groups:
            self.add_param_group(g)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__dict__.setdefault("_optimizer_step_pre_hooks", OrderedDict())
        self.__dict__.setdefault("_optimizer_step_post_hooks", OrderedDict())
        self.__dict__.setdefault("_opt_called", False)

    def __repr__(self):
        s = type(self).__name__ + " ("
        for i, g in enumerate(self.param_groups):
            s += "\n"
            s += f"Parameter Group {i}\n"
            for k in sorted(g):
                if k not in ("params", "param_names"):
                    s += f"    {k}: {g[k]}\n"
        return s + ")"

    def add_param_group(self, param_group):
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        else:
            param_group["params"] = list(params)
        plist = param_group["params"]
        if plist and isinstance(plist[0], tuple):
            param_group["param_names"] = [n for n, _ in plist]
            param_group["params"] = plist = [p for _, p in plist]
        for p in plist:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + _typename(p))
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        for k, v in self.defaults.items():
            if v is required and k not in param_group:
                raise ValueError("parameter group didn't specify a value of required "
                                 f"optimization parameter {k}")
            param_group.setdefault(k, v)
        seen = set()
        for g in self.param_groups:
            seen.update(id(p) for p in g["params"])
        if any(id(p) in seen for p in plist):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none=True):
        for g in self.param_groups:
            for p in g["params"]:
                if p._grad is not None:
                    if set_to_none:
                        p._grad = None
                    else:
                        gr = p._grad
                        if gr.grad_fn is not None:
                            gr.detach_()
                        else:
                            gr.requires_grad_(False)
                        gr.zero_()

    def state_dict(self):
        index = {}
        start = 0
        groups = []
        for g in self.param_groups:
            packed = {k: v for k, v in g.items() if k != "params"}
            ids = list(range(start, start + len(g["params"])))
            index.update({id(p): i for p, i in zip(g["params"], ids)})
            packed["params"] = ids
            start += len(ids)
            groups.append(packed)
        state = {index[id(p)]: v for p, v in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """As torch: groups are deep-copied, state dicts rebuilt, but state tensors of the
        parameter's dtype are taken as they are (shared with ``state_dict``, as torch's
        ``Tensor.to`` returns the same tensor when nothing changes)."""
        groups = self.param_groups
        saved = copy.deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match "
                             "the size of optimizer's group")
        id_map = {}
        for g, s in zip(groups, saved):
            for old, p in zip(s["params"], g["params"]):
                id_map[old] = p
        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                p = id_map[k]
                state[p] = {sk: _cast_state(p, sk, sv) for sk, sv in v.items()}
            else:
                state[k] = v
        new_groups = []
        for g, s in zip(groups, saved):
            s = dict(s)
            s["params"] = g["params"]
            if "param_names" in g and "param_names" not in s:
                s["param_names"] = g["param_names"]
            new_groups.append(s)
        self.state = state
        self.param_groups = new_groups

    @_with_step_hooks
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p._grad is None:
                        continue
                    if p._grad.is_sparse if hasattr(p._grad, "is_sparse") else False:
                        raise RuntimeError("sparse gradients are not supported")
                    self._update(p, group, self.state[p])
                    p._vc.v += 1
        return loss

    def _update(self, p, group, state):
        raise NotImplementedError


def _cast_state(p, key, value):
    if isinstance(value, Tensor) and key != "step" and value._value.dtype.kind == "f" and \
            value._value.dtype != p._value.dtype:
        return _new(np.asarray(value._value, dtype=p._value.dtype))
    if isinstance(value, dict):
        return {k: _cast_state(p, k, v) for k, v in value.items()}
    return value


def grad_of(p, maximize=False):
    g = np.asarray(p._grad._value)  # a plain ndarray (view): the update is numpy's arithmetic
    return -g if maximize else g


def zeros_state(p):
    return _new(np.zeros_like(np.asarray(p._value)))


def step_tensor(v=0.0):
    return _new(np.asarray(v, np.float32))


def bump_step(state):
    s = state["step"]
    s._value = np.asarray(s._value + np.float32(1), np.float32)
    return float(s._value)


def param_value(p):
    """The writable numpy value of a parameter (copied once if it is not writable), as a plain
    ndarray view of its storage: `v += ...` writes the storage (on a fungrad.Array value it
    would rebind), and the update runs as numpy's arithmetic."""
    v = p._value
    if not (isinstance(v, np.ndarray) and buffer_writeable(v)):
        v = p._value = np.array(v)
    return v if type(v) is np.ndarray else np.asarray(v)

__dir__ = __all__.copy  # dir() lists the public names only
