"""Registrars for JVP rules: `defjvp` (one rule per operand, summed) and `defjvp_zero`.

Imports: _core, lax.arith, lax.shape.
"""
from fungrad._core.trace import get_aval
from fungrad._core.zero import Zero
from fungrad._lax.arith import add, fit_shape


def defjvp(prim, *rules):
    """JVP from one rule per operand: rule(t, ans, *primals, **params) -> tangent contribution.

    A None rule means the output does not depend on that operand differentiably.
    """
    def jvp(primals, tangents, **params):
        ans = prim.bind(*primals, **params)
        out_t = None
        for rule, t in zip(rules, tangents):
            if rule is None or type(t) is Zero:
                continue
            term = rule(t, ans, *primals, **params)
            out_t = term if out_t is None else add(out_t, term)
        if out_t is None:
            return ans, Zero(get_aval(ans).to_tangent_aval())
        return ans, fit_shape(out_t, ans)
    prim.jvp = jvp


def defjvp_zero(prim):
    """The output has no tangent (integer/boolean results, piecewise-constant functions)."""
    def jvp(primals, tangents, **params):
        ans = prim.bind(*primals, **params)
        if prim.multiple_results:
            return ans, [Zero(get_aval(a).to_tangent_aval()) for a in ans]
        return ans, Zero(get_aval(ans).to_tangent_aval())
    prim.jvp = jvp
