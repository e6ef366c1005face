"""Scheduling for memory: move each equation down to just before its first consumer, so a value
computed early but needed late (e.g. tanh's `1 - y*y` saved by the forward pass for the backward
pass) is computed late instead and is not held across the whole program.

An equation moves only if its operands stay alive until the new place anyway (or nearly: up to
SLACK equations), or are produced by an equation that moves with it. Pure reordering: exact.

Imports: _core, passes._util.
"""
from fungrad._core.ir import ClosedJaxpr, Jaxpr, Literal
from fungrad._interp.passes._util import is_effectful, producers_consumers

SLACK = 8


def schedule(closed):
    """`closed` with equations sunk towards their first use."""
    j = closed.jaxpr
    eqns = j.eqns
    n = len(eqns)
    producer, consumers = producers_consumers(j)
    key = [None] * n
    for i in range(n - 1, -1, -1):
        e = eqns[i]
        key[i] = (i,)
        users = [c for v in e.outvars for c in consumers.get(v, ())]
        if not users or n in users or is_effectful(e.prim):
            continue
        anchor = min(key[c] for c in users)
        if anchor[0] <= i + 1:
            continue
        if all(_stays_alive(v, i, anchor[0], producer, consumers, key) for v in e.invars):
            key[i] = anchor[:-1] + (anchor[-1] - 0.5, i)
    order = sorted(range(n), key=lambda i: key[i])
    if order == list(range(n)):
        return closed
    return ClosedJaxpr(Jaxpr(j.constvars, j.invars, [eqns[i] for i in order], j.outvars),
                       closed.consts)


def _stays_alive(v, i, target, producer, consumers, key):
    if type(v) is Literal or v not in producer:
        return True  # literals, inputs and constants cost nothing to keep
    others = [key[c][0] if c < len(key) and key[c] is not None else c
              for c in consumers[v] if c != i]
    if not others:
        return True  # only this equation reads it: its producer can move down too
    return max(others) >= target - SLACK
