"""JVP rule factories for `register`: `defjvp` (one rule per operand, summed) and `jvp_zero` (no
tangent). (Linear structural primitives use shape.jvp_linear.)

Imports: _core, lax.arith.
"""
from __future__ import annotations
from fungrad._core.primitive import RuleFactory
from fungrad._core.trace import get_aval
from fungrad._core.zero import Zero
from fungrad._lax.arith import add, fit_shape
from typing import Any, Callable


def defjvp(*rules: Callable[..., Any] | None) -> Callable[..., Any]:
    """JVP from one rule per operand: rule(t, ans, *primals, **params) -> tangent contribution.

    A None rule means the output does not depend on that operand differentiably.
    """
    def make(prim):
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
        return jvp
    return RuleFactory(make)


def _make_zero(prim):
    def jvp(primals, tangents, **params):
        ans = prim.bind(*primals, **params)
        if prim.multiple_results:
            return ans, [Zero(get_aval(a).to_tangent_aval()) for a in ans]
        return ans, Zero(get_aval(ans).to_tangent_aval())
    return jvp


jvp_zero = RuleFactory(_make_zero)  # integer/boolean results, piecewise-constant functions
