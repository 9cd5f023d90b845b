#!/usr/bin/python3
"""Peer for bench_sim pipes: the same generated pipe network (formulas in
bench/bench_sim.c), the same pipe law (docs/sim.md: squared pressures,
Darcy-Weisbach f = 0.02 blended with a laminar branch below Re 2300, ideal
helium at the 5 bar / 300 K design state) solved by Newton's method with
scipy.sparse.linalg.spsolve (SuperLU) and the same damping, from the same
linear start.  Hydraulics only (ours also solves the energy balance).
Prints the time and the largest relative difference of the pressures
written by bench_sim.

usage: peer_sim.py ROWS COLS OURS_FILE
"""
import math
import sys
import time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla


def main():
    R_, C_, ours = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    n = R_ * C_
    a, b, L, D = [], [], [], []
    k = 0
    for r in range(R_):
        base = r * C_
        for c in range(C_):
            v = base + c
            if c + 1 < C_:
                a.append(v); b.append(v + 1); L.append(100.0 + 10.0 * (k % 10)); D.append(0.1); k += 1
            if r + 1 < R_ and c % 50 == 0:
                a.append(v); b.append(v + C_); L.append(100.0 + 10.0 * (k % 10)); D.append(0.3); k += 1
    a, b, L, D = map(np.array, (a, b, L, D))
    t0 = time.perf_counter()
    rho = 5e5 / (2077.0 * 300.0)
    A = math.pi * D * D / 4
    R = 5e5 * 0.02 * L / (D * rho * A * A) / 1e10
    c = R * 2300.0 * math.pi * D * 1e-5 / 4.0
    fixed = np.zeros(n, bool)
    pi = np.full(n, 25.0)
    fixed[0] = True
    pi[0] = 100.0
    ends = np.arange(R_) * C_ + C_ - 1
    fixed[ends] = True
    pi[ends] = 4.0
    free = np.flatnonzero(~fixed)
    idx = -np.ones(n, int)
    idx[free] = np.arange(len(free))

    def law(d):
        s = R * np.abs(d) + c * c
        return d / np.sqrt(s), (0.5 * R * np.abs(d) + c * c) / s ** 1.5

    def resid(p):
        f, df = law(p[a] - p[b])
        F = np.zeros(n)
        np.add.at(F, a, -f)
        np.add.at(F, b, f)
        return F, df

    def lap(g):
        ia, ib = idx[a], idx[b]
        rows, cols, vals = [], [], []
        m = ia >= 0
        rows.append(ia[m]); cols.append(ia[m]); vals.append(g[m])
        m = ib >= 0
        rows.append(ib[m]); cols.append(ib[m]); vals.append(g[m])
        m = (ia >= 0) & (ib >= 0)
        rows += [ia[m], ib[m]]; cols += [ib[m], ia[m]]; vals += [-g[m], -g[m]]
        return sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                             shape=(len(free), len(free)))
    # linear start (as ours)
    dref = (100.0 - 4.0) / math.sqrt(len(free))
    f, _ = law(np.full(len(a), dref))
    G = f / dref
    rhs = np.zeros(n)
    m = (idx[a] >= 0) & (idx[b] < 0)
    np.add.at(rhs, a[m], G[m] * pi[b[m]])
    m = (idx[b] >= 0) & (idx[a] < 0)
    np.add.at(rhs, b[m], G[m] * pi[a[m]])
    x = spla.spsolve(lap(G), rhs[free])
    if np.all(x > 0):
        pi[free] = x
    F, df = resid(pi)
    it = 0
    while np.max(np.abs(F[free])) > 1e-12 * 1.0 and it < 100:
        dx = spla.spsolve(lap(df), F[free])
        m0 = np.sum(F[free] ** 2)
        lam = 1.0
        for _ in range(40):
            t = pi.copy()
            t[free] += lam * dx
            if np.all(t[free] > 0):
                Ft, dft = resid(t)
                if np.sum(Ft[free] ** 2) <= (1 - 0.5 * lam) * m0:
                    break
            lam *= 0.5
        step = np.max(np.abs(dx) / pi[free])
        pi, F, df = t, Ft, dft
        it += 1
        if step < 1e-14:
            break
    secs = time.perf_counter() - t0
    p = np.sqrt(pi)
    maxrel = 0.0
    with open(ours) as fh:
        for line in fh:
            nid, val = line.split()
            r, cc = nid[1:].split("_")
            v = int(r) * C_ + int(cc)
            maxrel = max(maxrel, abs(float(val) - p[v]) / p[v])
    print("peer (scipy %s SuperLU): %d Newton iterations, %.3f s; max rel diff of pressures %.2e"
          % (__import__("scipy").__version__, it, secs, maxrel))
    print("RESULT sim_pipes_peer %.4f" % secs)
    print("RESULT sim_pipes_maxrel %.3g" % maxrel)


main()
