"""Build notebooks/05_inside_the_ir.ipynb and execute it so the saved file shows its outputs.

    python notebooks/make_05_inside_the_ir.py

The graph cells draw SVG where Graphviz's `dot` program is installed; without it they show the
program's listing and a one-line hint, so the notebook runs either way.
"""

from nbformat.v4 import new_code_cell, new_markdown_cell

md, code = new_markdown_cell, new_code_cell

cells = [
    md("# Inside the IR\n\n"
       "Every fungrad transform works on one small program representation: a *jaxpr*, a typed "
       "list of primitive operations in JAX's format. This notebook shows the program of a "
       "function, then what `jvp`, `grad` and `vmap` turn it into, what `jit` optimises it to, "
       "the numpy source `jit` generates from it, and its dataflow graph.\n\n"
       "In a notebook a program displays as coloured HTML: variables with their types "
       "(`f64[4,3]` is a float64 array of shape (4, 3)), primitives in bold, params in grey, "
       "literals in orange. Long equations wrap between tokens to the width of the page, and "
       "nested programs (loop bodies, branches) fold: click the triangle. `print` gives the "
       "plain text."),
    code("import numpy as np\n"
         "import fungrad as fg\n"
         "import fungrad.lax as lax\n"
         "import fungrad.numpy as fnp\n\n"
         "rng = np.random.default_rng(0)\n"
         "w = rng.normal(size=3)\n"
         "x = rng.normal(size=(4, 3))\n"
         "y = np.array([1.0, -1.0, 1.0, 1.0])"),
    md("## The program of a function\n\n"
       "A least-squares loss of a one-layer tanh model. `make_jaxpr(loss)(w, x, y)` traces "
       "`loss` on abstract values of the arguments' shapes and dtypes and returns the program:"),
    code("def loss(w, x, y):\n"
         "    pred = fnp.tanh(x @ w)\n"
         "    return fnp.mean((pred - y) ** 2)\n\n"
         "program = fg.make_jaxpr(loss)(w, x, y)\n"
         "program"),
    md("Read it top to bottom: `{ lambda ; a:f64[3] b:f64[4,3] c:f64[4]. let` names the "
       "inputs with their types, each line binds new variables to one primitive applied to "
       "earlier ones (`x @ w` became a `dot_general`), and `in (…)` lists the outputs. "
       "`print` gives the same listing as text, and `pretty_print(width=…)` wraps it for a "
       "narrow terminal, between tokens (IPython's terminal does this at its own width):"),
    code("print(program.pretty_print(width=52))"),
    md("## Forward mode: the program of `jvp`\n\n"
       "`jvp` computes the loss and its directional derivative along a tangent `t` in one "
       "pass. Its program holds the primal computation and, interleaved with it, the tangent "
       "computation (the `mul` by `1 - tanh²`, the derivative of `tanh`):"),
    code("def loss_and_slope(w, t):\n"
         "    return fg.jvp(lambda w: loss(w, x, y), (w,), (t,))\n\n"
         "fg.make_jaxpr(loss_and_slope)(w, np.ones(3))"),
    md("## Reverse mode: the program of `grad`\n\n"
       "`grad` linearizes and transposes: the first equations recompute the forward pass and "
       "keep what the derivative needs, the rest run the tangent program backwards "
       "(`dot_general` with the transposed contraction, `broadcast_in_dim` for the "
       "transposed `reduce_sum`)."),
    code("grad_program = fg.make_jaxpr(fg.grad(loss))(w, x, y)\n"
         "grad_program"),
    md("## Batching: the program of `vmap`\n\n"
       "`vmap` adds a batch axis to every operation. The loss of one example, mapped over the "
       "rows of `x` and `y`: the program takes the whole batch, and each primitive works on "
       "it at once (the vector-vector product became a matrix-vector one; no loop):"),
    code("def example_loss(xi, yi):\n"
         "    return (fnp.tanh(xi @ w) - yi) ** 2\n\n"
         "fg.make_jaxpr(fg.vmap(example_loss))(x, y)"),
    md("`w` is not an argument of that function, so it is a *constant* of the program: it "
       "appears before the `;` in the header. In the HTML, hover over it to see its value."),
    md("## Nested programs: control flow\n\n"
       "`lax.scan`, `lax.cond`, `lax.while_loop`, `jit` and custom derivative rules carry "
       "programs as params. Here a damped oscillator is integrated with 50 Euler steps in a "
       "`scan`, and each step clips the velocity with a `cond`. The scan body and the two "
       "branches are nested, foldable listings:"),
    code("def trajectory(state, dt=0.1):\n"
         "    def step(s, _):\n"
         "        pos, vel = s[0], s[1]\n"
         "        vel = vel - dt * (pos + 0.1 * vel)\n"
         "        vel = lax.cond(fnp.abs(vel) > 1.0, lambda v: fnp.sign(v), lambda v: v, vel)\n"
         "        new = fnp.stack([pos + dt * vel, vel])\n"
         "        return new, new[0]\n"
         "    return lax.scan(step, state, None, length=50)[1]\n\n"
         "fg.make_jaxpr(trajectory)(np.array([1.0, 0.0]))"),
    md("## What `jit` runs: the optimized program and its source\n\n"
       "`jit` traces once per input signature, optimises the program (dead code, common "
       "subexpressions, constant folding, broadcasts numpy does implicitly) and generates "
       "straight-line numpy source from it. The jitted function says what it wraps and how "
       "many signatures it has compiled:"),
    code("fast_grad = fg.jit(fg.grad(loss))\n"
         "print(fast_grad)\n"
         "g = fast_grad(w, x, y)\n"
         "print(fast_grad)\n"
         "print(np.allclose(g, fg.grad(loss)(w, x, y)))"),
    md("`.lower(*args)` shows what runs for those arguments: the optimized program, then the "
       "generated source. The source's globals (`_c_…` constants, `_p_…` params, helpers) "
       "are listed at its top with their types and values:"),
    code("lowered = fast_grad.lower(w, x, y)\n"
         "lowered"),
    code("print(f'grad program: {len(grad_program.eqns)} equations as traced, '\n"
         "      f'{len(lowered.jaxpr.eqns)} after optimization')"),
    md("The source is ordinary Python: jit `exec`s it once and registers it with `linecache`, "
       "so tracebacks and `pdb` step through these lines. A closure over an array becomes a "
       "constant of the generated code:"),
    code("scale = np.array([1.0, 10.0, 100.0])\n"
         "print(fg.jit(lambda v: fnp.sum(fnp.sin(v) * scale)).lower(w))"),
    md("## The dataflow graph\n\n"
       "`.graph()` draws the program: inputs in blue, one box per equation (its primitive and "
       "the variables it binds, with their types), outputs in green, constants dashed, "
       "literals in orange, and edges labelled with the variable they carry. It needs "
       "Graphviz's `dot` program (`apt-get install graphviz`, `brew install graphviz` or "
       "`conda install graphviz`); without it the cell shows the listing and a hint. "
       "`.to_dot()` gives the Graphviz source either way."),
    code("program.graph()"),
    md("Nested programs are drawn as dashed clusters feeding the equation that carries them "
       "(the scan body, and inside the loop the two branches of the `cond`):"),
    code("fg.make_jaxpr(trajectory)(np.array([1.0, 0.0])).graph()"),
    code("print(program.to_dot()[:400], '...')"),
    md("`graph.render('loss.svg')` (or `.png`, `.pdf`) writes the drawing to a file, and "
       "`graph.to_graphviz()` hands it to the `graphviz` Python package."),
]

if __name__ == "__main__":
    from _build import build
    build(cells, __file__)
