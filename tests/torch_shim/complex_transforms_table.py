"""Complex values through torch's function transforms: torch.func (jacrev, jacfwd, hessian, jvp,
linearize, vmap over grad/jvp/vjp, compositions), torch.autograd.functional (jacobian in every
strategy, hessian, vjp, jvp, hvp, vhp, with and without create_graph), torch.autograd.forward_ad
(dual numbers) and the implicit grad of backward/autograd.grad, on holomorphic and
non-holomorphic functions (z*z, conj(z)*z, |z|**2, real and imaginary parts) and on complex -> real
and real -> complex functions.

Each case ``fn(T)`` runs with T = torch or fungrad.torch; its record is the result (every tensor's
dtype, shape, values and requires_grad) or the error's type and first line. make_golden_complex.py
records the table from real torch 2.13 into golden_complex.json; test_complex_transforms.py
compares fungrad.torch with the file, and with torch live where it is installed.

TORCH_BUG: cases where torch 2.13 fails with an internal assert (forward-mode AD through the
conjugate view of a tensor); the golden script records, instead of that error, the value torch
gives by another route (torch.func.jvp along each basis vector: the same Jacobian columns), and
fungrad.torch must give that value.

LINALG: inv_ex / solve_ex of singular matrices without check_errors (LAPACK's values, info > 0).
"""
import json
import os

import numpy as np

GOLDEN_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden_complex.json")

Z = [1 + 2j, 3 - 1j]
X = [0.5, -1.5]
V = [1 + 0j, 1j]
VR = [1.0, 2.0]

# name -> (f, output is real for a complex input)
FNS = {
    "sq": lambda T, z: z * z,
    "abs2c": lambda T, z: z.conj() * z,
    "abs2": lambda T, z: z.abs() ** 2,
    "real": lambda T, z: z.real,
    "imag": lambda T, z: z.imag,
    "conjsq": lambda T, z: z.conj() * z * z,
}
REAL_OUT = {"abs2", "real", "imag"}
# forward AD only: more ops on dual numbers
FW_FNS = dict(FNS, exp=lambda T, z: z.exp(), abs=lambda T, z: z.abs(),
              angle=lambda T, z: z.angle(), div=lambda T, z: 1 / z,
              conj_physical=lambda T, z: T.conj_physical(z) * z)


def _z(T):
    return T.tensor(Z, dtype=T.complex128)


def _x(T):
    return T.tensor(X, dtype=T.float64)


def _v(T):
    return T.tensor(V, dtype=T.complex128)


def _vr(T):
    return T.tensor(VR, dtype=T.float64)


def _r2c(f):
    """A real -> complex function: f of x * (1 + 2j)."""
    return lambda T, x: f(T, x * (1 + 2j))


CASES = {}
TORCH_BUG = {}


def case(name, fn, bug=None):
    if name in CASES:
        raise ValueError(f"duplicate case {name}")
    CASES[name] = fn
    if bug is not None:
        TORCH_BUG[name] = bug


def _fwd_columns(T, f, x, out_index=None):
    """The forward-mode Jacobian by torch.func.jvp along each standard basis vector of x
    (1 in x's dtype): what torch's forward-mode jacobian computes, by a route that works."""
    cols = []
    for j in range(x.numel()):
        e = T.zeros_like(x)
        e.view(-1)[j] = 1
        cols.append(T.func.jvp(lambda a: f(a), (x,), (e,))[1])
    return T.stack(cols, dim=-1)


def _summed(f):
    return lambda T, z: f(T, z).sum()


def _add_function_cases():
    F = lambda T: T.func  # noqa: E731
    A = lambda T: T.autograd.functional  # noqa: E731
    for k, f in FNS.items():
        s = _summed(f)
        r2c = _r2c(f)
        vo = _vr if k in REAL_OUT else _v
        # ---- torch.func
        case(f"func.jacrev/{k}", lambda T, f=f: F(T).jacrev(lambda z: f(T, z))(_z(T)))
        case(f"func.jacfwd/{k}", lambda T, f=f: F(T).jacfwd(lambda z: f(T, z))(_z(T)))
        case(f"func.jacrev_r2c/{k}", lambda T, f=r2c: F(T).jacrev(lambda x: f(T, x))(_x(T)))
        case(f"func.jacfwd_r2c/{k}", lambda T, f=r2c: F(T).jacfwd(lambda x: f(T, x))(_x(T)))
        case(f"func.hessian/{k}", lambda T, s=s: F(T).hessian(lambda z: s(T, z))(_z(T)))
        case(f"func.hessian_r2c/{k}",
             lambda T, s=s: F(T).hessian(lambda x: s(T, x * (1 + 2j)))(_x(T)))
        case(f"func.jvp/{k}", lambda T, f=f: F(T).jvp(lambda z: f(T, z), (_z(T),), (_v(T),)))
        case(f"func.jvp_r2c/{k}", lambda T, f=r2c: F(T).jvp(lambda x: f(T, x), (_x(T),),
                                                              (_vr(T),)))
        case(f"func.linearize/{k}",
             lambda T, f=f: F(T).linearize(lambda z: f(T, z), _z(T))[1](_v(T)))
        case(f"func.vjp/{k}", lambda T, f=f, vo=vo: F(T).vjp(lambda z: f(T, z), _z(T))[1](vo(T)))
        case(f"func.vmap_grad/{k}", lambda T, f=f: F(T).vmap(F(T).grad(lambda z: f(T, z)))(_z(T)))
        case(f"func.vmap_jvp/{k}", lambda T, f=f: F(T).vmap(
            lambda a, t: F(T).jvp(lambda q: f(T, q), (a,), (t,))[1])(_z(T), _v(T)))
        case(f"func.vmap_vjp/{k}", lambda T, f=f, vo=vo: F(T).vmap(
            lambda a, t: F(T).vjp(lambda q: f(T, q), a)[1](t)[0])(_z(T), vo(T)))
        # ---- torch.autograd.functional
        case(f"functional.jvp/{k}", lambda T, f=f: A(T).jvp(lambda z: f(T, z), _z(T), _v(T)))
        case(f"functional.jvp_cg/{k}",
             lambda T, f=f: A(T).jvp(lambda z: f(T, z), _z(T), _v(T), create_graph=True))
        case(f"functional.jvp_r2c/{k}",
             lambda T, f=r2c: A(T).jvp(lambda x: f(T, x), _x(T), _vr(T)))
        case(f"functional.vjp/{k}",
             lambda T, f=f, vo=vo: A(T).vjp(lambda z: f(T, z), _z(T), vo(T)))
        case(f"functional.vjp_cg/{k}", lambda T, f=f, vo=vo: A(T).vjp(
            lambda z: f(T, z), _z(T), vo(T), create_graph=True))
        case(f"functional.vjp_r2c_cg/{k}", lambda T, f=r2c, vo=vo: A(T).vjp(
            lambda x: f(T, x), _x(T), vo(T), create_graph=True))
        for op in ("hvp", "vhp"):
            case(f"functional.{op}/{k}",
                 lambda T, s=s, op=op: getattr(A(T), op)(lambda z: s(T, z), _z(T), _v(T)))
            case(f"functional.{op}_cg/{k}", lambda T, s=s, op=op: getattr(A(T), op)(
                lambda z: s(T, z), _z(T), _v(T), create_graph=True))
            case(f"functional.{op}_r2c/{k}", lambda T, s=s, op=op: getattr(A(T), op)(
                lambda x: s(T, x * (1 + 2j)), _x(T), _vr(T)))
        case(f"functional.hessian/{k}", lambda T, s=s: A(T).hessian(lambda z: s(T, z), _z(T)))
        case(f"functional.hessian_cg/{k}",
             lambda T, s=s: A(T).hessian(lambda z: s(T, z), _z(T), create_graph=True))
        case(f"functional.hessian_vec/{k}",
             lambda T, s=s: A(T).hessian(lambda z: s(T, z), _z(T), vectorize=True))
        fwd_h = lambda T, s=s: A(T).hessian(  # noqa: E731
            lambda z: s(T, z), _z(T), vectorize=True, outer_jacobian_strategy="forward-mode")
        case(f"functional.hessian_fwd/{k}", fwd_h,
             bug=None if k not in ("abs2c", "conjsq") else (
                 lambda T: A(T).hessian(lambda z: (z * z).sum(), _z(T))))  # the error of sq
        case(f"functional.hessian_r2c/{k}",
             lambda T, s=s: A(T).hessian(lambda x: s(T, x * (1 + 2j)), _x(T)))
        case(f"functional.jacobian/{k}", lambda T, f=f: A(T).jacobian(lambda z: f(T, z), _z(T)))
        case(f"functional.jacobian_cg/{k}", lambda T, f=f: A(T).jacobian(
            lambda z: f(T, z), _z(T), create_graph=True))
        case(f"functional.jacobian_vec/{k}", lambda T, f=f: A(T).jacobian(
            lambda z: f(T, z), _z(T), vectorize=True))
        bug = k in ("abs2c", "conjsq")
        case(f"functional.jacobian_fwd/{k}", lambda T, f=f: A(T).jacobian(
            lambda z: f(T, z), _z(T), vectorize=True, strategy="forward-mode"),
            bug=(lambda T, f=f: _fwd_columns(T, lambda z: f(T, z), _z(T))) if bug else None)
        case(f"functional.jacobian_r2c/{k}",
             lambda T, f=r2c: A(T).jacobian(lambda x: f(T, x), _x(T)))
        case(f"functional.jacobian_r2c_vec/{k}",
             lambda T, f=r2c: A(T).jacobian(lambda x: f(T, x), _x(T), vectorize=True))
        case(f"functional.jacobian_r2c_fwd/{k}", lambda T, f=r2c: A(T).jacobian(
            lambda x: f(T, x), _x(T), vectorize=True, strategy="forward-mode"),
            bug=(lambda T, f=r2c: _fwd_columns(T, lambda x: f(T, x), _x(T))) if bug else None)


def _dual(T, x, t, f):
    fw = T.autograd.forward_ad
    with fw.dual_level():
        out = fw.unpack_dual(f(fw.make_dual(x, t)))
        return out.primal, out.tangent


def _add_forward_ad_cases():
    for k, f in FW_FNS.items():
        case(f"forward_ad/{k}", lambda T, f=f: _dual(T, _z(T), _v(T), lambda d: f(T, d)))
        case(f"forward_ad_r2c/{k}",
             lambda T, f=f: _dual(T, _x(T), _vr(T), lambda d: f(T, d * (1 + 2j))))


def _backward_of(T, f):
    z = _z(T).requires_grad_()
    f(T, z).backward()
    return z.grad


def _autograd_grad_of(T, f):
    z = _z(T).requires_grad_()
    return T.autograd.grad(f(z), z)


def _add_misc_cases():
    F = lambda T: T.func  # noqa: E731
    A = lambda T: T.autograd.functional  # noqa: E731
    # the implicit grad of a complex scalar: refused; of a real one: torch's convention
    case("backward/complex_scalar", lambda T: _backward_of(T, lambda T, z: (z * z).sum()))
    case("backward/real_scalar", lambda T: _backward_of(T, lambda T, z: (z.abs() ** 2).sum()))
    case("autograd.grad/complex_scalar", lambda T: _autograd_grad_of(T, lambda z: (z * z).sum()))
    case("autograd.grad/real_scalar", lambda T: _autograd_grad_of(T, lambda z: z.imag.sum()))
    case("func.grad/complex_scalar", lambda T: F(T).grad(lambda z: (z * z).sum())(_z(T)))
    case("func.grad_and_value/complex_scalar",
         lambda T: F(T).grad_and_value(lambda z: (z.conj() * z).sum())(_z(T)))
    # torch.func's index of the first complex leaf: over all the arguments (torch's pytree
    # order: dicts in insertion order, None a leaf), outputs without the aux
    case("func.jacrev/argnums", lambda T: F(T).jacrev(lambda a, b: a * b.real, argnums=0)(
        _x(T), _z(T)))
    case("func.jacfwd/argnums", lambda T: F(T).jacfwd(lambda a, b: a * b.real, argnums=0)(
        _x(T), _z(T)))
    case("func.jacrev/none_leaf", lambda T: F(T).jacrev(lambda a, b, c: a * c.real)(
        _x(T), None, _z(T)))
    case("func.jacrev/dict_order", lambda T: F(T).jacrev(lambda d: d["b"] * d["a"].real)(
        {"b": _x(T), "a": _z(T)}))
    case("func.jacrev/out_dict_order", lambda T: F(T).jacrev(
        lambda a: {"y": a * 1j, "x": a})(_x(T)))
    case("func.jacrev/out_dict_order2", lambda T: F(T).jacrev(
        lambda a: {"x": a, "y": a * 1j})(_x(T)))
    case("func.jacfwd/out_tuple", lambda T: F(T).jacfwd(lambda a: (a, a * 1j))(_x(T)))
    case("func.jacrev/aux_complex", lambda T: F(T).jacrev(
        lambda a: (a * 2, a * 1j), has_aux=True)(_x(T)))
    case("func.jacfwd/aux_complex", lambda T: F(T).jacfwd(
        lambda a: (a * 2, a * 1j), has_aux=True)(_x(T)))
    case("func.vmap_jacrev/abs2", lambda T: F(T).vmap(F(T).jacrev(lambda a: a.abs() ** 2))(
        _z(T)))
    case("func.jvp_of_grad/abs2", lambda T: F(T).jvp(
        F(T).grad(lambda q: (q.abs() ** 2).sum()), (_z(T),), (_v(T),)))
    case("func.vjp_of_grad/abs2_real", lambda T: F(T).vjp(
        F(T).grad(lambda q: (q.abs() ** 2 * q.real).sum()), _z(T))[1](_v(T)))
    case("func.jvp_of_vjp/conjsq", lambda T: F(T).jvp(
        lambda q: F(T).vjp(lambda a: a.conj() * a * a, q)[1](_v(T))[0], (_z(T),), (_v(T),)))
    case("func.grad_of_grad/abs2", lambda T: F(T).grad(
        lambda a: F(T).grad(lambda q: q.abs() ** 2)(a).real)(_z(T)[0]))
    # outputs that do not depend on the inputs: zeros, no error (torch skips them)
    case("functional.jacobian/const_complex", lambda T: A(T).jacobian(
        lambda z: T.ones(2, dtype=T.complex128), _z(T)))
    case("functional.hvp_cg/linear_real", lambda T: A(T).hvp(
        lambda x: x.sum(), _x(T), _vr(T), create_graph=True))
    case("functional.vhp_cg/linear_real", lambda T: A(T).vhp(
        lambda x: x.sum(), _x(T), _vr(T), create_graph=True))
    case("functional.jvp_cg/const", lambda T: A(T).jvp(
        lambda x: T.ones(2, dtype=T.float64), _x(T), _vr(T), create_graph=True))
    # several inputs and outputs, mixed dtypes
    case("functional.jacobian_vec/two_in_two_out", lambda T: A(T).jacobian(
        lambda z, x: (z * x, (z.conj() * x).sum()), (_z(T), _x(T)), vectorize=True))
    case("functional.jacobian_fwd/two_in_two_out", lambda T: A(T).jacobian(
        lambda z, x: (z * x, (z * x).sum()), (_z(T), _x(T)), vectorize=True,
        strategy="forward-mode"))
    case("functional.jacobian/two_in_real_out", lambda T: A(T).jacobian(
        lambda z, x: ((z.abs() ** 2) * x, z.imag.sum()), (_z(T), _x(T))))
    case("functional.hessian_vec/two_in", lambda T: A(T).hessian(
        lambda z, x: (z.abs() ** 2 * x).sum(), (_z(T), _x(T)), vectorize=True))
    case("functional.hessian_fwd/two_in", lambda T: A(T).hessian(
        lambda z, x: (z.abs() ** 2 * x).sum(), (_z(T), _x(T)), vectorize=True,
        outer_jacobian_strategy="forward-mode"))
    case("functional.hvp/two_in", lambda T: A(T).hvp(
        lambda z, x: (z.abs() ** 2 * x * x).sum(), (_z(T), _x(T)), (_v(T), _vr(T))))
    case("functional.vhp/two_in", lambda T: A(T).vhp(
        lambda z, x: (z.abs() ** 2 * x * x).sum(), (_z(T), _x(T)), (_v(T), _vr(T))))
    case("functional.hvp_cg/two_in", lambda T: A(T).hvp(
        lambda z, x: (z.abs() ** 2 * x * x).sum(), (_z(T), _x(T)), (_v(T), _vr(T)),
        create_graph=True))



def _backward_with(T, out_complex, grad_complex, via_grad):
    a = T.tensor([1.0, 2.0], dtype=T.complex128 if out_complex else T.float64,
                 requires_grad=True)
    g = T.ones(2, dtype=T.complex128 if grad_complex else T.float64)
    if via_grad:
        return T.autograd.grad(a * a, a, g)
    (a * a).backward(g)
    return a.grad


def _add_dtype_cases():
    """Given gradients / vectors whose complexness is not the output's (or input's): torch's
    error (real dtypes are cast, complex ones never)."""
    F = lambda T: T.func  # noqa: E731
    A = lambda T: T.autograd.functional  # noqa: E731
    for oc, gc in ((True, False), (False, True), (True, True)):
        for via in (False, True):
            case(f"{'autograd.grad' if via else 'backward'}/grad_dtype_{int(oc)}{int(gc)}",
                 lambda T, oc=oc, gc=gc, via=via: _backward_with(T, oc, gc, via))
    case("func.vjp/real_ct_complex_out", lambda T: F(T).vjp(lambda a: a * a, _z(T))[1](_x(T)))
    case("func.vjp/complex_ct_real_out", lambda T: F(T).vjp(lambda a: a.real, _z(T))[1](_z(T)))
    case("functional.vjp/real_v_complex_out", lambda T: A(T).vjp(lambda a: a * a, _z(T), _x(T)))
    case("functional.vjp/complex_v_real_out", lambda T: A(T).vjp(lambda a: a.real, _z(T), _z(T)))
    case("functional.vjp_cg/real_v_complex_out", lambda T: A(T).vjp(
        lambda a: a * a, _z(T), _x(T), create_graph=True))
    case("functional.vjp/none_v_complex_scalar", lambda T: A(T).vjp(
        lambda a: (a * a).sum(), _z(T)))
    case("functional.vjp/none_v_real_scalar", lambda T: A(T).vjp(
        lambda a: (a.abs() ** 2).sum(), _z(T)))
    case("functional.jvp/real_v_complex_in", lambda T: A(T).jvp(lambda a: a * a, _z(T), _x(T)))
    case("functional.jvp/complex_v_real_in", lambda T: A(T).jvp(lambda a: a * 2, _x(T), _z(T)))
    case("functional.hvp/real_v_complex_in", lambda T: A(T).hvp(
        lambda a: (a.abs() ** 2).sum(), _z(T), _x(T)))
    case("functional.vhp/real_v_complex_in", lambda T: A(T).vhp(
        lambda a: (a.abs() ** 2).sum(), _z(T), _x(T)))
    case("functional.vhp_cg/real_v_complex_in", lambda T: A(T).vhp(
        lambda a: (a.abs() ** 2).sum(), _z(T), _x(T), create_graph=True))
    # torch.func.jvp takes either: a real tangent of a complex primal, a complex one of a real
    case("func.jvp/real_tangent_complex_primal", lambda T: F(T).jvp(
        lambda a: a * a * 1j, (_z(T),), (_x(T),)))
    # through conj torch fails (TORCH_BUG); its value for the tangent made complex
    case("func.jvp/real_tangent_complex_primal_conj", lambda T: F(T).jvp(
        lambda a: a.conj() * a * a, (_z(T),), (_x(T),)), bug=lambda T: F(T).jvp(
        lambda a: a.conj() * a * a, (_z(T),), (_x(T).to(T.complex128),)))
    case("func.jvp/complex_tangent_real_primal", lambda T: F(T).jvp(
        lambda a: (a * (1 + 2j)).exp() + a * a, (_x(T),), (_z(T),)))
    case("forward_ad/real_tangent_complex_primal", lambda T: _dual(
        T, _z(T), _x(T), lambda d: d * d.exp()))
    case("forward_ad/real_tangent_complex_primal_conj", lambda T: _dual(
        T, _z(T), _x(T), lambda d: d.conj() * d * d), bug=lambda T: _dual(
        T, _z(T), _x(T).to(T.complex128), lambda d: d.conj() * d * d))


def _grad_through(T, make, reduce):
    """backward through a transform's result (create_graph): torch's gradient of a real
    function of it."""
    z = _z(T).requires_grad_()
    return T.autograd.grad(reduce(make(z)), z)


def _grad_through_real(T, make):
    x = _x(T).requires_grad_()
    return T.autograd.grad(make(x).sum(), x)


def _linearize_tangent_grad(T):
    """linearize's jvp_fn differentiates with respect to its tangent (a linear map of it)."""
    x = _x(T).requires_grad_()
    t = _vr(T).requires_grad_()
    jvp_fn = T.func.linearize(lambda q: q ** 3 * (1 + 2j), x)[1]
    return T.autograd.grad(jvp_fn(t).abs().sum(), t)


def _add_second_order_cases():
    A = lambda T: T.autograd.functional  # noqa: E731
    v = lambda T: _v(T)  # noqa: E731
    case("second_order/jacobian_vec", lambda T: _grad_through(T, lambda z: A(T).jacobian(
        lambda a: a.conj() * a * a, z, vectorize=True, create_graph=True), lambda j: j.abs().sum()))
    case("second_order/jacobian_fwd", lambda T: _grad_through(T, lambda z: A(T).jacobian(
        lambda a: a * a * a, z, vectorize=True, strategy="forward-mode"), lambda j: j.abs().sum()))
    case("second_order/hessian_vec", lambda T: _grad_through(T, lambda z: A(T).hessian(
        lambda a: (a.abs() ** 4).sum(), z, vectorize=True, create_graph=True),
        lambda h: h.real.sum()))
    case("second_order/vjp", lambda T: _grad_through(T, lambda z: A(T).vjp(
        lambda a: a.conj() * a * a, z, v(T), create_graph=True)[1], lambda g: g.abs().sum()))
    case("second_order/jvp", lambda T: _grad_through(T, lambda z: A(T).jvp(
        lambda a: a.conj() * a * a, z, v(T), create_graph=True)[1], lambda g: g.abs().sum()))
    case("second_order/hvp", lambda T: _grad_through(T, lambda z: A(T).hvp(
        lambda a: (a.abs() ** 4).sum(), z, v(T), create_graph=True)[1], lambda g: g.real.sum()))
    case("second_order/vhp", lambda T: _grad_through(T, lambda z: A(T).vhp(
        lambda a: (a.abs() ** 4).sum(), z, v(T), create_graph=True)[1], lambda g: g.imag.sum()))
    case("second_order/func_grad", lambda T: _grad_through(T, lambda z: T.func.grad(
        lambda q: (q.abs() ** 4).sum())(z), lambda g: g.abs().sum()))
    case("second_order/func_jvp", lambda T: _grad_through(T, lambda z: T.func.jvp(
        lambda q: q.conj() * q * q, (z,), (v(T),))[1], lambda g: g.abs().sum()))
    case("second_order/func_jvp_out", lambda T: _grad_through(T, lambda z: T.func.jvp(
        lambda q: q.conj() * q * q, (z,), (v(T),))[0], lambda g: g.abs().sum()))
    case("second_order/func_vjp", lambda T: _grad_through(T, lambda z: T.func.vjp(
        lambda q: q.conj() * q * q, z)[1](v(T))[0], lambda g: g.abs().sum()))
    case("second_order/func_vjp_out", lambda T: _grad_through(T, lambda z: T.func.vjp(
        lambda q: q.conj() * q * q, z)[0], lambda g: g.abs().sum()))
    case("second_order/func_linearize", lambda T: _grad_through(T, lambda z: T.func.linearize(
        lambda q: q.conj() * q * q, z)[1](v(T)), lambda g: g.abs().sum()))
    case("second_order/func_jvp_real", lambda T: _grad_through_real(T, lambda x: T.func.jvp(
        lambda q: q ** 3, (x,), (_vr(T),))[1]))
    case("second_order/func_vjp_real", lambda T: _grad_through_real(T, lambda x: T.func.vjp(
        lambda q: q ** 3, x)[1](_vr(T))[0]))
    case("second_order/func_linearize_real", lambda T: _grad_through_real(
        T, lambda x: T.func.linearize(lambda q: q ** 3, x)[1](_vr(T))))
    case("second_order/func_linearize_out", lambda T: _grad_through(T, lambda z: T.func.linearize(
        lambda q: q.conj() * q * q, z)[0], lambda g: g.abs().sum()))
    case("second_order/func_linearize_tangent", lambda T: _linearize_tangent_grad(T))


_add_function_cases()
_add_forward_ad_cases()
_add_misc_cases()
_add_dtype_cases()
_add_second_order_cases()


# ---- linalg: inv_ex / solve_ex of singular matrices ---------------------------------------------
MATS = {
    "zeros": [[0., 0.], [0., 0.]],
    "rank1": [[1., 2.], [2., 4.]],
    "col0": [[0., 1.], [0., 2.]],
    "row1zero": [[1., 2.], [0., 0.]],
    "diag": [[2., 0., 0.], [0., 0., 0.], [0., 0., 3.]],
    "regular": [[2., 1.], [1., 3.]],
}
LINALG = {}


def _lin(name, fn):
    LINALG[name] = fn


def _add_linalg_cases():
    for k, m in MATS.items():
        for dname in ("float64", "float32", "complex128"):
            def A(T, m=m, dname=dname):
                return T.tensor(m, dtype=getattr(T, dname))

            def B(T, m=m, dname=dname, cols=2):
                return T.ones(len(m), cols, dtype=getattr(T, dname))
            _lin(f"inv_ex/{k}/{dname}", lambda T, A=A: tuple(T.linalg.inv_ex(A(T))))
            _lin(f"solve_ex/{k}/{dname}", lambda T, A=A, B=B: tuple(T.linalg.solve_ex(A(T), B(T))))
            _lin(f"solve_ex_vec/{k}/{dname}",
                 lambda T, A=A, B=B: tuple(T.linalg.solve_ex(A(T), B(T)[:, 0])))
            _lin(f"solve_ex_left_false/{k}/{dname}", lambda T, A=A, B=B: tuple(
                T.linalg.solve_ex(A(T), B(T).mT.contiguous(), left=False)))
            _lin(f"inv_ex_check/{k}/{dname}",
                 lambda T, A=A: tuple(T.linalg.inv_ex(A(T), check_errors=True)))
            _lin(f"solve_ex_check/{k}/{dname}", lambda T, A=A, B=B: tuple(
                T.linalg.solve_ex(A(T), B(T), check_errors=True)))
    batch = [[[1., 2.], [2., 4.]], [[1., 0.], [0., 2.]]]
    _lin("inv_ex/batch", lambda T: tuple(T.linalg.inv_ex(T.tensor(batch, dtype=T.float64))))
    _lin("solve_ex/batch", lambda T: tuple(T.linalg.solve_ex(
        T.tensor(batch, dtype=T.float64), T.ones(2, 2, dtype=T.float64))))
    _lin("solve_ex/batch_vec", lambda T: tuple(T.linalg.solve_ex(
        T.tensor(batch, dtype=T.float64), T.ones(2, dtype=T.float64))))
    _lin("solve_ex/b_batch", lambda T: tuple(T.linalg.solve_ex(
        T.tensor(batch[0], dtype=T.float64), T.ones(3, 2, 2, dtype=T.float64))))
    _lin("inv_ex_check/batch", lambda T: tuple(T.linalg.inv_ex(
        T.tensor(batch, dtype=T.float64), check_errors=True)))
    # the result keeps torch's node; a regular matrix's gradient is the usual one
    _lin("inv_ex/grad_fn", lambda T: _grad_fn_name(
        T.linalg.inv_ex(T.tensor(MATS["rank1"], dtype=T.float64, requires_grad=True))[0]))
    _lin("solve_ex/grad_fn", lambda T: _grad_fn_name(T.linalg.solve_ex(
        T.tensor(MATS["rank1"], dtype=T.float64, requires_grad=True),
        T.ones(2, 2, dtype=T.float64))[0]))
    _lin("inv_ex/grad_regular", lambda T: _grad_of(T, lambda a: T.linalg.inv_ex(a)[0]))
    _lin("solve_ex/grad_regular", lambda T: _grad_of(
        T, lambda a: T.linalg.solve_ex(a, T.ones(2, 2, dtype=T.float64))[0]))


def _grad_fn_name(t):
    return t.grad_fn.name()


def _grad_of(T, f):
    a = T.tensor(MATS["regular"], dtype=T.float64, requires_grad=True)
    (f(a) * T.tensor([[1., 2.], [3., 4.]], dtype=T.float64)).sum().backward()
    return a.grad


_add_linalg_cases()


# ---- records ----------------------------------------------------------------------------------
def encode(r):
    """A JSON-able record of a result: tensors with dtype, shape, values and requires_grad."""
    if isinstance(r, (tuple, list)):
        return {"seq": [encode(x) for x in r]}
    if isinstance(r, dict):
        return {"dict": [[k, encode(v)] for k, v in r.items()]}
    if r is None or isinstance(r, (bool, int, float, str)):
        return {"py": r}
    if isinstance(r, complex):
        return {"py_complex": [r.real, r.imag]}
    a = r.detach()
    a = a.resolve_conj() if hasattr(a, "resolve_conj") else a
    v = np.asarray(a.numpy())
    dt = str(r.dtype).replace("torch.", "")
    rec = {"dtype": dt, "shape": list(v.shape), "requires_grad": bool(r.requires_grad)}
    if v.dtype.kind == "c":
        rec["re"], rec["im"] = v.real.ravel().tolist(), v.imag.ravel().tolist()
    else:
        rec["re"] = v.astype(np.float64).ravel().tolist() if v.dtype.kind != "b" else \
            v.ravel().tolist()
    return rec


def run(T, fn):
    try:
        return {"value": encode(fn(T))}
    except Exception as e:  # noqa: BLE001 - the error is the record
        return {"error": [type(e).__name__, str(e).split("\n")[0]]}


def run_all(T):
    """The records of every case under real torch (TORCH_BUG cases by their other route)."""
    import warnings
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, fn in CASES.items():
            out[name] = run(T, TORCH_BUG.get(name, fn))
            if name in TORCH_BUG:
                out[name]["torch_fails"] = run(T, fn).get("error")
        lin = {name: run(T, fn) for name, fn in LINALG.items()}
    return out, lin


def _close(a, b, rtol, atol):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return False
    same_nan = np.array_equal(np.isnan(a), np.isnan(b))
    fin = np.isfinite(a) & np.isfinite(b)
    inf_ok = np.array_equal(a[~np.isfinite(a) & ~np.isnan(a)], b[~np.isfinite(b) & ~np.isnan(b)])
    return same_nan and inf_ok and bool(np.all(np.abs(a[fin] - b[fin]) <= atol + rtol *
                                               np.abs(b[fin])))


def problems(got, want, rtol=1e-9, atol=1e-12, where="", check_requires_grad=True):
    """The differences between two records (empty: they agree)."""
    if "error" in want or "error" in got:
        if got.get("error") != want.get("error"):
            return [f"{where}: got {got.get('error') or 'a value'}, want "
                    f"{want.get('error') or 'a value'}"]
        return []
    return _diff(got["value"], want["value"], rtol, atol, where, check_requires_grad)


def _diff(g, w, rtol, atol, where, crg):
    if set(g) != set(w):
        return [f"{where}: kinds {sorted(g)} != {sorted(w)}"]
    if "seq" in w:
        if len(g["seq"]) != len(w["seq"]):
            return [f"{where}: {len(g['seq'])} items, want {len(w['seq'])}"]
        return [p for i, (a, b) in enumerate(zip(g["seq"], w["seq"]))
                for p in _diff(a, b, rtol, atol, f"{where}[{i}]", crg)]
    if "dict" in w:
        if [k for k, _ in g["dict"]] != [k for k, _ in w["dict"]]:
            return [f"{where}: keys {[k for k, _ in g['dict']]}, want {[k for k, _ in w['dict']]}"]
        return [p for (k, a), (_, b) in zip(g["dict"], w["dict"])
                for p in _diff(a, b, rtol, atol, f"{where}[{k}]", crg)]
    if "py" in w or "py_complex" in w:
        return [] if g == w else [f"{where}: {g} != {w}"]
    out = []
    for key in ("dtype", "shape") + (("requires_grad",) if crg else ()):
        if g[key] != w[key]:
            out.append(f"{where}: {key} {g[key]}, want {w[key]}")
    if not out:
        tol = (1e-5, 1e-6) if "32" in w["dtype"] or w["dtype"] == "complex64" else (rtol, atol)
        for part in ("re", "im"):
            if part in w and not _close(g[part], w[part], *tol):
                out.append(f"{where}: {part} {g[part]}, want {w[part]}")
    return out


def load_golden():
    with open(GOLDEN_PATH, encoding="utf-8") as f:
        return json.load(f)

