"""Scenarios: backward(), autograd.grad(), .grad, leaves and their misuse errors."""

from scenario_kit import E, L, R, W, scenario, t


@scenario
def s01_scalar_chain(torch):
    x = t(torch, 2.0, requires_grad=True)
    y = x**2 + 3 * x
    y.backward()
    return {"y": R(y), "grad": R(x.grad), "leaf": [x.is_leaf, y.is_leaf]}


@scenario
def s02_accumulation_is_in_place(torch):
    x = t(torch, [1.0, 2.0, 3.0], requires_grad=True)
    (x**2).sum().backward()
    first, g = R(x.grad), x.grad
    (x**2).sum().backward()
    return {"first": first, "second": R(x.grad), "same_object": g is x.grad}


@scenario
def s03_zero_and_none_reset(torch):
    x = t(torch, [1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    x.grad.zero_()
    (3 * x).sum().backward()
    after_zero = R(x.grad)
    x.grad = None
    (x * 5).sum().backward()
    return [after_zero, R(x.grad)]


@scenario
def s04_implicit_grad_needs_scalar(torch):
    x = t(torch, [1.0, 2.0], requires_grad=True)
    one = t(torch, [4.0], requires_grad=True)
    (one * 2).backward()  # numel 1 with shape (1,) is fine
    return {
        "backward": E(lambda: (x * 2).backward()),
        "grad": E(lambda: torch.autograd.grad(x * 2, x)),
        "shape1": R(one.grad),
    }


@scenario
def s05_explicit_gradient(torch):
    x = t(torch, [1.0, 2.0, 3.0], requires_grad=True)
    (x * x).backward(t(torch, [1.0, 0.1, 0.01]))
    return R(x.grad)


@scenario
def s06_second_backward_frees(torch):
    x = t(torch, [1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    z = (x + x).sum()  # saves nothing: a second pass is allowed
    z.backward()
    z.backward()
    return {"error": E(lambda: y.backward()), "grad": L(x.grad)}


@scenario
def s07_retain_graph(torch):
    x = t(torch, [1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    return R(x.grad)


@scenario
def s08_grad_is_functional(torch):
    a = t(torch, 2.0, requires_grad=True)
    b = t(torch, 3.0, requires_grad=True)
    g = torch.autograd.grad(a * b, [a, b])
    single = torch.autograd.grad(a * b, a)
    return [R(g), R(single), type(g).__name__, a.grad is None, b.grad is None]


@scenario
def s09_unused_input(torch):
    x = t(torch, [1.0, 2.0], requires_grad=True)
    z = t(torch, [1.0], requires_grad=True)
    e0 = E(lambda: torch.autograd.grad((x * 2).sum(), [z]))
    e1 = E(lambda: torch.autograd.grad((x * 2).sum(), [x, z]))
    plain = t(torch, [1.0, 2.0])
    e2 = E(lambda: torch.autograd.grad((x * plain).sum(), [x, plain]))
    return [e0, e1, e2]


@scenario
def s10_allow_unused_and_materialize(torch):
    x = t(torch, [1.0, 2.0], requires_grad=True)
    z = t(torch, [1.0], requires_grad=True)
    grad = torch.autograd.grad
    unused = grad((x * 2).sum(), [x, z], allow_unused=True)
    mat = grad((x * 2).sum(), [x, z], materialize_grads=True)
    bad = E(lambda: grad((x * 2).sum(), [x, z], allow_unused=False, materialize_grads=True))
    cg = grad((x * x).sum(), [x, z], materialize_grads=True, create_graph=True)
    return [R(unused), R(mat), bad, R(cg), cg[1].requires_grad]


@scenario
def s11_outputs_without_grad(torch):
    ones = torch.ones(2)
    y = t(torch, [1.0], requires_grad=True)
    return [
        E(lambda: torch.autograd.grad(ones.sum(), ones)),
        E(lambda: torch.ones(2).sum().backward()),
        E(lambda: torch.autograd.backward([(y * 2).sum(), ones.sum()])),
    ]


@scenario
def s12_integer_requires_grad(torch):
    it = t(torch, [1, 2])

    def setter():
        it.requires_grad = True

    return [
        E(lambda: t(torch, [1, 2], requires_grad=True)),
        E(lambda: it.requires_grad_()),
        E(lambda: t(torch, [True]).requires_grad_()),
        E(setter),
        R(t(torch, [1.0, 2.0], dtype=torch.float64, requires_grad=True)),
    ]


@scenario
def s13_leaf_in_place(torch):
    x = t(torch, [1.0, 2.0], requires_grad=True)

    def index_set():
        x[0] = 5.0

    errs = [E(lambda: x.mul_(2)), E(lambda: x.add_(1)), E(index_set), E(lambda: x[0].mul_(2))]
    with torch.no_grad():
        x.mul_(2)
    return {"errors": errs, "after_no_grad": R(x), "version": x._version}


@scenario
def s14_version_counter(torch):
    a = t(torch, [1.0, 2.0], requires_grad=True)
    b = a.exp()
    b.add_(1)
    e_exp = E(lambda: b.sum().backward())
    c = a * 2
    d = c * c
    c.add_(1)
    e_add = E(lambda: d.sum().backward())
    leaf = t(torch, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=torch.float64)
    y = a.sum() * leaf
    leaf.mul_(2)
    e_leaf = E(lambda: y.sum().backward())
    s = t(torch, 3.0)
    z = (a * s).sum()
    s.add_(1)
    e_0d = E(lambda: z.backward())
    return [e_exp, e_add, e_leaf, e_0d, b._version, c._version]


@scenario
def s15_grad_output_shapes(torch):
    x = t(torch, [1.0, 2.0], requires_grad=True)
    s = t(torch, 2.0, requires_grad=True)
    g = torch.autograd.grad
    return [
        E(lambda: g(x * 2, x, grad_outputs=torch.ones(3))),
        E(lambda: (s * 2).backward(torch.ones(1))),
        E(lambda: torch.autograd.backward([x.sum(), x.sum()], [torch.ones(())])),
        E(lambda: g([x.sum(), (x * 2).sum()], x, grad_outputs=[torch.ones(())])),
        E(lambda: g(x * 2, x, grad_outputs=2.0)),
    ]


@scenario
def s16_no_grad_results(torch):
    x = t(torch, [1.0, 2.0], requires_grad=True)
    with torch.no_grad():
        y = x * 2
        z = (x * 2).sum()
        w = torch.ones(2, requires_grad=True)
    return {
        "y": [R(y), y.requires_grad, y.grad_fn is None, y.is_leaf],
        "backward": E(lambda: z.backward()),
        "factory": [R(w), w.is_leaf],
    }


@scenario
def s17_backward_inside_no_grad(torch):
    x = t(torch, [3.0], requires_grad=True)
    y = (x * x).sum()
    with torch.no_grad():
        y.backward(retain_graph=True)
        g = torch.autograd.grad(y, x, create_graph=True)
    return [R(x.grad), R(g)]


@scenario
def s18_nonleaf_grad_and_retain_grad(torch):
    x = t(torch, [1.0, 2.0], requires_grad=True)
    y = x * 3
    z = x * 3
    z.retain_grad()
    (y + z).sum().backward()
    y_grad, warns = W(lambda: y.grad)
    plain = torch.ones(2)
    leaf_no_rg, warns2 = W(lambda: plain.grad)
    return {
        "y": [R(y_grad), warns],
        "z": [R(z.grad), z.retains_grad, x.retains_grad],
        "x": R(x.grad),
        "plain": [R(leaf_no_rg), warns2],
        "retain_error": E(lambda: torch.ones(2).retain_grad()),
    }


@scenario
def s19_backward_inputs(torch):
    a = t(torch, 2.0, requires_grad=True)
    b = t(torch, 3.0, requires_grad=True)
    (a * b).backward(inputs=[a])
    mid = a * 1
    (mid * mid).backward(inputs=[mid])
    c = t(torch, 1.0, requires_grad=True)
    (c * b).backward(inputs=c)
    return {
        "grads": [R(a.grad), R(b.grad), R(mid.grad), R(c.grad)],
        "empty": E(lambda: (a * b).backward(inputs=[])),
        "empty_grad": E(lambda: torch.autograd.grad(a * b, [])),
        "no_rg": E(lambda: (a * b).backward(inputs=[torch.ones(())])),
    }


@scenario
def s20_is_grads_batched(torch):
    x = t(torch, [1.0, 2.0, 3.0], requires_grad=True)
    jac = torch.autograd.grad(x**2, x, torch.eye(3), is_grads_batched=True)
    y = t(torch, [1.0, 2.0], requires_grad=True)
    scal = torch.autograd.grad((y**2).sum(), y, t(torch, [1.0, 2.0]), is_grads_batched=True)
    bad = E(lambda: torch.autograd.grad(y * 2, y, torch.eye(3), is_grads_batched=True))
    return [R(jac), R(scal), bad]


@scenario
def s21_higher_order(torch):
    x = t(torch, 3.0, requires_grad=True)
    (g,) = torch.autograd.grad(x**3, x, create_graph=True)
    (h,) = torch.autograd.grad(g, x, create_graph=True)
    (k,) = torch.autograd.grad(h, x)
    return [R(g), R(h), R(k)]


@scenario
def s22_backward_create_graph(torch):
    x = t(torch, 3.0, requires_grad=True)
    # torch warns about the reference cycle only once per process: not recorded
    W(lambda: (x**3).backward(create_graph=True))
    first = [R(x.grad), x.grad.requires_grad, x.grad.is_leaf]
    x.grad.backward()
    return {"first": first, "after": R(x.grad)}


@scenario
def s23_retain_graph_follows_create_graph(torch):
    x = t(torch, 3.0, requires_grad=True)
    y = x**3
    torch.autograd.grad(y, x, create_graph=True)
    again = torch.autograd.grad(y, x)
    z = x**3
    torch.autograd.grad(z, x, create_graph=True, retain_graph=False)
    return [R(again), E(lambda: torch.autograd.grad(z, x))]


@scenario
def s24_repeated_and_identity_inputs(torch):
    x = t(torch, [1.0, 2.0], requires_grad=True)
    v = t(torch, [5.0, 7.0])
    twice = torch.autograd.grad((x * x).sum(), [x, x])
    return [R(twice), R(torch.autograd.grad(x, x, torch.ones(2))), R(torch.autograd.grad(x, x, v))]


@scenario
def s25_dict_inputs(torch):
    a = t(torch, 2.0, requires_grad=True)
    b = t(torch, 3.0, requires_grad=True)
    return R(torch.autograd.grad(a * b, {"a": a, "b": b}))


@scenario
def s26_grad_output_dtype(torch):
    x = t(torch, [1.0, 2.0], requires_grad=True)
    go = t(torch, [1.0, 2.0], dtype=torch.float64)
    (g,) = torch.autograd.grad(x * 3, x, go)
    (x * 3).backward(go)
    return [R(g), str(x.grad.dtype)]


@scenario
def s27_requires_grad_flags(torch):
    x = t(torch, [1.0, 2.0], requires_grad=True)
    y = x * 2

    def set_false():
        y.requires_grad = False

    def set_true():
        y.requires_grad = True

    same = y.requires_grad_(True) is y
    leaf = torch.ones(2)
    ret = leaf.requires_grad_() is leaf
    return [E(set_false), E(lambda: y.requires_grad_(False)), E(set_true), same, ret,
            R(leaf), R(leaf.requires_grad_(False))]


@scenario
def s28_numpy_and_detach(torch):
    x = t(torch, [1.0, 2.0], requires_grad=True)
    d = x.detach()
    arr = d.numpy()
    d[0] = 10.0  # shares storage with x
    return {
        "error": E(lambda: x.numpy()),
        "detach": [R(d), d.requires_grad, d.is_leaf, d.data_ptr() == x.data_ptr()],
        "x_after": R(x),
        "numpy": arr.tolist(),
        "versions": [x._version, d._version],
    }


@scenario
def s29_detach_shares_version(torch):
    a = t(torch, [1.0, 2.0], requires_grad=True)
    b = a.exp()
    y = b * 1
    b.detach().add_(1)
    out = E(lambda: (b * 2).sum().backward())
    c = a * 2
    c.detach_()
    return [out, b._version, R(y), R(c), c.is_leaf, c.requires_grad]


@scenario
def s30_grad_assignment(torch):
    x = t(torch, [1.0, 2.0], requires_grad=True)

    def bad_size():
        x.grad = torch.ones(3)

    def ok():
        x.grad = t(torch, [0.5, 0.5])

    err = E(bad_size)
    ok()
    (x * 2).sum().backward()
    return [err, R(x.grad)]


@scenario
def s31_is_leaf_table(torch):
    x = t(torch, [1.0, 2.0], requires_grad=True)
    p = torch.ones(2)
    with torch.no_grad():
        n = x * 2
    cases = {"x": x, "plain": p, "op": x * 2, "clone": x.clone(), "view": x[0:1],
             "detach": x.detach(), "no_grad": n, "plain_op": p * 2}
    return {k: [v.is_leaf, v.requires_grad, v.grad_fn is None] for k, v in cases.items()}


@scenario
def s32_list_length_mismatch(torch):
    x = t(torch, [1.0], requires_grad=True)
    y1, y2 = x * 2, x * 3
    return [E(lambda: torch.autograd.backward([y1, y2], [torch.ones(1)])),
            E(lambda: torch.autograd.grad([y1, y2], x, [torch.ones(1)]))]


@scenario
def s33_deprecated_arguments(torch):
    x = t(torch, [1.0, 2.0], requires_grad=True)
    _, w1 = W(lambda: torch.autograd.backward((x * x).sum(), grad_variables=t(torch, 2.0)))
    g, w2 = W(lambda: torch.autograd.grad((x * x).sum(), x, only_inputs=False))
    bad = E(lambda: torch.autograd.backward((x * x).sum(), is_grads_batched=True))
    return [R(x.grad), w1, R(g), w2, bad[0]]


@scenario
def s34_seed_walkthrough(torch):
    autograd = torch.autograd  # the walkthrough's `from torch import autograd`
    x = torch.ones(3, 4)
    x.requires_grad_()
    grad1 = autograd.grad(outputs=torch.sum(x), inputs=x)
    y = x[:, 0] + x[:, 1]
    grad2 = autograd.grad(outputs=y, inputs=x, grad_outputs=torch.ones_like(y))
    y = x**2
    grad3 = autograd.grad(outputs=y, inputs=x, grad_outputs=torch.ones_like(y), create_graph=True)
    grad4 = autograd.grad(outputs=grad3, inputs=x, grad_outputs=torch.ones_like(y))
    a = torch.tensor(1.0, requires_grad=True)
    b = torch.tensor(2.0, requires_grad=True)
    z = a**2 + b
    z.backward()
    printed = " ".join(str(v) for v in (z, a.grad, b.grad))  # print(z, x.grad, y.grad)
    return [R(grad1), R(grad2), R(grad4), printed, f"{z} {a.grad:.2f}"]
