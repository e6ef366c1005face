"""functional_call (dotted names, parameters and buffers swapped in place for one call) and
stack_module_state (torch.func's model-ensembling helper)."""
from fungrad.torch import _ops_shape as S
from fungrad.torch._tensor import Tensor

__all__ = ["functional_call", "stack_module_state"]


def _owner(module, dotted):
    path, _, name = dotted.rpartition(".")
    mod = module.get_submodule(path) if path else module
    return mod, name


def _swap(module, name, value):
    """Puts ``value`` at ``name`` of ``module`` (a parameter, buffer or attribute); returns an
    undo closure."""
    d = module.__dict__
    for store in ("_parameters", "_buffers"):
        s = d.get(store)
        if s is not None and name in s:
            old = s[name]
            s[name] = value

            def undo(s=s, old=old):
                s[name] = old
            return undo
    had = name in d
    old = d.get(name)
    object.__setattr__(module, name, value)

    def undo():
        if had:
            object.__setattr__(module, name, old)
        else:
            object.__delattr__(module, name)
    return undo


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                    tie_weights=True, strict=False):
    """``module(*args, **kwargs)`` with the named parameters/buffers (dotted names such as
    ``'0.weight'``) replaced by the given tensors for this call only."""
    dicts = parameter_and_buffer_dicts
    if isinstance(dicts, (tuple, list)):
        merged = {}
        for d in dicts:
            dup = set(merged) & set(d)
            if dup:
                raise ValueError(f"{sorted(dup)} appeared in multiple dictionaries; behavior of "
                                 "functional call is ambiguous")
            merged.update(d)
        dicts = merged
    if strict:
        expected = {n for n, _ in module.named_parameters()} | \
            {n for n, _ in module.named_buffers()}
        missing = sorted(expected - set(dicts))
        unexpected = sorted(set(dicts) - expected)
        if missing or unexpected:
            msgs = []
            if unexpected:
                msgs.append("Unexpected key(s): " + ", ".join(repr(k) for k in unexpected) + ".")
            if missing:
                msgs.append("Missing key(s): " + ", ".join(repr(k) for k in missing) + ".")
            raise RuntimeError("Error(s) in reparametrizing for {}:\n\t{}".format(
                type(module).__name__, "\n\t".join(msgs)))
    undos = []
    try:
        for k, v in dicts.items():
            mod, name = _owner(module, k)
            undos.append(_swap(mod, name, v))
        if args is None:
            args = ()
        elif not isinstance(args, tuple):
            args = (args,)
        return module(*args, **(kwargs or {}))
    finally:
        for u in reversed(undos):
            u()


def stack_module_state(models):
    """(params, buffers): each name mapped to the models' tensors stacked along a new dim 0;
    stacked parameters are fresh leaves that require grad where the originals did."""
    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or all(not m.training for m in models)):
        raise RuntimeError("stack_module_state: Expected all models to have the same training/"
                           "eval mode.")
    t0 = type(models[0])
    if not all(type(m) is t0 for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")

    def stack(named_lists):
        out = {}
        for k in named_lists[0]:
            ts = [nl[k] for nl in named_lists]
            st = S.stack([t.detach() for t in ts])
            if isinstance(ts[0], Tensor) and ts[0].requires_grad:
                st = st.detach().requires_grad_(True)
            out[k] = st
        return out
    params = stack([dict(m.named_parameters()) for m in models])
    buffers = stack([dict(m.named_buffers()) for m in models])
    return params, buffers

__dir__ = __all__.copy  # dir() lists the public names only
