"""Scenarios: autograd.Function and ctx, hooks, graph nodes, saved-tensor hooks."""

from scenario_kit import E, R, scenario, t


def _exp_class(torch):
    class Exp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, i):
            result = i.exp()
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad_output):
            (result,) = ctx.saved_tensors
            return grad_output * result

    return Exp


@scenario
def f01_exp_function(torch):
    Exp = _exp_class(torch)
    inp = t(torch, 2.0, requires_grad=True)
    out = Exp.apply(inp)
    before = R(inp.grad)
    out.backward()
    x = t(torch, [0.0, 1.0], requires_grad=True)
    y = Exp.apply(x)
    y.sum().backward()
    return {"seed": [R(out), before, R(inp.grad)], "vec": [R(y), R(x.grad)],
            "name": y.grad_fn.name(), "is_node": isinstance(y.grad_fn, torch.autograd.graph.Node)}


@scenario
def f02_non_tensor_args(torch):
    seen = {}

    class Scale(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, k, y):
            ctx.k = k
            seen["fwd_grad_enabled"] = torch.is_grad_enabled()
            seen["saved_in_fwd"] = R(ctx.saved_tensors)
            return x * k + y

        @staticmethod
        def backward(ctx, g):
            seen["needs"] = list(ctx.needs_input_grad)
            return g * ctx.k, None, None

    x = t(torch, [1.0, 2.0], requires_grad=True)
    out = Scale.apply(x, 3.0, t(torch, [1.0, 1.0]))
    out.sum().backward()
    seen.update(out=R(out), grad=R(x.grad), k=out.grad_fn.k)
    plain = Scale.apply(t(torch, [1.0]), 2.0, t(torch, [0.0]))
    seen["no_grad_input"] = [R(plain), plain.grad_fn is None]
    return seen


@scenario
def f03_backward_arity(torch):
    class Bad(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a * b

        @staticmethod
        def backward(ctx, g):
            return g

    class Extra(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2, None, None

    a = t(torch, [1.0], requires_grad=True)
    b = t(torch, [2.0], requires_grad=True)
    err = E(lambda: Bad.apply(a, b).sum().backward())
    Extra.apply(a).sum().backward()
    return [err, R(a.grad)]


@scenario
def f04_none_gradient(torch):
    class Half(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b

        @staticmethod
        def backward(ctx, g):
            return None, g

    a = t(torch, [1.0], requires_grad=True)
    b = t(torch, [2.0], requires_grad=True)
    Half.apply(a, b).sum().backward()
    return [R(a.grad), R(b.grad)]


@scenario
def f05_mark_non_differentiable(torch):
    class Sort(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            v, i = x.sort()
            ctx.mark_non_differentiable(i)
            ctx.save_for_backward(i)
            return v, i

        @staticmethod
        def backward(ctx, gv, gi):
            (i,) = ctx.saved_tensors
            ctx.gi = R(gi)
            g = torch.zeros_like(gv)
            g[i] = gv
            return g

    x = t(torch, [3.0, 1.0, 2.0], requires_grad=True)
    v, i = Sort.apply(x)
    (v * t(torch, [1.0, 2.0, 3.0])).sum().backward()
    return [R(v), R(i), i.requires_grad, R(x.grad), v.grad_fn.gi]


@scenario
def f06_materialize_grads(torch):
    seen = []

    def make(materialize):
        class Two(torch.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.set_materialize_grads(materialize)
                return x * 2, x * 3

            @staticmethod
            def backward(ctx, g1, g2):
                seen.append([R(g1), R(g2)])
                return g1 * 2 if g2 is None else g1 * 2 + g2 * 3

        return Two

    for flag in (False, True):
        x = t(torch, [1.0, 1.0], requires_grad=True)
        a, _ = make(flag).apply(x)
        a.sum().backward()
        seen.append(R(x.grad))
    return seen


@scenario
def f07_mark_dirty(torch):
    class Inc(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    x = t(torch, [1.0, 2.0], requires_grad=True)
    y = x * 1
    z = Inc.apply(y)
    z.sum().backward()
    leaf = t(torch, [1.0], requires_grad=True)
    return {"same": z is y, "z": R(z), "grad": R(x.grad), "leaf": E(lambda: Inc.apply(leaf))}


@scenario
def f08_function_errors(torch):
    Fn = torch.autograd.Function

    class BadShape(Fn):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return torch.ones(3)

    class NonTensorGrad(Fn):
        @staticmethod
        def forward(ctx, x, k, y):
            return x * k + y

        @staticmethod
        def backward(ctx, g):
            return g, g, None

    class SaveInt(Fn):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x, 3)
            return x * 1

    class NoBackward(Fn):
        @staticmethod
        def forward(ctx, x):
            return x * 1

    class NoForward(Fn):
        pass

    x = t(torch, [1.0, 2.0], requires_grad=True)
    y = t(torch, [1.0, 1.0], requires_grad=True)
    return {
        "shape": E(lambda: BadShape.apply(x).sum().backward()),
        "non_tensor": E(lambda: NonTensorGrad.apply(x, 2.0, y).sum().backward()),
        "save_int": E(lambda: SaveInt.apply(x)),
        "no_backward": E(lambda: NoBackward.apply(x).sum().backward()),
        "no_forward": E(lambda: NoForward.apply(x)),
        "legacy_call": E(lambda: BadShape()(x)),
    }


@scenario
def f09_saved_tensors_freed(torch):
    Exp = _exp_class(torch)
    x = t(torch, [1.0], requires_grad=True)
    y = Exp.apply(x)
    y.sum().backward()
    return [E(lambda: y.grad_fn.saved_tensors), E(lambda: y.sum().backward())]


@scenario
def f10_double_backward_through_function(torch):
    class Cube(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x**2

    x = t(torch, 2.0, requires_grad=True)
    (g,) = torch.autograd.grad(Cube.apply(x), x, create_graph=True)
    (h,) = torch.autograd.grad(g, x)
    return [R(g), R(h)]


@scenario
def f11_once_differentiable(torch):
    once_differentiable = torch.autograd.function.once_differentiable

    class Sq(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    x = t(torch, [3.0], requires_grad=True)
    y = Sq.apply(x)
    v = t(torch, [1.0], requires_grad=True)
    (g,) = torch.autograd.grad(y, x, v, create_graph=True)
    x2 = t(torch, [3.0], requires_grad=True)
    (plain,) = torch.autograd.grad(Sq.apply(x2), x2, create_graph=True)
    return [R(g), E(lambda: g.sum().backward()), R(plain)]


@scenario
def f12_setup_context_style(torch):
    class Mul3(torch.autograd.Function):
        @staticmethod
        def forward(x, k):
            return x * k

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.k = inputs[1]

        @staticmethod
        def backward(ctx, g):
            return g * ctx.k, None

    Exp = _exp_class(torch)
    x = t(torch, [1.0, 2.0], requires_grad=True)
    y = Mul3.apply(x, 3.0)
    y.sum().backward()
    fg = torch.func.grad(lambda v: Mul3.apply(v, 4.0).sum())(t(torch, [1.0, 2.0]))
    old = E(lambda: torch.func.grad(lambda v: Exp.apply(v).sum())(t(torch, [1.0])))
    return [R(y), R(x.grad), R(fg), old]


@scenario
def f13_function_outputs(torch):
    class Multi(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3, "tag"

        @staticmethod
        def backward(ctx, g1, g2, g3):
            ctx.g3 = g3
            return g1 * 2 + g2 * 3

    class AsList(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return [x * 2]

        @staticmethod
        def backward(ctx, g):
            return g

    class Ident(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    x = t(torch, [1.0], requires_grad=True)
    a, b, tag = Multi.apply(x)
    (a + b).sum().backward()
    lst = AsList.apply(x)
    o = Ident.apply(x)
    return {"multi": [R(a), R(b), tag, R(x.grad), a.grad_fn.g3],
            "list": [type(lst).__name__, R(lst[0])], "ident": [o is x, R(o), o._base is x]}


@scenario
def f14_function_jvp_and_vmap(torch):
    fwAD = torch.autograd.forward_ad

    class Sin(torch.autograd.Function):
        @staticmethod
        def forward(x):
            return x.sin()

        @staticmethod
        def setup_context(ctx, inputs, output):
            (ctx.x,) = inputs
            ctx.save_for_forward(inputs[0])

        @staticmethod
        def backward(ctx, g):
            return g * ctx.x.cos()

        @staticmethod
        def jvp(ctx, tx):
            (x,) = ctx.saved_tensors
            return tx * x.cos()

    class Double(torch.autograd.Function):
        generate_vmap_rule = True

        @staticmethod
        def forward(x):
            return x * 2

        @staticmethod
        def setup_context(ctx, inputs, output):
            pass

        @staticmethod
        def backward(ctx, g):
            return g * 2

    info = {}

    class AddOne(torch.autograd.Function):
        @staticmethod
        def forward(x):
            return x + 1

        @staticmethod
        def setup_context(ctx, inputs, output):
            pass

        @staticmethod
        def backward(ctx, g):
            return g

        @staticmethod
        def vmap(vinfo, in_dims, x):
            info["batch"] = vinfo.batch_size
            info["randomness"] = vinfo.randomness
            return x + 1, in_dims[0]

    with fwAD.dual_level():
        d = fwAD.make_dual(t(torch, [0.0, 1.0]), t(torch, [1.0, 2.0]))
        tangent = R(fwAD.unpack_dual(Sin.apply(d)).tangent)
    xs = torch.arange(6.0).reshape(3, 2)
    return {"jvp": tangent, "gen": R(torch.func.vmap(Double.apply)(xs)),
            "custom": R(torch.func.vmap(AddOne.apply)(xs)), "info": info,
            "no_jvp": E(lambda: _jvp_without_rule(torch))}


def _jvp_without_rule(torch):
    fwAD = torch.autograd.forward_ad
    Exp = _exp_class(torch)
    with fwAD.dual_level():
        Exp.apply(fwAD.make_dual(t(torch, [1.0]), t(torch, [1.0])))


@scenario
def f15_tensor_hooks(torch):
    x = t(torch, [1.0, 2.0], requires_grad=True)
    h = x.register_hook(lambda g: g * 10)
    (x * 2).sum().backward()
    first = R(x.grad)
    h.remove()
    x.grad = None
    (x * 2).sum().backward()
    y = t(torch, [1.0], requires_grad=True)
    y.register_hook(lambda g: g * 2)
    y.register_hook(lambda g: None)
    y.register_hook(lambda g: g + 1)
    (y * 1).sum().backward()
    z = t(torch, [1.0, 1.0], requires_grad=True)
    z.register_hook(lambda g: torch.ones(3))
    return {"hooked": first, "removed": R(x.grad), "chain": R(y.grad),
            "shape": E(lambda: (z * 1).sum().backward()),
            "no_grad": E(lambda: torch.ones(2).register_hook(lambda g: g)),
            "handle": type(h).__name__}


@scenario
def f16_retain_grad_sees_all_hooks(torch):
    x = t(torch, [1.0, 2.0], requires_grad=True)
    m = x * 1
    m.register_hook(lambda g: g * 3)
    m.retain_grad()
    m.register_hook(lambda g: g + 1)
    (m * 2).sum().backward()
    return [R(m.grad), R(x.grad)]


@scenario
def f17_post_accumulate_hook(torch):
    x = t(torch, [1.0, 2.0], requires_grad=True)
    log = []
    x.register_post_accumulate_grad_hook(lambda p: log.append(R(p.grad)))
    (x * 3).sum().backward()
    (x * 3).sum().backward()
    return [log, E(lambda: (x * 2).register_post_accumulate_grad_hook(lambda p: None))]


@scenario
def f18_node_hooks(torch):
    x = t(torch, [1.0, 2.0], requires_grad=True)
    y = x * 3
    y.grad_fn.register_hook(lambda gi, go: (gi[0] * 100, gi[1]))
    y.sum().backward()
    seen = []
    z = x * 3
    z.grad_fn.register_prehook(lambda go: seen.append(R(go)))
    z.grad_fn.register_hook(lambda gi, go: (gi[0],))
    err = E(lambda: z.sum().backward())
    z.grad_fn.metadata["k"] = 1
    return [R(x.grad), err, seen, z.grad_fn.metadata]


@scenario
def f19_graph_walk(torch):
    a = t(torch, [1.0, 2.0], requires_grad=True)
    s = (a * 3).exp().sum()
    exp_node = s.grad_fn.next_functions[0][0]
    mul_node = exp_node.next_functions[0][0]
    acc = mul_node.next_functions[0][0]
    return {
        "names": [s.grad_fn.name(), exp_node.name(), mul_node.name(), acc.name()],
        "const_edge": list(mul_node.next_functions[1]), "variable_is_a": acc.variable is a,
        "saved_other": R(mul_node._saved_other), "leaf_edge": mul_node.next_functions[0][1],
        "two_inputs": [n is None for n, _ in (a * a).grad_fn.next_functions],
    }


@scenario
def f20_saved_tensors_hooks(torch):
    log = []

    def pack(v):
        log.append("pack")
        return v

    def unpack(v):
        log.append("unpack")
        return v

    a = t(torch, [2.0], requires_grad=True)
    with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
        y = a * a
    y.sum().backward()
    return [log, R(a.grad)]
