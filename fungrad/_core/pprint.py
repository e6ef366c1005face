"""Readable IR listings in JAX's format: `{ lambda a:f64[3]; b:f64[]. let c:f64[3] = sin a in (c,) }`.

Imports: _core.ir.
"""
import numpy as np

from fungrad._core.ir import Jaxpr, Literal


def _var_name(n: int) -> str:
    s = ""
    while True:
        s = chr(ord("a") + n % 26) + s
        n = n // 26 - 1
        if n < 0:
            return s


class _Names(dict):
    def name(self, v):
        if isinstance(v, Literal):
            return _literal(v.val)
        if v not in self:
            self[v] = _var_name(len(self))
        return self[v]


def _literal(val):
    val = val.item() if isinstance(val, (np.ndarray, np.generic)) else val
    return repr(val)


def _param(v, indent):
    if isinstance(v, Jaxpr):
        return pp_jaxpr(v, indent + 4)
    if hasattr(v, "jaxpr") and isinstance(v.jaxpr, Jaxpr):
        return pp_jaxpr(v.jaxpr, indent + 4)
    if isinstance(v, np.dtype) or isinstance(v, type):
        return np.dtype(v).name
    if isinstance(v, (tuple, list)) and v and all(isinstance(x, (Jaxpr,)) or hasattr(x, "jaxpr") for x in v):
        return "(\n" + ",\n".join(" " * (indent + 4) + _param(x, indent).lstrip() for x in v) + ")"
    return str(v)


def pp_eqn(eqn, names, indent=0):
    if not isinstance(names, _Names):
        names = _Names(names)
    lhs = " ".join(f"{names.name(v)}:{v.aval.str_short()}" for v in eqn.outvars) or "_"
    params = ""
    if eqn.params:
        params = "[" + " ".join(f"{k}={_param(v, indent)}" for k, v in sorted(eqn.params.items())) + "]"
    rhs = " ".join(names.name(v) for v in eqn.invars)
    return f"{lhs} = {eqn.prim.name}{params} {rhs}".rstrip()


def pp_jaxpr(jaxpr, indent=0, names=None):
    names = _Names() if names is None else names
    pad = " " * indent
    consts = " ".join(f"{names.name(v)}:{v.aval.str_short()}" for v in jaxpr.constvars)
    ins = " ".join(f"{names.name(v)}:{v.aval.str_short()}" for v in jaxpr.invars)
    head = f"{{ lambda {consts}; {ins}. let"
    body = [pad + "    " + pp_eqn(e, names, indent + 4) for e in jaxpr.eqns]
    outs = " ".join(names.name(v) for v in jaxpr.outvars)
    tail = f"{pad}  in ({outs}{',' if len(jaxpr.outvars) == 1 else ''}) }}"
    return "\n".join([head, *body, tail])
