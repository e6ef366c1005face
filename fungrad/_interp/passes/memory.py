"""Memory plan for generated code: local names, buffer reuse through numpy `out=`, and `del`s.

Arrays are grouped into storages: a fresh allocation (the result of a ufunc, a matmul, a
reduction...) starts one; views (reshape, transpose, broadcast, getitem, identity, and any
primitive whose aliasing is unknown) join the storages of their operands. When every variable of a
storage is dead, its fresh arrays are parked as free buffers; a later elementwise ufunc with the
same shape and dtype writes into one (`np.add(a, b, out=buf)`), in place when the buffer is one of
its own operands (OUT_STRICT: an elementwise call that may take `out=` but, unlike numpy's
ufuncs, does not guard against overlap, gets only a buffer no operand views: a fused numexpr
kernel). Inputs, constants and outputs are never written. Names of dead variables are
reused (rebinding releases the old array, as in handwritten code); large dead arrays that are
not rebound at once are `del`eted so the peak stays near a handwritten program's.

Imports: _core.
"""
import keyword

from fungrad._core.ir import Literal

BIG = 4096  # elements: dead arrays at least this large are released with `del`
MAX_PARKED = 2  # free buffers kept per (shape, dtype)

OUT, OUT_STRICT, FRESH, VIEW = "out", "out_strict", "fresh", "view"


class Plan:
    """names: var -> local name (invars included); per eqn: (out names, out= buffer name or None,
    names to del after it)."""

    __slots__ = ("names", "steps")

    def __init__(self, names, steps):
        self.names = names
        self.steps = steps


class _Storage:
    __slots__ = ("live", "roots")

    def __init__(self, roots, live):
        self.roots = roots
        self.live = live


def _name_gen(taken):
    n = 0
    while True:
        s = ""
        k = n
        while True:
            s = chr(ord("a") + k % 26) + s
            k = k // 26 - 1
            if k < 0:
                break
        n += 1
        if not keyword.iskeyword(s) and s not in taken:
            yield s


def plan_memory(jaxpr, kind, reserved=("np",)):
    """Plan names and buffers for `jaxpr`; kind(eqn) is OUT (elementwise ufunc that may take
    `out=`), OUT_STRICT (the same, given no buffer an operand views), FRESH (allocates its
    result) or VIEW (may alias its operands)."""
    eqns = jaxpr.eqns
    n = len(eqns)
    last = {}
    for i, e in enumerate(eqns):
        for v in e.invars:
            if type(v) is not Literal:
                last[v] = i
    for v in jaxpr.outvars:
        if type(v) is not Literal:
            last[v] = n  # outputs never die
    demand = {}
    kinds = [kind(e) for e in eqns]
    for i, (e, k) in enumerate(zip(eqns, kinds)):
        if k == OUT or k == OUT_STRICT:
            demand.setdefault(_key(e.outvars[0]), []).append(i)

    gen = _name_gen(set(reserved))
    free = []  # names to rebind, most recently freed last
    parked = {}  # (shape, dtype) -> [names holding dead buffers]
    names = {}
    storage = {}
    roots_of = {}
    for v in jaxpr.constvars:
        storage[v] = _Storage([], 1)  # never dies
    for v in jaxpr.invars:
        names[v] = next(gen)
        storage[v] = _Storage([], 1)  # inputs belong to the caller: never written, never freed
    steps = []
    for i, (e, k) in enumerate(zip(eqns, kinds)):
        outs = e.outvars
        if k == VIEW:  # join first, so a dying operand's buffer is not parked under the view
            merged = _merge([storage[x] for x in e.invars if type(x) is not Literal], storage)
            for v in outs:
                merged.live += 1
                storage[v] = merged
        released = []
        dying = []
        for v in dict.fromkeys(x for x in e.invars if type(x) is not Literal):
            if last.get(v) == i:
                _kill(v, storage, roots_of, names, released, dying)
        for s in dying:
            for r in s.roots:
                _park_or_release(r, i, names, demand, parked, released)
        buf = None
        if (k == OUT or k == OUT_STRICT) and outs[0].aval.shape:
            pool = parked.get(_key(outs[0]))
            if pool:
                operand_names = {names.get(x) for x in e.invars if type(x) is not Literal}
                choices = pool
                if k == OUT_STRICT:  # no buffer that an operand other than itself views
                    viewed = {names[r] for x in e.invars
                              if type(x) is not Literal and roots_of.get(x) is None
                              for r in storage[x].roots}
                    choices = [b for b in pool if b not in viewed]
                if choices:
                    buf = next((b for b in reversed(choices) if b in operand_names), choices[-1])
                    pool.remove(buf)
        out_names = []
        for j, v in enumerate(outs):
            if j == 0 and buf is not None:
                name = buf
            elif released:
                name = released.pop()[0]
            elif free:
                name = free.pop()
            else:
                name = next(gen)
            names[v] = name
            out_names.append(name)
        if k != VIEW:
            for v in outs:
                storage[v] = _Storage([v] if v.aval.shape else [], 1)
                if v.aval.shape:
                    roots_of[v] = storage[v]
        late = []
        for v in outs:  # outputs nobody reads die at once
            if v not in last:
                _kill(v, storage, roots_of, names, released, late)
        for s in late:
            for r in s.roots:
                _park_or_release(r, i, names, demand, parked, released)
        dels = [nm for nm, size in released if size >= BIG]
        free.extend(nm for nm, _ in released)
        steps.append((out_names, buf, dels))
    return Plan(names, steps)


def _key(v):
    return (v.aval.shape, v.aval.dtype)


def _kill(v, storage, roots_of, names, released, dying):
    s = storage[v]
    s.live -= 1
    if s.live == 0:
        dying.append(s)
    if roots_of.get(v) is None and v in names:
        released.append((names[v], v.aval.size))  # a view or input: its name is free now


def _park_or_release(r, i, names, demand, parked, released):
    """A dead fresh array: keep it for a later out= of its shape, or let its name go."""
    key = _key(r)
    future = demand.get(key, ())
    pool = parked.setdefault(key, [])
    if future and future[-1] >= i and len(pool) < MAX_PARKED:
        pool.append(names[r])
    else:
        released.append((names[r], r.aval.size))


def _merge(stores, storage):
    """One storage standing for all of `stores` (views may alias any of them)."""
    uniq = list({id(s): s for s in stores}.values())
    if not uniq:
        return _Storage([], 0)
    if len(uniq) == 1:
        return uniq[0]
    main = uniq[0]
    for s in uniq[1:]:
        main.roots.extend(s.roots)
        main.live += s.live
        for v, t in list(storage.items()):
            if t is s:
                storage[v] = main
    return main
