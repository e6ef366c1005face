"""torch's extension points, each a scenario run under real torch and fungrad.torch:
``__torch_function__`` on a non-Tensor class and on Tensor subclasses (preserved through
functions, methods, operators, indexing and tuples of results), TorchFunctionMode (the functions
it sees), torch.overrides helpers, Parameter opting out, saved-tensor hooks (pack order, unpack
on every access), ``grad_fn._saved_*`` / ``_raw_saved_*``, ``make_dual`` keeping the tangent,
gradcheck/gradgradcheck flags. make_golden_ext.py records golden_extension.json from torch 2.13.
"""
import json
import math
import os

GOLDEN_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden_extension.json")


def load_golden():
    with open(GOLDEN_PATH, encoding="utf-8") as f:
        return json.load(f)


def E(fn):
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - the error is the record
        return [type(e).__name__, str(e).split("\n")[0]]


def torch_function(T):
    out = {}

    class S:
        def __init__(self, v):
            self.v = v

        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            return ["hooked", func.__name__, [t.__name__ for t in types], len(args)]

    out["mean"] = T.mean(S(1))
    out["add_mixed"] = T.add(T.ones(2), S(2))
    out["cat_list"] = T.cat([T.ones(1), S(3)])
    out["kwarg"] = T.mul(T.ones(1), other=S(1))

    class Refuses:
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            return NotImplemented

    out["not_implemented"] = E(lambda: T.mean(Refuses()))[0]
    out["has_torch_function"] = [T.overrides.has_torch_function((S(1),)),
                                 T.overrides.has_torch_function((T.ones(1), 2.0)),
                                 T.overrides.is_tensor_like(S(1)),
                                 T.overrides.is_tensor_like(T.ones(1)),
                                 T.overrides.is_tensor_like(1.0)]

    def dispatcher(x):
        return (x,)

    def my_op(x):
        if T.overrides.has_torch_function((x,)):
            return T.overrides.handle_torch_function(my_op, (x,), x)
        return "plain"
    out["handle"] = [my_op(T.ones(1)), my_op(S(1))[0]]
    return out


def subclasses(T):
    class Sub(T.Tensor):
        pass

    class Logged(T.Tensor):
        calls = []

        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            cls.calls.append(func.__name__)
            return super().__torch_function__(func, types, args, kwargs)

    a = T.tensor([1.0, 2.0, 3.0]).as_subclass(Sub)
    b = T.tensor([0.5, 0.5, 0.5])
    res = {
        "add": T.add(a, a), "op": a + b, "rop": b * a, "method": a.exp(), "sum": a.sum(),
        "index": a[1:], "cat": T.cat([a, b]), "stack": T.stack([b, a]), "where": T.where(
            a > 1, a, b), "inplace": (a * 1).add_(1), "reshape": a.reshape(3, 1),
    }
    out = {k: [type(v).__name__, v.tolist()] for k, v in res.items()}
    out["split"] = [type(p).__name__ for p in a.split(2)]
    out["max_dim"] = [type(p).__name__ for p in T.max(a.reshape(1, 3), 1)]
    out["isinstance"] = isinstance(a, T.Tensor)
    out["comparison"] = type(a > 1).__name__
    lg = T.ones(2).as_subclass(Logged)
    Logged.calls.clear()
    r = (lg * 2).sum()
    out["logged_calls"] = list(Logged.calls)
    out["logged_type"] = type(r).__name__
    p = T.nn.Parameter(T.ones(2))
    out["parameter"] = [type(p * 2).__name__, type(p.sum()).__name__, type(T.exp(p)).__name__]
    g = T.tensor([1.0, 2.0]).as_subclass(Sub).requires_grad_()
    (g * g).sum().backward()
    out["subclass_grad"] = g.grad.tolist()
    return out


def modes(T):
    class Log(T.overrides.TorchFunctionMode):
        def __init__(self):
            self.seen = []

        def __torch_function__(self, func, types, args=(), kwargs=None):
            self.seen.append(func.__name__)
            return func(*args, **(kwargs or {}))

    x = T.tensor([1.0, 2.0])
    with Log() as m:
        y = (x * 2).sum()
        z = T.sin(x)
        w = x.exp().mean()
    out = {"seen": m.seen, "values": [y.item(), z.tolist(), w.item()]}

    class Replace(T.overrides.TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            if func.__name__ == "add":
                return "replaced"
            return func(*args, **(kwargs or {}))

    with Replace():
        out["replace"] = [T.add(x, x), T.mul(x, 2).tolist()]
    with Log() as outer, Log() as inner:
        T.neg(x)
    out["nested"] = [outer.seen, inner.seen]
    return out


def saved_tensors(T):
    log = []

    def pack(t):
        log.append(["pack", list(t.shape)])
        return t

    def unpack(t):
        log.append(["unpack", list(t.shape)])
        return t

    a = T.tensor([1.0, 2.0], requires_grad=True)
    b = T.tensor([3.0], requires_grad=True)
    with T.autograd.graph.saved_tensors_hooks(pack, unpack):
        y = a * b
        z = a ** 3
        w = a.exp()
        s = a.sin()
        c = a * 2
    out = {"pack": list(log)}
    log.clear()
    (y.sum() + z.sum() + w.sum() + s.sum() + c.sum()).backward(retain_graph=True)
    out["unpack"] = list(log)
    log.clear()
    _ = y.grad_fn._saved_self
    _ = y.grad_fn._saved_other
    out["unpack_on_access"] = list(log)

    def double(t):
        return t * 2

    x = T.tensor([1.0, 2.0], requires_grad=True)
    with T.autograd.graph.saved_tensors_hooks(lambda t: t, double):
        q = x.sin()
    q.sum().backward()
    out["unpack_changes_grad"] = x.grad.tolist()
    x = T.tensor([1.0, 2.0], requires_grad=True)
    out["saved_result"] = x.exp().grad_fn._saved_result.tolist()
    m = x * 2
    out["scalar_mul"] = [m.grad_fn._saved_self is None]
    p = x ** 3
    out["pow"] = [p.grad_fn._saved_self.tolist(), p.grad_fn._saved_exponent]
    q = x * x
    out["mul"] = [q.grad_fn._saved_self.tolist(), q.grad_fn._saved_other.tolist()]
    mm = x.reshape(1, 2) @ x.reshape(2, 1)
    out["mm"] = [mm.grad_fn._saved_self.tolist(), mm.grad_fn._saved_mat2.tolist()]
    raw = x.sin().grad_fn._raw_saved_self
    out["raw"] = type(raw).__name__
    seen = []
    r = x.cos()
    r.grad_fn._raw_saved_self.register_hooks(lambda t: (seen.append("p"), t)[1],
                                             lambda t: (seen.append("u"), t)[1])
    r.sum().backward()
    out["raw_hooks"] = seen
    out["missing"] = E(lambda: x.exp().grad_fn._saved_self)[0]
    t = x.sin()
    t.sum().backward()
    out["freed"] = E(lambda: t.grad_fn._saved_self)
    return out


def forward_ad(T):
    fw = T.autograd.forward_ad
    with fw.dual_level():
        t = T.tensor([1.0, 0.0])
        d = fw.make_dual(T.tensor([1.0, 2.0]), t)
        u = fw.unpack_dual(d)
        o = fw.unpack_dual((d * 3).sin())
        return {"tangent_is": u.tangent is t, "out": [o.primal.tolist(), o.tangent.tolist()]}


def gradchecks(T):
    x = T.tensor([0.3, 0.7], dtype=T.float64, requires_grad=True)
    gc, ggc = T.autograd.gradcheck, T.autograd.gradgradcheck

    class Bad(T.autograd.Function):
        @staticmethod
        def forward(ctx, v):
            ctx.save_for_backward(v)
            return v.sin()

        @staticmethod
        def backward(ctx, g):
            (v,) = ctx.saved_tensors
            return g * v.cos() * 1.1

    return {
        "flags": [gc(T.sin, (x,)), gc(T.sin, (x,), check_backward_ad=False,
                                      check_forward_ad=True),
                  gc(T.sin, (x,), check_forward_ad=True), gc(T.sin, (x,), fast_mode=True),
                  gc(T.sin, (x,), check_batched_grad=True), gc(T.sin, (x,), nondet_tol=1e-10),
                  gc(lambda a: (a * a, a.exp()), (x,), check_batched_grad=True)],
        "bad": [gc(Bad.apply, (x,), raise_exception=False),
                E(lambda: gc(Bad.apply, (x,), check_backward_ad=False,
                             raise_exception=False)),
                E(lambda: gc(Bad.apply, (x,)))],
        "ggc": [ggc(T.sin, (x,)), ggc(T.sin, (x,), check_batched_grad=True),
                ggc(lambda a: a ** 3, (x,), fast_mode=True)],
    }


def func_transforms(T):
    """torch.func: argnums/has_aux of every transform, dict key order kept (inputs and outputs,
    under vmap too), linearize, vmap chunk_size/out_dims/randomness='same', functionalize,
    functional_call (dotted names, tied weights, strict, several dicts), stack_module_state,
    numpy inside an autograd.Function's forward outside transforms."""
    F = T.func
    out = {}

    def L(x):
        if isinstance(x, T.Tensor):
            return [round(v, 6) for v in x.reshape(-1).tolist()]
        if isinstance(x, dict):
            return {k: L(v) for k, v in x.items()}
        if isinstance(x, (tuple, list)):
            return [L(v) for v in x]
        return x
    x = T.tensor([1., 2., 3.])
    y = T.tensor([0.5, -1., 2.])

    def f(a, b):
        return (a * b.sin()).sum()

    out["grad_argnums"] = L(F.grad(f, argnums=(0, 1))(x, y))
    out["grad_argnum1"] = L(F.grad(f, argnums=1)(x, y))
    out["grad_aux"] = L(F.grad(lambda a: ((a ** 2).sum(), {"z": a * 2, "a": a}),
                               has_aux=True)(x))
    out["gv_aux"] = L(F.grad_and_value(lambda a: ((a ** 2).sum(), a.mean()), has_aux=True)(x))
    g = F.grad(lambda p: (p["w"] * p["b"]).sum())({"w": x, "b": y})
    out["dict_order"] = list(g.keys())
    vg = F.vmap(F.grad(lambda p, d: (p["w"] * p["b"] * d).sum()), in_dims=(None, 0))(
        {"w": x, "b": y, "a": x}, T.ones(2, 3))
    out["dict_order_vmap"] = list(vg.keys())
    r = F.vjp(lambda a: (a.exp(), a.sum()), x, has_aux=True)
    out["vjp_aux"] = L([r[0], r[1](T.ones(3)), r[2]])
    out["jvp_aux"] = L(F.jvp(lambda a: (a.exp(), a.sum()), (x,), (T.ones(3),), has_aux=True))
    out["jacrev_argnums"] = L(F.jacrev(lambda a, b: a * b, argnums=(0, 1))(x, y))
    out["jacrev_aux"] = L(F.jacrev(lambda a: (a.sin(), a.cos()), has_aux=True)(x))
    out["jacfwd_argnums"] = L(F.jacfwd(lambda a, b: a * b.exp(), argnums=1)(x, y))
    out["jacfwd_aux"] = L(F.jacfwd(lambda a: (a.sin(), a.cos()), has_aux=True)(x))
    out["hessian_argnums"] = L(F.hessian(f, argnums=1)(x, y))
    out["jacrev_dict_out"] = list(F.jacrev(lambda a: {"z": a.sin(), "a": a.cos()})(x).keys())
    r = F.linearize(lambda a: a.sin() * 2, x)
    out["lin"] = L([r[0], r[1](T.ones(3))])
    out["vmap_chunk"] = L(F.vmap(lambda a: a.sum() * a, chunk_size=2)(
        T.arange(15.).reshape(5, 3)))
    out["vmap_chunk1"] = L(F.vmap(T.dot, chunk_size=1)(T.ones(3, 2), T.ones(3, 2)))
    out["vmap_out_dims"] = L(F.vmap(lambda a: a * 2, in_dims=1, out_dims=1)(T.ones(2, 3)))
    same = F.vmap(lambda a: a * 0 + T.rand(()), randomness="same")(T.ones(2, 3))
    out["vmap_random_same"] = bool((same[0] == same[1]).all())
    diff = F.vmap(lambda a: a * 0 + T.rand(()), randomness="different")(T.ones(3, 2))
    out["vmap_random_different"] = [bool((diff[0] == diff[1]).all()),
                                    bool((diff[0] == diff[0, 0]).all())]
    diff = F.vmap(lambda a: T.randn_like(a), randomness="different")(T.ones(2, 3))
    out["vmap_random_like"] = bool((diff[0] == diff[1]).all())
    out["vmap_random_error"] = E(lambda: F.vmap(lambda a: a + T.rand(3))(T.ones(2, 3)))
    out["vmap_random_bad_flag"] = E(lambda: F.vmap(lambda a: a, randomness="x")(T.ones(2)))
    out["functionalize"] = L(F.functionalize(lambda a: a.clone().add_(1))(x))
    lin = T.nn.Linear(3, 2)
    params = {"weight": T.arange(6.).reshape(2, 3) / 5, "bias": T.tensor([0.1, -0.2])}
    out["fcall"] = L(F.functional_call(lin, params, (x,)))
    out["fcall_two_dicts"] = L(F.functional_call(
        lin, ({"weight": params["weight"]}, {"bias": params["bias"] * 0}), (x,)))
    out["fcall_strict"] = E(lambda: F.functional_call(lin, {"weight": params["weight"]}, (x,),
                                                      strict=True))
    out["fcall_unexpected"] = type(F.functional_call(lin, {"nope": params["weight"]},
                                                     (x,))).__name__
    seq = T.nn.Sequential(T.nn.Linear(3, 3), T.nn.Tanh(), T.nn.Linear(3, 1))
    ps = {k: v.detach() * 0 + 0.1 for k, v in seq.named_parameters()}
    out["fcall_dotted"] = L(F.functional_call(seq, ps, x))
    out["grad_fcall"] = sorted(F.grad(lambda p: F.functional_call(seq, p, (x,)).sum())(ps))
    tied = T.nn.Sequential(T.nn.Linear(3, 3, bias=False), T.nn.Linear(3, 3, bias=False))
    tied[1].weight = tied[0].weight
    two = {"0.weight": T.eye(3) * 2}
    out["fcall_tied"] = L(F.functional_call(tied, two, (x,)))
    out["fcall_tied_off"] = L(F.functional_call(tied, two, (x,), tie_weights=False)) != L(
        F.functional_call(tied, two, (x,)))
    sp, _ = F.stack_module_state([T.nn.Linear(3, 2) for _ in range(3)])
    out["stack"] = [sorted(sp), list(sp["weight"].shape)]

    class NpFn(T.autograd.Function):
        @staticmethod
        def forward(a):
            import numpy as np
            return T.tensor(np.sin(a.numpy()))

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(inputs[0])

        @staticmethod
        def backward(ctx, g):
            (a,) = ctx.saved_tensors
            return g * a.cos()

    out["numpy_in_forward_plain"] = L(NpFn.apply(x))
    return out


SCENARIOS = {f.__name__: f for f in (torch_function, subclasses, modes, saved_tensors,
                                     forward_ad, gradchecks, func_transforms)}


def run(name, T):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _clean(SCENARIOS[name](T))


def _clean(x):
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return str(x)
    return x
