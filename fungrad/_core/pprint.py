"""Readable IR listings in JAX's format: `{ lambda a:f64[3]; b:f64[]. let c:f64[3] = sin a in (c,) }`.

`pp_jaxpr(jaxpr, width=...)` wraps long equations between tokens (binders, params, operands),
never inside one; nested programs (the params of cond, scan, while, jit, custom rules) are
listed indented inside their equation. fungrad._core.display builds the HTML and Graphviz views
from the same pieces (`programs_of`, `param_text`, `_Names`).

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


def inner_jaxpr(v):
    """The Jaxpr of a program param (a Jaxpr, a ClosedJaxpr or an object with `.jaxpr`)."""
    return v if isinstance(v, Jaxpr) else v.jaxpr


def _is_program(v):
    return isinstance(v, Jaxpr) or isinstance(getattr(v, "jaxpr", None), Jaxpr)


def programs_of(v):
    """The nested programs a param holds, as a list, or None where it holds none."""
    if _is_program(v):
        return [v]
    if isinstance(v, (tuple, list)) and v and all(_is_program(x) for x in v):
        return list(v)
    return None


def param_text(v):
    """A param that is not a program, as the listing writes it."""
    if isinstance(v, np.dtype) or isinstance(v, type):
        try:
            return np.dtype(v).name
        except TypeError:
            return str(v)
    return str(v)


def _param(v, indent):
    progs = programs_of(v)
    if progs is None:
        return param_text(v)
    if _is_program(v):
        return pp_jaxpr(inner_jaxpr(v), indent + 4)
    return "(\n" + ",\n".join(" " * (indent + 4) + pp_jaxpr(inner_jaxpr(x), indent + 4)
                              for x in progs) + ")"


def _binder(names, v):
    return f"{names.name(v)}:{v.aval.str_short()}"


def pp_eqn(eqn, names, indent=0, width=None):
    """One equation; `indent` is the column it starts at. With `width`, an equation without
    nested programs is wrapped between tokens, continuation lines indented 4 more."""
    if not isinstance(names, _Names):
        names = _Names(names)
    lhs = [_binder(names, v) for v in eqn.outvars] or ["_"]
    items = sorted(eqn.params.items())
    nested = any(programs_of(v) is not None for _, v in items)
    params = [f"{k}={_param(v, indent)}" for k, v in items]
    head = eqn.prim.name
    if params:
        params[0] = f"{head}[{params[0]}"
        params[-1] += "]"
    else:
        params = [head]
    rhs = [names.name(v) for v in eqn.invars]
    if width is None or nested:
        text = " ".join([*lhs, "=", "".join([params[0]] + [" " + p for p in params[1:]]), *rhs])
        lines = text.split("\n")
        if width is None or (indent + len(lines[0]) <= width
                             and all(len(ln) <= width for ln in lines[1:])):
            return text
        return _block_eqn(eqn, names, lhs, items, rhs, indent, width)
    return _wrap([*lhs, "=", *params, *rhs], indent, width)


def _block_eqn(eqn, names, lhs, items, rhs, indent, width):
    """An equation with nested programs that does not fit: one param per line, as JAX does."""
    pad, ind = " " * indent, " " * (indent + 4)
    out = [_wrap([*lhs, "=", f"{eqn.prim.name}["], indent, width)]
    simple = [f"{k}={param_text(v)}" for k, v in items if programs_of(v) is None]
    if simple:
        out.append(ind + _wrap(simple, indent + 4, width))
    for k, v in items:
        progs = programs_of(v)
        if progs is None:
            continue
        many = isinstance(v, (tuple, list))
        for i, p in enumerate(progs):
            label = f"{k}[{i}]=" if many else f"{k}="
            out.append(ind + label + pp_jaxpr(inner_jaxpr(p), indent + 4, width=width,
                                              start=indent + 4 + len(label)))
    out.append(pad + _wrap(["]", *rhs], indent, width))
    return "\n".join(out)


def _wrap(tokens, start, width, cont=None):
    """Tokens joined by spaces, broken into lines of at most `width` columns (a token longer
    than a line gets a line of its own: tokens are never split); continuation lines start at
    column `cont` (default: 4 right of `start`)."""
    lines, line, col = [], "", start
    cont = " " * (start + 4 if cont is None else cont)
    for t in tokens:
        if line and col + 1 + len(t) > width:
            lines.append(line)
            line, col = cont + t, len(cont) + len(t)
        else:
            line = f"{line} {t}" if line else t
            col += len(t) + (1 if col > start else 0)
    lines.append(line)
    return "\n".join(lines)


def pp_jaxpr(jaxpr, indent=0, names=None, width=None, start=None):
    """The listing of `jaxpr`; with `width`, long equations and headers wrap between tokens
    (`start`: the column the header starts at, where a label precedes it)."""
    start = indent if start is None else start
    names = _Names() if names is None else names
    pad = " " * indent
    consts = " ".join(_binder(names, v) for v in jaxpr.constvars)
    ins = " ".join(_binder(names, v) for v in jaxpr.invars)
    head = f"{{ lambda {consts}; {ins}. let"
    if width is not None and start + len(head) > width:
        toks = ["{ lambda", *consts.split(), ";", *ins.split()]
        if ins:
            toks[-1] += "."
        else:
            toks.append(".")
        toks.append("let")
        head = _wrap(toks, start, width, cont=indent + 8)
    body = [pad + "    " + pp_eqn(e, names, indent + 4, width) for e in jaxpr.eqns]
    outs = ", ".join(names.name(v) for v in jaxpr.outvars)
    tail = f"{pad}  in ({outs}{',' if len(jaxpr.outvars) == 1 else ''}) }}"
    if width is not None and len(tail) > width:
        toks = [f"{names.name(v)}," for v in jaxpr.outvars]
        toks[0] = "in (" + toks[0]
        toks[-1] = toks[-1].rstrip(",") + (",) }" if len(toks) == 1 else ") }")
        tail = pad + "  " + _wrap(toks, indent + 2, width)
    return "\n".join([head, *body, tail])
