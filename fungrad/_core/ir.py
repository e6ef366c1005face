"""The IR: typed variables, literals, equations and programs (jaxprs). Data only; no logic.

Imports: _core.aval (types only).
"""


class Var:
    """A typed variable, identified by object identity. Names are given only when printing."""

    __slots__ = ("aval",)

    def __init__(self, aval):
        self.aval = aval

    def __repr__(self):
        return f"Var({self.aval.str_short()})"


class Literal:
    """A scalar constant written inline in an equation."""

    __slots__ = ("val", "aval")

    def __init__(self, val, aval):
        self.val = val
        self.aval = aval

    def __repr__(self):
        return f"Literal({self.val!r})"


class Eqn:
    """`outvars = prim[params](invars)`."""

    __slots__ = ("prim", "invars", "outvars", "params")

    def __init__(self, prim, invars, outvars, params):
        self.prim = prim
        self.invars = invars
        self.outvars = outvars
        self.params = params

    @property
    def primitive(self):
        return self.prim

    def __repr__(self):
        from fungrad._core.pprint import pp_eqn  # same layer; printing is optional at runtime
        return pp_eqn(self, {})


class Jaxpr:
    """A program: constvars and invars, a list of equations, outvars (Vars or Literals)."""

    __slots__ = ("constvars", "invars", "eqns", "outvars")

    def __init__(self, constvars, invars, eqns, outvars):
        self.constvars = list(constvars)
        self.invars = list(invars)
        self.eqns = list(eqns)
        self.outvars = list(outvars)

    @property
    def in_avals(self):
        return [v.aval for v in self.invars]

    @property
    def out_avals(self):
        return [v.aval for v in self.outvars]

    def __str__(self):
        from fungrad._core.pprint import pp_jaxpr
        return pp_jaxpr(self)

    __repr__ = __str__

    # Views (fungrad._core.display, same layer; imported when used). ClosedJaxpr shares them.
    _consts = None

    def pretty_print(self, width=None):
        """The listing; with `width`, long lines wrap between tokens (never inside one)."""
        from fungrad._core.pprint import pp_jaxpr
        return pp_jaxpr(self._program, width=width)

    def _repr_pretty_(self, p, cycle):
        from fungrad._core.display import pretty
        pretty(self, p, cycle, lambda width: self.pretty_print(width))

    def _repr_html_(self):
        from fungrad._core.display import jaxpr_html
        return jaxpr_html(self._program, self._consts)

    def to_dot(self, name="program"):
        """Graphviz (dot) source of the program's dataflow graph."""
        from fungrad._core.display import jaxpr_dot
        return jaxpr_dot(self._program, self._consts, name)

    def graph(self, name="program"):
        """The dataflow graph, drawn inline in a notebook (an SVG where Graphviz's `dot` is
        installed; else the listing and a hint). `.source` is its dot text."""
        from fungrad._core.display import graph_of
        return graph_of(self._program, self._consts, name)

    _program = property(lambda self: self)


class ClosedJaxpr:
    """A Jaxpr together with the values of its constvars."""

    __slots__ = ("jaxpr", "consts", "__weakref__")

    def __init__(self, jaxpr, consts):
        self.jaxpr = jaxpr
        self.consts = list(consts)

    eqns = property(lambda self: self.jaxpr.eqns)
    invars = property(lambda self: self.jaxpr.invars)
    outvars = property(lambda self: self.jaxpr.outvars)
    constvars = property(lambda self: self.jaxpr.constvars)
    in_avals = property(lambda self: self.jaxpr.in_avals)
    out_avals = property(lambda self: self.jaxpr.out_avals)

    def __str__(self):
        return str(self.jaxpr)

    __repr__ = __str__

    _program = property(lambda self: self.jaxpr)
    _consts = property(lambda self: self.consts)
    pretty_print = Jaxpr.pretty_print
    _repr_pretty_ = Jaxpr._repr_pretty_
    _repr_html_ = Jaxpr._repr_html_
    to_dot = Jaxpr.to_dot
    graph = Jaxpr.graph
