"""Scenarios: grad modes, autograd.functional, gradcheck, anomaly, forward AD, torch.func."""

from scenario_kit import EW, E, L, R, W, scenario, t


@scenario
def g01_grad_mode_nesting(torch):
    on = torch.is_grad_enabled
    seen = [on()]
    with torch.no_grad():
        seen.append(on())
        with torch.enable_grad():
            seen.append(on())
    with torch.set_grad_enabled(False):
        seen.append(on())
    with torch.inference_mode():
        seen.append([on(), torch.is_inference_mode_enabled()])
        with torch.inference_mode(False):
            seen.append([on(), torch.is_inference_mode_enabled()])
    seen.append([on(), torch.is_inference_mode_enabled()])
    return seen


@scenario
def g02_grad_mode_decorators(torch):
    on = torch.is_grad_enabled

    @torch.no_grad()
    def f1():
        return on()

    @torch.no_grad
    def f2():
        return on()

    @torch.set_grad_enabled(False)
    def f3():
        return on()

    @torch.inference_mode
    def f4():
        return [on(), torch.is_inference_mode_enabled()]

    @torch.enable_grad()
    def f5():
        return on()

    with torch.no_grad():
        inner = f5()

    def bare():
        @torch.set_grad_enabled
        def f6():
            return on()

    torch.set_grad_enabled(False)
    as_call = on()
    torch.set_grad_enabled(True)

    def raising():
        with torch.no_grad():
            raise ValueError("boom")

    err = E(raising)
    return [f1(), f2(), f3(), f4(), inner, E(bare), as_call, err, on()]


@scenario
def g03_inference_tensors(torch):
    x = t(torch, [1.0, 2.0], requires_grad=True)
    with torch.inference_mode():
        inf = torch.ones(2)
        y = x * 2
    normal = torch.ones(2)
    return {
        "flags": [inf.is_inference(), normal.is_inference(), y.requires_grad, R(y)],
        "saved": E(lambda: x * inf),
        "requires_grad": E(lambda: inf.requires_grad_()),
        "in_place": E(lambda: inf.add_(1)),
        "clone_ok": R(inf.clone() * x),
    }


@scenario
def g04_functional_jacobian(torch):
    AF = torch.autograd.functional
    a, b = t(torch, [1.0, 2.0]), t(torch, [3.0, 4.0])
    x = t(torch, [1.0, 2.0, 3.0])
    return {
        "tuple_in": R(AF.jacobian(lambda p, q: p * q, (a, b))),
        "single": R(AF.jacobian(lambda v: v.sin(), t(torch, [0.0, 1.0]))),
        "tuple_out": R(AF.jacobian(lambda p, q: (p * q, p + q), (a, b))),
        "shape": list(AF.jacobian(lambda v: v.reshape(3, 1) * v, x).shape),
        "vectorize": R(AF.jacobian(lambda v: v**2, x, vectorize=True)),
        "fwd": R(AF.jacobian(lambda v: v**2, x, vectorize=True, strategy="forward-mode")),
        "list_inputs": E(lambda: AF.jacobian(lambda p, q: p * q, [a, b])),
        "fwd_no_vec": E(lambda: AF.jacobian(lambda v: v**2, x, strategy="forward-mode")),
        "bad_strategy": E(lambda: AF.jacobian(lambda v: v, x, strategy="sideways"))[0],
        "create_graph": R(AF.jacobian(lambda v: v**2, x.clone().requires_grad_(), create_graph=True)),
    }


@scenario
def g05_functional_hessian(torch):
    AF = torch.autograd.functional
    return {
        "single": R(AF.hessian(lambda v: (v**3).sum(), t(torch, [1.0, 2.0, 3.0]))),
        "tuple": R(AF.hessian(lambda p, q: (p * p * q).sum(), (t(torch, [1.0]), t(torch, [2.0])))),
        "nonscalar": E(lambda: AF.hessian(lambda v: v**3, t(torch, [1.0, 2.0])), whole=False),
    }


@scenario
def g06_functional_products(torch):
    AF = torch.autograd.functional
    x = t(torch, [1.0, 2.0, 3.0])
    cube = lambda v: (v**3).sum()  # noqa: E731
    return {
        "vjp": R(AF.vjp(lambda v: v**2, x, torch.ones(3))),
        "jvp": R(AF.jvp(lambda v: v**2, x, torch.ones(3))),
        "vhp": R(AF.vhp(cube, x, torch.ones(3))),
        "hvp": R(AF.hvp(cube, x, t(torch, [1.0, 0.0, 0.0]))),
        "vjp_scalar_v_none": R(AF.vjp(cube, x)),
        "v_none": E(lambda: AF.vjp(lambda v: v**2, x)),
        "jvp_v_none": E(lambda: AF.jvp(lambda v: v**2, x)),
        "create_graph": R(AF.vjp(lambda v: v**2, x.clone().requires_grad_(), torch.ones(3),
                                 create_graph=True)),
    }


@scenario
def g07_functional_strict(torch):
    AF = torch.autograd.functional
    x = t(torch, [1.0, 2.0, 3.0])
    return [E(lambda: AF.jacobian(lambda v: torch.ones(2), x, strict=True)),
            R(AF.jacobian(lambda v: torch.ones(2), x))]


@scenario
def g08_gradcheck(torch):
    gradcheck, gradgradcheck = torch.autograd.gradcheck, torch.autograd.gradgradcheck

    class Wrong(torch.autograd.Function):
        @staticmethod
        def forward(ctx, v):
            return v * 2

        @staticmethod
        def backward(ctx, g):
            return g * 3

    x64 = t(torch, [0.5, 1.0, 1.5], dtype=torch.float64, requires_grad=True)
    x32 = t(torch, [0.5, 1.0], requires_grad=True)
    ok32, warns = W(lambda: gradcheck(torch.sin, (x32,), raise_exception=False))
    try:
        gradcheck(Wrong.apply, (x64,))
        raised = None
    except RuntimeError as e:  # GradcheckError derives from RuntimeError
        raised = [type(e).__name__, str(e).split("\n")[:1]]
    return {
        "sin": gradcheck(torch.sin, (x64,)), "sin_gg": gradgradcheck(torch.sin, (x64,)),
        "wrong": gradcheck(Wrong.apply, (x64,), raise_exception=False), "wrong_raise": raised,
        "float32": [ok32, [w[0] for w in warns]],
        "no_rg": E(lambda: gradcheck(torch.sin, (t(torch, [1.0], dtype=torch.float64),))),
        "non_tensor_arg": gradcheck(lambda a, k: a * k, (x64, 2.0), eps=1e-6, atol=1e-4),
        "fast": gradcheck(torch.exp, (x64,), fast_mode=True),
    }


@scenario
def g09_anomaly_nan(torch):
    class NanFn(torch.autograd.Function):
        @staticmethod
        def forward(ctx, v):
            return v * 1

        @staticmethod
        def backward(ctx, g):
            return g * float("nan")

    def run(check_nan):
        x = t(torch, [1.0], requires_grad=True)
        with torch.autograd.detect_anomaly(check_nan=check_nan):
            NanFn.apply(x).sum().backward()
        return R(x.grad)

    err, warns = EW(lambda: run(True))
    ok, _ = W(lambda: run(False))
    y = t(torch, [-1.0], requires_grad=True)
    sqrt_err, sqrt_warns = EW(lambda: _sqrt_nan(torch, y))
    return {"err": err, "warnings": warns, "no_check": ok, "sqrt": [sqrt_err, sqrt_warns]}


def _sqrt_nan(torch, y):
    with torch.autograd.detect_anomaly():
        y.sqrt().sum().backward()


@scenario
def g10_anomaly_state(torch):
    state = [torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled()]
    with torch.autograd.set_detect_anomaly(True, check_nan=False):
        state.append([torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled()])
    state.append([torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled()])

    def as_decorator():
        @torch.autograd.detect_anomaly()
        def f():
            pass

    deco = E(as_decorator)
    state.append(torch.is_anomaly_enabled())
    torch.autograd.set_detect_anomaly(False)
    return [state, deco]


@scenario
def g11_forward_ad(torch):
    fwAD = torch.autograd.forward_ad
    with fwAD.dual_level():
        d = fwAD.make_dual(t(torch, [1.0, 2.0]), t(torch, [1.0, 0.0]))
        o = d.sin() * 2
        unpacked = fwAD.unpack_dual(o)
        s = fwAD.make_dual(t(torch, 2.0), t(torch, 3.0)) ** 3
        inner = [R(d), R(s), R(fwAD.unpack_dual(t(torch, [1.0])).tangent)]
        nested = E(lambda: fwAD.dual_level().__enter__())
        size = E(lambda: fwAD.make_dual(t(torch, [1.0, 2.0]), t(torch, [1.0, 2.0, 3.0])))
    after = fwAD.unpack_dual(o)
    return {
        "unpacked": R(unpacked), "fields": [R(unpacked.primal), R(unpacked.tangent)],
        "inner": inner, "nested": nested, "size": size, "after": R(after.tangent),
        "outside": E(lambda: fwAD.make_dual(t(torch, [1.0]), t(torch, [1.0]))),
        "type": type(unpacked).__name__,
    }


@scenario
def g12_func_grad(torch):
    fn = torch.func
    x = t(torch, [1.0, 2.0, 3.0])
    sq = lambda v: (v**2).sum()  # noqa: E731
    return {
        "grad": R(fn.grad(sq)(x)), "gv": R(fn.grad_and_value(sq)(x)),
        "aux": R(fn.grad_and_value(lambda v: ((v**2).sum(), v[1]), has_aux=True)(x)),
        "argnums": R(fn.grad(lambda a, b: (a * b).sum(), argnums=(0, 1))(x, x + 1)),
        "argnum1": R(fn.grad(lambda a, b: (a * b).sum(), argnums=1)(x, x + 1)),
        "dict": R(fn.grad(lambda d: (d["w"] * d["b"]).sum())({"w": x, "b": x * 2})),
        "nonscalar": E(lambda: fn.grad(lambda v: v**2)(t(torch, [1.0, 2.0]))),
        "nontensor": E(lambda: fn.grad(lambda v: 1.0)(x)),
        "aux_no_tuple": E(lambda: fn.grad(sq, has_aux=True)(x)),
        "keeps_graph": R(fn.grad(sq)(x.clone().requires_grad_())),
    }


@scenario
def g13_func_jacobians(torch):
    fn = torch.func
    return {
        "jacrev": R(fn.jacrev(torch.sin)(t(torch, [0.0, 1.0]))),
        "jacfwd": R(fn.jacfwd(torch.sin)(t(torch, [0.0, 1.0]))),
        "hessian": R(fn.hessian(lambda v: (v**3).sum())(t(torch, [1.0, 2.0]))),
        "jacrev_argnums": R(fn.jacrev(lambda a, b: a * b, argnums=(0, 1))(t(torch, [1.0, 2.0]),
                                                                         t(torch, [3.0, 4.0]))),
        "jacrev_of_jacrev": R(fn.jacrev(fn.jacrev(lambda v: (v**3).sum()))(t(torch, [1.0, 2.0]))),
    }


@scenario
def g14_func_vmap(torch):
    fn = torch.func
    a, b = torch.ones(2, 3), torch.arange(6.0).reshape(2, 3)
    return {
        "dot": R(fn.vmap(torch.dot)(a, b)),
        "in_dims": R(fn.vmap(lambda u, v: u * v, in_dims=(1, None))(b, t(torch, [2.0, 3.0]))),
        "out_dims": R(fn.vmap(lambda u: u * 2, out_dims=1)(b)),
        "nested": R(fn.vmap(fn.vmap(lambda u, v: u * v))(b, b)),
        "grad_per_row": R(fn.vmap(fn.grad(lambda v: (v**2).sum()))(b)),
        "mismatch": E(lambda: fn.vmap(lambda u, v: u + v)(torch.ones(2), torch.ones(3))),
        "torch_vmap_alias": R(torch.vmap(lambda u: u.sum())(b)),
    }


@scenario
def g15_func_jvp_vjp_linearize(torch):
    fn = torch.func
    x = t(torch, [1.0, 2.0, 3.0])
    sq = lambda v: v**2  # noqa: E731
    out, vjp_fn = fn.vjp(sq, x)
    # torch's linearize warns from its fx internals; those warnings are not part of the record
    (lin_out, jvp_fn), _ = W(lambda: fn.linearize(torch.sin, t(torch, [0.0, 1.0])))
    out2, vfn2, aux = fn.vjp(lambda v: (v**2, v.sum()), x, has_aux=True)
    return {
        "jvp": R(fn.jvp(sq, (x,), (torch.ones(3),))),
        "jvp_list": E(lambda: fn.jvp(sq, x, (torch.ones(3),))),
        "vjp": [R(out), R(vjp_fn(torch.ones(3)))],
        "vjp_aux": [R(out2), R(vfn2(torch.ones(3))), R(aux)],
        "linearize": [R(lin_out), R(jvp_fn(t(torch, [1.0, 1.0])))],
    }


@scenario
def g16_func_composition(torch):
    fn = torch.func
    d2 = fn.grad(fn.grad(torch.sin))(t(torch, 1.0))
    d3 = fn.grad(fn.grad(fn.grad(lambda v: v**4)))(t(torch, 2.0))
    per_sample = fn.vmap(fn.jacrev(lambda v: v.sin() * v))(t(torch, [[0.0, 1.0], [2.0, 3.0]]))
    fwd_rev = fn.jacfwd(fn.jacrev(lambda v: (v.exp() * v).sum()))(t(torch, [0.0, 1.0]))
    return [R(d2), R(d3), L(per_sample), L(fwd_rev)]
