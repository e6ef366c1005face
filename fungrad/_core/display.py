"""Views of a program for notebooks and terminals: coloured HTML (`jaxpr_html`), Graphviz source of
its dataflow graph (`jaxpr_dot`) and `IRGraph`, which draws that graph as inline SVG where
Graphviz's `dot` program is installed and shows the listing with a one-line hint where it is not.

The HTML is self-contained (one <style> block, no scripts): every token (a binder such as
`a:f64[3]`, a param, an operand) is an unbreakable span and tokens are separated by ordinary
spaces, so the browser wraps long equations between tokens to the output's width and never
inside one; nested programs (cond branches, scan/while bodies, jit, custom rules) are
<details> elements, folded where they are long.

Imports: _core.ir, _core.pprint.
"""
import html
import shutil
import subprocess

import numpy as np

from fungrad._core.errors import FungradError
from fungrad._core.ir import Literal
from fungrad._core.pprint import _Names, inner_jaxpr, param_text, pp_jaxpr, programs_of

FOLD_OVER = 24  # nested programs with more equations than this start folded
DRAW_UP_TO = 400  # graphs with more nodes than this are not drawn inline (dot takes too long)

_CSS = """\
.fgx{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;
line-height:1.45;white-space:normal;overflow-wrap:normal;word-break:normal;text-align:left}
.fgx .fgx-t{white-space:nowrap}
.fgx .fgx-ln{padding-left:4ch;text-indent:-4ch}
.fgx .fgx-ln *{text-indent:0}
.fgx .fgx-body{padding-left:4ch}
.fgx .fgx-ln.fgx-in{padding-left:6ch}
.fgx .fgx-ps{padding-left:4ch}
.fgx details{margin:0}
.fgx summary{cursor:pointer;list-style-position:outside;margin-left:2ch}
.fgx details[open]>summary .fgx-fold{display:none}
.fgx .fgx-kw{color:#1a7f37;font-weight:bold}
.fgx .fgx-p{color:#8250df;font-weight:bold}
.fgx .fgx-ty{color:#0b7285}
.fgx .fgx-l{color:#bc4c00}
.fgx .fgx-k{color:#6e7781}
.fgx .fgx-fold{color:#6e7781;font-style:italic}
.fgx .fgx-hint{color:#6e7781;font-style:italic;margin-top:.4em}
.fgx pre{margin:.3em 0;white-space:pre;overflow-x:auto}
"""

HINT = ("(to draw this graph, install Graphviz's `dot` program, e.g. `apt-get install graphviz` "
        "or `brew install graphviz`; `.to_dot()` gives its source)")


def _e(s):
    return html.escape(str(s), quote=True)


def _span(cls, text, title=None):
    t = f' title="{_e(title)}"' if title else ""
    return f'<span class="{cls}"{t}>{_e(text)}</span>'


def _tok(*parts):
    """One unbreakable token made of already-escaped pieces."""
    return f'<span class="fgx-t">{"".join(parts)}</span>'


def value_preview(v, width=60):
    """`f64[3] [0. 1. 2.]`: the type and a one-line, shortened view of an array-like value."""
    if isinstance(v, (np.ndarray, np.generic)):
        a = np.asarray(v)
        from fungrad._core.dtypes import short_name
        ty = f"{short_name(a.dtype)}[{','.join(map(str, a.shape))}]"
        body = np.array2string(a, threshold=6, edgeitems=2, max_line_width=10**6,
                               precision=4, separator=" ")
        body = " ".join(body.split())
        if len(body) > width:
            body = body[:width - 1] + "…"
        return f"{ty} {body}"
    if isinstance(v, np.dtype):
        return f"dtype {v.name}"
    name = getattr(v, "__qualname__", None) or getattr(getattr(v, "func", None), "__qualname__", None)
    if callable(v) and name:
        mod = getattr(v, "__module__", None) or getattr(getattr(v, "func", None), "__module__", "")
        return f"function {mod + '.' if mod else ''}{name}"
    r = repr(v)
    return r if len(r) <= width else r[:width - 1] + "…"


# ---------------------------------------------------------------- HTML


def _binder_in(names, v, consts=None):
    title = None
    if consts is not None and v in consts:
        title = "constant: " + value_preview(consts[v])
    return _span("fgx-v", names.name(v), title) + ":" + _span("fgx-ty", v.aval.str_short())


def _binder(names, v, consts=None):
    return _tok(_binder_in(names, v, consts))


def _atom_in(names, v):
    cls = "fgx-l" if isinstance(v, Literal) else "fgx-v"
    return _span(cls, names.name(v), v.aval.str_short())


def _atom(names, v):
    return _tok(_atom_in(names, v))


def _program_html(jaxpr, consts=None, label=""):
    """(header html, body html, tail html) of one program."""
    names = _Names()
    cmap = dict(zip(jaxpr.constvars, consts)) if consts is not None else None
    let = "." + _span("fgx-kw", " let")
    consts_in = [_binder_in(names, v, cmap) for v in jaxpr.constvars]
    head = [_tok(_span("fgx-k", label) if label else "", _span("fgx-kw", "{ lambda"),
                 "" if consts_in else " ;")]
    head += [_tok(b, ";" if i == len(consts_in) - 1 else "") for i, b in enumerate(consts_in)]
    ins = [_binder_in(names, v) for v in jaxpr.invars]
    head += [_tok(b, let if i == len(ins) - 1 else "") for i, b in enumerate(ins)] or [_tok(let)]
    body = "".join(_eqn_html(e, names) for e in jaxpr.eqns)
    outs = [_atom_in(names, v) for v in jaxpr.outvars]
    n = len(outs)
    toks = [_tok(_span("fgx-kw", "in") + " (" if i == 0 else "", o,
                 "," if i < n - 1 or n == 1 else "", ") }" if i == n - 1 else "")
            for i, o in enumerate(outs)] or [_tok(_span("fgx-kw", "in"), " () }")]
    return " ".join(head), body, " ".join(toks)


def _eqn_html(eqn, names):
    lhs = [_binder(names, v) for v in eqn.outvars] or [_tok("_")]
    items = sorted(eqn.params.items())
    rhs = [_atom(names, v) for v in eqn.invars]
    prim = _span("fgx-p", eqn.prim.name)
    nested = [(k, programs_of(v)) for k, v in items if programs_of(v) is not None]
    simple = [(k, v) for k, v in items if programs_of(v) is None]
    if not nested:
        toks = [_tok(prim + "[" if i == 0 else "", _span("fgx-k", k + "="), _e(param_text(v)),
                     "]" if i == len(simple) - 1 else "") for i, (k, v) in enumerate(simple)]
        toks = toks or [_tok(prim)]
        return f'<div class="fgx-ln">{" ".join([*lhs, _tok("="), *toks, *rhs])}</div>'
    parts = [f'<div class="fgx-ln">{" ".join([*lhs, _tok("="), _tok(prim, "[")])}</div>',
             '<div class="fgx-ps">']
    if simple:
        parts.append('<div class="fgx-ln">' + " ".join(
            _tok(_span("fgx-k", k + "="), _e(param_text(v))) for k, v in simple) + "</div>")
    for k, progs in nested:
        many = len(progs) > 1 or isinstance(dict(items)[k], (tuple, list))
        for i, p in enumerate(progs):
            label = f"{k}[{i}]=" if many else f"{k}="
            consts = getattr(p, "consts", None)
            parts.append(_details(inner_jaxpr(p), consts, label))
    parts.append("</div>")
    parts.append(f'<div class="fgx-ln">{" ".join([_tok("]"), *rhs])}</div>')
    return "".join(parts)


def _details(jaxpr, consts, label):
    head, body, tail = _program_html(jaxpr, consts, label)
    n = len(jaxpr.eqns)
    fold = _span("fgx-fold", f" … {n} equation{'s' if n != 1 else ''} }}")
    opened = " open" if n <= FOLD_OVER else ""
    return (f'<details{opened}><summary>{head}{fold}</summary>'
            f'<div class="fgx-body">{body}</div><div class="fgx-ln fgx-in">{tail}</div></details>')


def jaxpr_html(jaxpr, consts=None, extra=""):
    """Self-contained HTML for a program (a Jaxpr; `consts` the ClosedJaxpr's values, shown as
    tooltips on the constvars); `extra` is HTML appended inside the same container."""
    head, body, tail = _program_html(jaxpr, consts)
    return (f'<div class="fgx"><style>{_CSS}</style>'
            f'<div class="fgx-ln">{head}</div><div class="fgx-body">{body}</div>'
            f'<div class="fgx-ln fgx-in">{tail}</div>{extra}</div>')


def wrap_html(inner):
    """`inner` (escaped HTML) in the styled container."""
    return f'<div class="fgx"><style>{_CSS}</style>{inner}</div>'


def pretty(obj, p, cycle, text):
    """IPython's `_repr_pretty_`: `text(width)` is the listing wrapped to the printer's width."""
    p.text("..." if cycle else text(getattr(p, "max_width", 79)))


# ---------------------------------------------------------------- Graphviz


def _q(s):
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _binder_text(names, v):
    return f"{names.name(v)}:{v.aval.str_short()}"


class _Dot:
    def __init__(self):
        self.lines = []
        self.n = 0
        self.nodes = 0
        self.edges = 0

    def node(self, label, indent, **attrs):
        name = f"n{self.n}"
        self.n += 1
        self.nodes += 1
        a = " ".join(f"{k}={_q(v)}" for k, v in attrs.items())
        self.lines.append(f"{indent}{name} [label={_q(label)} {a}];")
        return name

    def edge(self, a, b, indent, **attrs):
        self.edges += 1
        a_ = " ".join(f"{k}={_q(v)}" for k, v in attrs.items())
        self.lines.append(f"{indent}{a} -> {b}" + (f" [{a_}]" if a_ else "") + ";")


_IN = {"shape": "box", "style": "rounded,filled", "fillcolor": "#dbeafe", "color": "#1d4ed8"}
_CONST = {"shape": "box", "style": "filled,dashed", "fillcolor": "#f3f4f6", "color": "#6b7280"}
_LIT = {"shape": "plaintext", "fontcolor": "#bc4c00"}
_EQN = {"shape": "box", "style": "filled", "fillcolor": "#f5f0ff", "color": "#8250df"}
_OUT = {"shape": "box", "style": "rounded,filled", "fillcolor": "#dcfce7", "color": "#15803d"}


def _graph(d, jaxpr, consts, indent):
    """Add the nodes and edges of `jaxpr`; returns the node names of its outputs."""
    names = _Names()
    src = {}
    for i, v in enumerate(jaxpr.constvars):
        label = f"{_binder_text(names, v)}\nconstant"
        if consts is not None and i < len(consts):
            label += "\n" + value_preview(consts[i], 24).split(" ", 1)[-1]
        src[v] = d.node(label, indent, **_CONST)
    for i, v in enumerate(jaxpr.invars):
        src[v] = d.node(f"in {i}\n{_binder_text(names, v)}", indent, **_IN)

    def use(v, dst):
        if isinstance(v, Literal):
            d.edge(d.node(names.name(v), indent, **_LIT), dst, indent)
        else:
            d.edge(src[v], dst, indent, label=names.name(v))

    for eqn in jaxpr.eqns:
        outs = " ".join(_binder_text(names, v) for v in eqn.outvars)
        node = d.node(f"{eqn.prim.name}\n{outs}", indent, **_EQN)
        for v in eqn.invars:
            use(v, node)
        for k, val in sorted(eqn.params.items()):
            progs = programs_of(val)
            if progs is None:
                continue
            for i, p in enumerate(progs):
                label = f"{eqn.prim.name}: {k}" + (f"[{i}]" if len(progs) > 1 else "")
                cl = f"cluster_{d.n}"
                d.n += 1
                d.lines.append(f"{indent}subgraph {cl} {{")
                inner = indent + "  "
                d.lines.append(f'{inner}label={_q(label)}; style="dashed"; color="#8250df"; '
                               'fontname="monospace"; fontsize=10;')
                sub_outs = _graph(d, inner_jaxpr(p), getattr(p, "consts", None), inner)
                d.lines.append(f"{indent}}}")
                for o in sub_outs:
                    d.edge(o, node, indent, style="dashed", color="#8250df", arrowhead="odot")
        for v in eqn.outvars:
            src[v] = node
    outs = []
    for i, v in enumerate(jaxpr.outvars):
        o = d.node(f"out {i}\n{v.aval.str_short()}", indent, **_OUT)
        use(v, o)
        outs.append(o)
    return outs


def jaxpr_dot(jaxpr, consts=None, name="program"):
    """Graphviz (dot) source of the dataflow graph of `jaxpr` (what `_dot` draws)."""
    return _dot(jaxpr, consts, name)[0]


def _dot(jaxpr, consts, name):
    """(Graphviz source, node count) of the dataflow graph of `jaxpr`: one node per input,
    constant, literal use, equation (its primitive and output types) and output; one edge per
    use of a variable, labelled with its name; nested programs as dashed clusters feeding
    their equation."""
    d = _Dot()
    d.lines = [f"digraph {_q(name)} {{", "  rankdir=TB;",
               '  node [fontname="monospace" fontsize=10];',
               '  edge [fontname="monospace" fontsize=9 color="#555555"];']
    _graph(d, jaxpr, consts, "  ")
    d.lines.insert(1, f"  // {d.nodes} nodes, {d.edges} edges")
    d.lines.append("}")
    return "\n".join(d.lines) + "\n", d.nodes


class GraphvizNotFoundError(FungradError, NotImplementedError):
    """Graphviz's `dot` program is not installed, so a graph cannot be drawn."""


def dot_program():
    """The path of Graphviz's `dot` program, or None."""
    return shutil.which("dot")


def run_dot(source, fmt="svg", timeout=60):
    """`source` rendered by `dot -T<fmt>`, as bytes."""
    exe = dot_program()
    if exe is None:
        raise GraphvizNotFoundError("Graphviz's `dot` program is not on PATH, so the graph cannot "
                                    "be rendered. Fix: install Graphviz (`apt-get install graphviz`"
                                    ", `brew install graphviz` or `conda install graphviz`).")
    try:
        res = subprocess.run([exe, f"-T{fmt}"], input=source.encode(), capture_output=True,
                             timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise GraphTooLargeError(f"dot took more than {timeout} s to lay the graph out. Fix: "
                                 "draw a smaller program (a part of it), or pass a longer "
                                 "timeout=.") from None
    if res.returncode != 0:
        raise ValueError(f"dot failed: {res.stderr.decode(errors='replace').strip()}")
    return res.stdout


class GraphTooLargeError(FungradError, ValueError):
    """A graph too large to lay out in reasonable time."""


class IRGraph:
    """The dataflow graph of a program. In a notebook it shows as an inline SVG drawing when
    Graphviz's `dot` is installed, else as the program's listing with a one-line hint.

    `.source` is the dot text; `.pipe(format)` renders it to bytes; `.render(path)` writes a
    file (format from the suffix); `.to_graphviz()` gives a `graphviz.Source` (needs the
    `graphviz` Python package)."""

    def __init__(self, source, nodes, jaxpr, consts=None):
        self.source = source
        self.nodes = nodes
        self._program = (jaxpr, consts)
        self._svg = None

    @property
    def _listing(self):
        return pp_jaxpr(self._program[0])

    @property
    def _listing_html(self):
        return jaxpr_html(*self._program)

    def __str__(self):
        return self.source

    def __repr__(self):
        counts = self.source.splitlines()[1].strip(" /")
        return f"<IRGraph ({counts}); .source is its Graphviz text>"

    def pipe(self, format="svg", timeout=60):  # noqa: A002 - graphviz.Source.pipe's name
        return run_dot(self.source, format, timeout)

    def _inline_hint(self):
        """Why the graph is not drawn inline, or None where it is."""
        if dot_program() is None:
            return HINT
        if self.nodes > DRAW_UP_TO:
            return (f"(this graph has {self.nodes} nodes, more than the {DRAW_UP_TO} drawn "
                    "inline; `.render('graph.svg')` draws it, `.source` is its Graphviz text)")
        return None

    def svg(self):
        """The drawing as SVG text (raises GraphvizNotFoundError without `dot`)."""
        if self._svg is None:
            s = self.pipe("svg").decode()
            self._svg = s[s.find("<svg"):] if "<svg" in s else s
        return self._svg

    def render(self, path, format=None):  # noqa: A002
        """Write the drawing to `path` (format from its suffix unless given); returns the path."""
        import pathlib
        path = pathlib.Path(path)
        fmt = format or path.suffix.lstrip(".") or "svg"
        if fmt in ("dot", "gv"):
            path.write_text(self.source)
        else:
            path.write_bytes(self.pipe(fmt))
        return str(path)

    def to_graphviz(self):
        """A `graphviz.Source` of this graph (the `graphviz` package: pip install graphviz)."""
        try:
            import graphviz
        except ImportError:
            raise ImportError("IRGraph.to_graphviz needs the `graphviz` Python package: "
                              "pip install graphviz (or fungrad[notebooks]).") from None
        return graphviz.Source(self.source)

    def _repr_svg_(self):
        if self._inline_hint() is not None:
            return None
        return self.svg()

    def _repr_mimebundle_(self, include=None, exclude=None):
        hint = self._inline_hint()
        if hint is None:
            try:
                return {"image/svg+xml": self.svg(), "text/plain": repr(self)}
            except (ValueError, OSError) as e:  # dot failed or timed out: say so, show the text
                hint = f"(dot could not draw this graph: {e})"
        return {"text/html": self._listing_html + f'<div class="fgx"><div class="fgx-hint">'
                f"{_e(hint)}</div></div>",
                "text/plain": f"{self._listing}\n{hint}"}

    def _repr_pretty_(self, p, cycle):
        hint = self._inline_hint()
        p.text(repr(self) if hint is None else f"{self._listing}\n{hint}")


def graph_of(jaxpr, consts=None, name="program"):
    """An IRGraph for `jaxpr` (with the ClosedJaxpr's `consts`)."""
    source, nodes = _dot(jaxpr, consts, name)
    return IRGraph(source, nodes, jaxpr, consts)
