"""IR optimization passes for jit, one small module each; `optimize` runs them in order.

Every pass is exact: the optimized program computes bit-for-bit what the input program does
(signed zeros included), except for the sign and payload bits of a NaN, which IEEE 754 and numpy
leave unspecified (numpy's own SIMD and scalar loops differ in them): merging `x*y` with `y*x`
or rewriting `-(x*2)` as `x*-2` may give a NaN of the other sign.
Elementwise fusion (passes.fuse) is not one of them: code generation applies it to the program
it generates (its "approx" mode is not exact), so the programs jit caches and transforms are
never fused.

Imports: _core, _lax, passes.*.
"""
import weakref

from fungrad._interp.passes.cse import cse
from fungrad._interp.passes.dce import dce
from fungrad._interp.passes.fold import fold
from fungrad._interp.passes.inline import inline
from fungrad._interp.passes.schedule import schedule
from fungrad._interp.passes.simplify import simplify


_optimized = weakref.WeakSet()  # programs optimize returned: optimizing them again is a no-op


def optimize(closed, rounds=2):
    """Inline calls; simplify, fold, CSE and DCE (up to twice: each exposes work for the others;
    simplifying first sees `broadcast(reshape(scalar))` chains before folding hides them);
    finally schedule for memory. A program this returned is returned as is."""
    if closed in _optimized:
        return closed
    closed = inline(closed)
    for _ in range(rounds):
        n = len(closed.eqns)
        closed = dce(cse(fold(simplify(closed))))
        if len(closed.eqns) == n:
            break  # nothing changed: another round would not either
    closed = schedule(closed)
    _optimized.add(closed)
    return closed


__all__ = ["cse", "dce", "fold", "inline", "optimize", "schedule", "simplify"]
