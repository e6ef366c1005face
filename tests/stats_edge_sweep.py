"""Edge sweep of fungrad.scipy.stats against scipy.stats: every distribution and method over
parameters at their domains' edges (0, 5e-324, 1e-300, 1e300, inf, nan, negative), loc / scale
edges and integer arguments, at points on the support's ends, inf and nan; values nan-aware at
rtol 1e-10, dtype and shape; and d/dx finite where scipy's density is finite and positive.

Run from the repository root: PYTHONPATH=. python tests/stats_edge_sweep.py [dist ...]
(N=20 in the environment prints more cases per method). It prints every difference; the ones
left are scipy's own underflows and roundings, scipy's failures at subnormal shapes, and
derivatives that overflow at x or scale near 1e-300 (see fungrad/scipy/stats.py's docstring).
beta's shapes skip 5e-324: scipy's boost kernels abort the process there.
"""
import collections
import os
import sys
import warnings

import numpy as np
import scipy.stats as ss

import fungrad as fg
import fungrad.scipy.stats as fs

RTOL = 1e-10
INF, NAN = np.inf, np.nan
SH = [0.0, 5e-324, 1e-300, 1e-10, 0.5, 1.0, 2.0, 3.0, 7.5, 1e10, 1e300, INF, NAN, -1.0, -INF]
PR = [0.0, 5e-324, 1e-300, 1e-10, 0.3, 0.5, 1 - 1e-16, 1.0, 1.5, -0.1, NAN]
NN = [0.0, 1.0, 5.0, 2.5, 1e10, 1e300, INF, -1.0, NAN]
XC = np.array([-INF, -1e300, -10, -1, -0.5, 0, 5e-324, 1e-300, 1e-10, 0.25, 0.5, 1 - 1e-16, 1,
               1 + 1e-15, 1.5, 2, 3, 10, 1e10, 1e300, INF, NAN])
XD = np.array([-INF, -1, -0.5, 0, 0.5, 1, 2, 3, 5, 10, 100, 1e10, 1e300, INF, NAN])
Q = np.array([0, 5e-324, 1e-300, 1e-10, 0.1, 0.5, 0.9, 1 - 1e-10, 1 - 1e-16, 1, -0.1, 1.1, NAN])
LS = [(0.5, 2.0), (0.0, 0.0), (0.0, -1.0), (0.0, 1e-300), (0.0, 1e300), (0.0, INF), (NAN, 1.0),
      (0.0, NAN), (INF, 1.0), (1e300, 1.0)]
TN = [-INF, -1e300, -40.0, -1.0, 0.0, 1.0, 40.0, NAN]
DISTS = {  # name: (shape tuples, continuous?)
    "norm": ([()], True), "t": ([(v,) for v in SH], True), "gamma": ([(v,) for v in SH], True),
    "chi2": ([(v,) for v in SH], True),
    "beta": ([(a, b) for a in SH if a != 5e-324
              for b in [0.5, 1.0, 2.0, 1e300, INF, NAN, 0.0, 1e-300]], True),
    "uniform": ([()], True), "laplace": ([()], True), "logistic": ([()], True),
    "cauchy": ([()], True), "expon": ([()], True), "pareto": ([(v,) for v in SH], True),
    "vonmises": ([(v,) for v in SH], True),
    "truncnorm": ([(a, b) for a in TN for b in [-1.0, 0.0, 1.0, 2.0, 40.0, 1e300, INF, NAN]],
                  True),
    "poisson": ([(v,) for v in SH], False), "bernoulli": ([(p,) for p in PR], False),
    "binom": ([(n, p) for n in NN for p in PR], False), "geom": ([(p,) for p in PR], False),
    "nbinom": ([(n, p) for n in SH for p in PR], False),
}
METHODS = ("pdf", "logpdf", "pmf", "logpmf", "cdf", "logcdf", "sf", "logsf", "ppf", "isf")


def close(got, want):
    got, want = np.asarray(got, float), np.asarray(want, float)
    same = (got == want) | (np.isnan(got) & np.isnan(want))
    fin = np.isfinite(got) & np.isfinite(want)
    return same | (fin & (np.abs(got - want) <= RTOL * np.abs(want) + 1e-300))


def call(f, *args, **kwargs):
    try:
        return f(*args, **kwargs)
    except Exception as e:  # scipy raises (boost) where fungrad computes, and the reverse
        return e


def _dx(f, x, sh, kw):
    return np.asarray(fg.vmap(fg.grad(lambda v: f(v, *sh, **kw)))(x))


def sweep(names):
    bad, gradbad = collections.defaultdict(list), collections.defaultdict(list)
    for name, (shapes, cont) in DISTS.items():
        if names and name not in names:
            continue
        S, F = getattr(ss, name), getattr(fs, name)
        xs = XC if cont else XD
        base = shapes[min(len(shapes) - 1, 5)]
        combos = [(sh, {}) for sh in shapes]
        combos += [(base, {"loc": loc, "scale": scale} if cont else {"loc": loc})
                   for loc, scale in LS]
        for m in METHODS:
            if not hasattr(F, m):
                continue
            pts = Q if m in ("ppf", "isf") else xs
            for sh, kw in combos:
                want, got = call(getattr(S, m), pts, *sh, **kw), call(getattr(F, m), pts, *sh, **kw)
                if isinstance(want, Exception) or isinstance(got, Exception):
                    if isinstance(want, Exception) != isinstance(got, Exception):
                        bad[(name, m)].append((sh, kw, "raises", repr(want)[:80], repr(got)[:80]))
                    continue
                got = np.asarray(got)
                if np.shape(got) != np.shape(want) or got.dtype != np.asarray(want).dtype:
                    bad[(name, m)].append((sh, kw, "dtype", np.asarray(want).dtype, got.dtype))
                    continue
                ok = close(got, want)
                if not ok.all():
                    i = np.flatnonzero(~ok)
                    bad[(name, m)].append((sh, kw, [(pts[j], got[j], want[j]) for j in i[:4]]))
            if m in ("ppf", "isf"):
                continue
            ints = tuple(int(v) if np.isfinite(v) and float(v).is_integer() else v for v in base)
            want = call(getattr(S, m), np.array([-1, 0, 1, 2, 3]), *ints)
            got = call(getattr(F, m), np.array([-1, 0, 1, 2, 3]), *ints)
            if not isinstance(want, Exception) and not isinstance(got, Exception) and (
                    np.asarray(got).dtype != np.asarray(want).dtype or not close(got, want).all()):
                bad[(name, m)].append((ints, "int arguments", got, want))
        if not cont:
            continue
        for sh, kw in combos:  # d/dx where scipy's density is finite and positive
            dens = call(S.pdf, xs, *sh, **kw)
            if isinstance(dens, Exception):
                continue
            use = np.isfinite(dens) & (dens > 0) & np.isfinite(xs)
            for m in ("logpdf", "pdf", "cdf", "sf", "logcdf", "logsf"):
                if not use.any() or not hasattr(F, m):
                    continue
                g = call(_dx, getattr(F, m), xs[use], sh, kw)
                if isinstance(g, Exception):
                    gradbad[(name, m)].append((sh, kw, repr(g)[:100]))
                elif not np.isfinite(g).all():
                    nf = ~np.isfinite(g)
                    gradbad[(name, m)].append((sh, kw, list(zip(xs[use][nf][:4], g[nf][:4]))))
    return bad, gradbad


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    shown = int(os.environ.get("N", 6))
    bad, gradbad = sweep(sys.argv[1:])
    for (name, m), v in bad.items():
        print(f"== {name}.{m}: {len(v)} parameter sets differ")
        for e in v[:shown]:
            print("   ", e)
    for (name, m), v in gradbad.items():
        print(f"## d/dx {name}.{m}: {len(v)} parameter sets not finite")
        for e in v[:shown]:
            print("   ", e)
