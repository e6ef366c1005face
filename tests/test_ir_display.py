"""The IR as users see it: the text listing (commas, width-aware wrapping, IPython's pretty
printer), the HTML view (colouring, foldable nested programs, unbreakable tokens, no scripts),
the Graphviz source and SVG drawing (and the hint where Graphviz is missing), and the reprs of
Jitted and Lowered."""
import html.parser
import re
import subprocess
import sys

import numpy as np
import pytest

import fungrad as fg
import fungrad.lax as lax
import fungrad.numpy as fnp
from fungrad._core import display


def scan_cond(x):
    c, ys = lax.scan(lambda c, xi: (c + fnp.sin(xi), c * xi), 0.0, x)
    return lax.cond(c > 0, lambda y: y * 2.0, lambda y: y - 1.0, c), ys


def simple(x):
    return fnp.sin(x) * 2.0 + x


X = np.arange(3.0)

SCAN_COND_LISTING = """\
{ lambda ; a:f64[3]. let
    b:f64[] c:f64[3] = scan[jaxpr={ lambda ; a:f64[] b:f64[]. let
            c:f64[] = sin b
            d:f64[] = add a c
            e:f64[] = mul a b
          in (d, e) } length=3 num_carry=1 num_consts=0 reverse=False] 0.0 a
    d:bool[] = gt b 0.0
    e:i32[] = convert_element_type[new_dtype=int32] d
    f:f64[] = cond[branches=(
        { lambda ; a:f64[]. let
            b:f64[] = sub a 1.0
          in (b,) },
        { lambda ; a:f64[]. let
            b:f64[] = mul a 2.0
          in (b,) })] e b
  in (f, c) }"""


# ---------------------------------------------------------------- text


def test_outputs_are_comma_separated_at_every_level():
    assert str(fg.make_jaxpr(scan_cond)(X)) == SCAN_COND_LISTING
    one = str(fg.make_jaxpr(fnp.sin)(X))
    assert one.endswith("in (b,) }")


def _check_wrapped(text, width):
    for line in text.splitlines():
        # a line may be longer than the width only where it holds one unbreakable token: a
        # binder, an operand, or a primitive's params such as `reshape[new_sizes=(3, 2)]`
        assert len(line) <= width or len(line.split()) == 1 or re.fullmatch(
            r" *\w+\[\w+=[^=\]]*\]", line), (width, line)


@pytest.mark.parametrize("width", [20, 32, 48, 80])
def test_wrapped_listing_never_splits_a_token(width):
    args = [np.ones((2, 3))] * 9
    j = fg.make_jaxpr(lambda *a: sum(fnp.reshape(b, (3, 2)).T for b in a))(*args)
    text = j.pretty_print(width=width)
    assert text.split() == str(j).split()  # same tokens, in the same order: only the breaks move
    _check_wrapped(text, width)
    assert "f64[2,3]" in text and "f64[3,2]" in text


def test_wrapped_nested_program_puts_one_param_per_line():
    j = fg.make_jaxpr(scan_cond)(X)
    text = j.pretty_print(width=48)
    _check_wrapped(text, 48)
    lines = text.splitlines()
    i = lines.index("    b:f64[] c:f64[3] = scan[")  # the scan does not fit: one param a line
    assert lines[i + 1:i + 4] == ["        length=3 num_carry=1 num_consts=0",
                                  "            reverse=False",
                                  "        jaxpr={ lambda ; a:f64[] b:f64[]. let"]
    assert lines[i + 7:i + 9] == ["          in (d, e) }", "    ] 0.0 a"]
    assert "    f:f64[] = cond[branches=(" in lines  # the cond fits: as print() shows it
    narrow = j.pretty_print(width=30)
    _check_wrapped(narrow, 30)
    assert "        branches[1]={ lambda ;" in narrow.splitlines()
    assert j.pretty_print(width=200) == str(j)


def test_ipython_pretty_uses_the_printers_width():
    pretty = pytest.importorskip("IPython.lib.pretty", reason="IPython is not installed")
    j = fg.make_jaxpr(scan_cond)(X)
    assert pretty.pretty(j, max_width=44) == j.pretty_print(width=44)
    assert pretty.pretty(j.jaxpr, max_width=44) == j.pretty_print(width=44)


# ---------------------------------------------------------------- HTML


class _Parse(html.parser.HTMLParser):
    """Collects spans by class, <details> nesting depths, and text outside token spans."""

    def __init__(self):
        super().__init__()
        self.stack = []
        self.spans = []  # (class, text)
        self.details = []  # depth of each <details>
        self.loose = []  # non-space text that is not inside a token span
        self.tags = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        if tag == "details":
            self.details.append(sum(1 for t, _ in self.stack if t == "details") + 1)
        self.stack.append((tag, a))
        if tag == "span":
            self.spans.append([a.get("class"), "", a])

    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        classes = {a.get("class") for t, a in self.stack}
        if self.stack and self.stack[-1][0] == "span":
            for s in reversed(self.spans):
                if s[0] == self.stack[-1][1].get("class"):
                    s[1] += data
                    break
        if data.strip() and "fgx-t" not in classes and not {"style", "pre"} & {
                t for t, _ in self.stack} and "fgx-fold" not in classes:
            self.loose.append(data)

    def texts(self, cls):
        return [t for c, t, _ in self.spans if c == cls]


def _parse(s):
    p = _Parse()
    p.feed(s)
    p.close()
    return p


def test_html_colours_tokens_and_shows_types():
    p = _parse(fg.make_jaxpr(scan_cond)(X)._repr_html_())
    assert {"sin", "add", "mul", "scan", "cond", "gt", "convert_element_type"} <= set(
        p.texts("fgx-p"))
    assert "f64[3]" in p.texts("fgx-ty") and "bool[]" in p.texts("fgx-ty")
    assert {"{ lambda", " let", "in"} <= set(p.texts("fgx-kw"))
    assert "0.0" in p.texts("fgx-l")
    assert {"length=", "num_carry=", "new_dtype="} <= set(p.texts("fgx-k"))
    assert p.loose == []  # every visible character belongs to an unbreakable token
    assert not {"script", "link", "img", "iframe"} & p.tags
    s = fg.make_jaxpr(scan_cond)(X)._repr_html_()
    assert "http" not in s and ".fgx .fgx-t{white-space:nowrap}" in s


def test_html_nested_programs_are_details_nested_as_the_program():
    def inner_scan_in_cond(x):
        def branch(y):
            return lax.scan(lambda c, xi: (c * xi, c), y[0], y)[0]
        return lax.cond(x[0] > 0, branch, lambda y: y[1], x)

    p = _parse(fg.make_jaxpr(inner_scan_in_cond)(X)._repr_html_())
    assert sorted(p.details) == [1, 1, 2]  # two branches, a scan body inside one of them
    labels = [t for t in p.texts("fgx-k") if t.endswith("=")]
    assert "branches[0]=" in labels and "branches[1]=" in labels and "jaxpr=" in labels


def test_long_nested_programs_start_folded():
    def long_body(c, xi):
        for _ in range(display.FOLD_OVER):
            c = fnp.sin(c) + xi
        return c, c

    s = fg.make_jaxpr(lambda x: lax.scan(long_body, 0.0, x))(X)._repr_html_()
    assert "<details>" in s and "<details open>" not in s
    assert f"… {2 * display.FOLD_OVER} equations }}" in s
    assert "<details open>" in fg.make_jaxpr(scan_cond)(X)._repr_html_()


def test_html_shows_constant_values_as_tooltips():
    j = fg.make_jaxpr(lambda x: x * np.arange(3.0))(X)
    p = _parse(j._repr_html_())
    titles = [a.get("title") for _, _, a in p.spans if a.get("title")]
    assert "constant: f64[3] [0. 1. 2.]" in titles


def test_value_preview_is_short():
    assert display.value_preview(np.arange(3.0)) == "f64[3] [0. 1. 2.]"
    long = display.value_preview(np.arange(1000.0).reshape(10, 100))
    assert long.startswith("f64[10,100] [[ 0. 1. ...") and len(long) < 80
    assert display.value_preview(np.dtype("int32")) == "dtype int32"


# ---------------------------------------------------------------- Graphviz


def _nodes_edges(dot):
    nodes = re.findall(r"^\s*n\d+ \[label=", dot, re.M)
    edges = re.findall(r"^\s*n\d+ -> n\d+", dot, re.M)
    return len(nodes), len(edges)


def test_dot_source_of_a_known_function():
    dot = fg.make_jaxpr(simple)(X).to_dot()
    # nodes: input a, sin, mul, the literal 2.0, add, output; edges: a->sin, sin->mul,
    # 2.0->mul, mul->add, a->add, add->out
    assert _nodes_edges(dot) == (6, 6)
    assert "// 6 nodes, 6 edges" in dot
    assert 'label="sin\\nb:f64[3]"' in dot and 'label="in 0\\na:f64[3]"' in dot
    assert re.search(r'n\d+ \[label="2.0" shape="plaintext"', dot)  # literals: plain text
    assert dot.count('[label="a"]') == 2  # edges are labelled by the variable they carry


def test_dot_constants_and_nested_programs():
    dot = fg.make_jaxpr(lambda x: scan_cond(x * np.arange(3.0)))(X).to_dot()
    assert re.search(r'label="a:f64\[3\]\\nconstant\\n\[0. 1. 2.\]" shape="box" '
                     r'style="filled,dashed"', dot)
    assert dot.count("subgraph cluster_") == 3  # the scan body and both branches
    assert 'label="scan: jaxpr"' in dot and 'label="cond: branches[1]"' in dot
    assert dot.count('arrowhead="odot"') == 4  # 2 scan-body outputs + 1 per branch


def test_dot_source_is_valid_graphviz():
    if display.dot_program() is None:
        pytest.skip("Graphviz's `dot` is not installed: the source is not rendered")
    res = subprocess.run(["dot", "-Tplain"], input=fg.make_jaxpr(scan_cond)(X).to_dot().encode(),
                         capture_output=True, check=False)
    assert res.returncode == 0, res.stderr
    assert res.stdout.decode().count("\nnode ") == _nodes_edges(
        fg.make_jaxpr(scan_cond)(X).to_dot())[0]


def test_graph_is_an_inline_svg_where_dot_is_installed():
    if display.dot_program() is None:
        pytest.skip("Graphviz's `dot` is not installed: no SVG to check (the hint path is "
                    "tested below)")
    g = fg.make_jaxpr(scan_cond)(X).graph()
    bundle = g._repr_mimebundle_()
    svg = bundle["image/svg+xml"]
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert ">scan</text>" in svg and ">cond</text>" in svg and "f64[3]" in svg
    assert g._repr_svg_() == svg
    assert "text/html" not in bundle  # the drawing, not the listing


def test_without_graphviz_the_graph_shows_the_listing_and_a_hint(monkeypatch):
    monkeypatch.setattr(display.shutil, "which", lambda name: None)
    j = fg.make_jaxpr(scan_cond)(X)
    g = j.graph()
    assert g._repr_svg_() is None
    bundle = g._repr_mimebundle_()
    assert "image/svg+xml" not in bundle
    assert bundle["text/plain"] == f"{SCAN_COND_LISTING}\n{display.HINT}"
    assert "apt-get install graphviz" in bundle["text/html"]
    assert _parse(bundle["text/html"]).texts("fgx-p").count("scan") == 1
    with pytest.raises(NotImplementedError, match="install Graphviz"):
        g.svg()
    assert g.source == j.to_dot()  # the source needs no Graphviz


def test_graph_render_and_to_graphviz(tmp_path, monkeypatch):
    g = fg.make_jaxpr(simple)(X).graph()
    assert pathlib_read(g.render(tmp_path / "g.dot")) == g.source
    if display.dot_program() is not None:
        assert pathlib_read(g.render(tmp_path / "g.svg")).lstrip().startswith("<?xml")
    graphviz = pytest.importorskip("graphviz", reason="the graphviz Python package is missing")
    assert isinstance(g.to_graphviz(), graphviz.Source)
    assert g.to_graphviz().source == g.source
    monkeypatch.setitem(sys.modules, "graphviz", None)
    with pytest.raises(ImportError, match="pip install graphviz"):
        g.to_graphviz()


def pathlib_read(path):
    with open(path) as f:
        return f.read()


# ---------------------------------------------------------------- Jitted and Lowered


def test_jitted_repr_names_the_function_statics_and_cache():
    def power(x, n):
        return x ** n

    f = fg.jit(power, static_argnums=1)
    assert repr(f) == ("<Jitted power(x, n), static_argnums=(1,), static_argnames=('n',): "
                       "0 cached programs, traced 0 times>")
    f(1.0, 2)
    f(np.ones(3), 2)
    f(np.ones(3), 2)
    assert f._cache_size() == 2
    assert repr(f).endswith(": 2 cached programs, traced 2 times>")
    assert repr(fg.jit(simple)).startswith("<Jitted simple(x): ")


def test_lowered_names_every_global_of_its_source():
    w = np.arange(3.0)

    def f(x):
        c, ys = lax.scan(lambda c, xi: (c + fnp.sin(xi), c * xi), 0.0, x)
        return {"a": lax.cond(c > 0, lambda y: y * 2.0, lambda y: y - 1.0, c), "b": ys * w}

    lo = fg.jit(f).lower(X)
    consts = lo.constants
    used = set(re.findall(r"\b_[a-z_]+_\d+\b", lo.source))
    assert used and used == set(consts)  # every global the source uses is named
    const = [k for k in consts if k.startswith("_c_")]
    assert len(const) == 1
    np.testing.assert_array_equal(consts[const[0]], w)
    text = repr(lo)
    assert f"#   {const[0]}" in text and "f64[3] [0. 1. 2.]" in text
    assert "dtype int32" in text and "function fungrad._core.trace.as_result" in text
    assert text.index("# globals of the generated code") < text.index("def f(a):")
    # the source shown is the source that runs
    out = fg.jit(f)(X)
    np.testing.assert_allclose(out["b"], f(X)["b"])


def test_lowered_views():
    lo = fg.jit(simple).lower(X)
    assert lo.constants == {}  # nothing but np: the source is shown as it is
    assert repr(lo).endswith(lo.source + ")")
    p = _parse(lo._repr_html_())
    assert "sin" in p.texts("fgx-p") and "generated source" in lo._repr_html_()
    assert "def simple(a):" in lo._repr_html_()
    assert lo.to_dot() == lo.jaxpr.to_dot()
    pretty = pytest.importorskip("IPython.lib.pretty", reason="IPython is not installed")
    assert pretty.pretty(lo, max_width=40).startswith("Lowered(\n{ lambda ; a:f64[3]. let")


def test_a_graph_too_large_to_draw_inline_shows_the_listing_and_says_why(monkeypatch):
    def chain(x):
        for _ in range(4):
            x = fnp.sin(x) * 2.0
        return x

    monkeypatch.setattr(display, "DRAW_UP_TO", 5)
    monkeypatch.setattr(display.shutil, "which", lambda name: "/usr/bin/dot")  # as if installed
    g = fg.make_jaxpr(chain)(X).graph()
    assert g.nodes == 1 + 8 + 4 + 1  # input, 8 equations, 4 literal uses, output
    bundle = g._repr_mimebundle_()
    assert "image/svg+xml" not in bundle and g._repr_svg_() is None
    assert bundle["text/plain"].endswith(
        "(this graph has 14 nodes, more than the 5 drawn inline; `.render('graph.svg')` draws "
        "it, `.source` is its Graphviz text)")
    assert bundle["text/plain"].startswith(str(fg.make_jaxpr(chain)(X)))


def test_dot_timing_out_is_a_clear_error(monkeypatch):
    if display.dot_program() is None:
        pytest.skip("Graphviz's `dot` is not installed: nothing to time out")

    def slow(*args, **kwargs):
        raise subprocess.TimeoutExpired("dot", kwargs["timeout"])

    monkeypatch.setattr(display.subprocess, "run", slow)
    g = fg.make_jaxpr(simple)(X).graph()
    with pytest.raises(ValueError, match="dot took more than 60 s"):
        g.svg()
    bundle = g._repr_mimebundle_()  # the notebook view says so and shows the listing
    assert "dot could not draw this graph: dot took more than 60 s" in bundle["text/plain"]
