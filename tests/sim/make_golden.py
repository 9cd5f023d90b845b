#!/usr/bin/python3
"""Golden values for tests/sim/test_sim.c: DC power flow, N-1 and cascades
solved independently with dense numpy linear algebra (numpy.linalg.solve on
the reduced susceptance matrix, one full solve per outage), written to
tests/sim/dcpf_golden.h.

Run from the repository root with Debian's Python:
    /usr/bin/python3 tests/sim/make_golden.py

Cases
- FIVE: 5 buses a..e, 6 lines (listed below); line d-e is a bridge.
- RING: 30 buses r0..r29 on a ring (line k joins r_k and r_(k+1 mod 30),
  x = 0.05 + 0.01 * (k mod 7)) plus 3 chords r_j - r_(j+15), j = 0, 5, 10
  (x = 0.2); injections: r0 = +2.9 (slack),
  r10 = +1.0, r20 = +0.5, the other 27 buses share the 4.4 load equally;
  capacities 0.6 on every line.
  The same formulas are in test_sim.c.
"""
import numpy as np

FIVE_BUS = ["a", "b", "c", "d", "e"]
FIVE_P = [1.5, -0.4, -0.3, -0.5, -0.3]
FIVE_LINES = [("a", "b", 0.1, 0.8), ("b", "c", 0.2, 0.5), ("c", "a", 0.25, 0.9),
              ("c", "d", 0.1, 0.6), ("d", "e", 0.15, 0.5), ("b", "d", 0.3, 0.4)]


def build_ring():
    n = 30
    buses = ["r%d" % i for i in range(n)]
    lines = []
    for k in range(n):
        lines.append((buses[k], buses[(k + 1) % n], 0.05 + 0.01 * (k % 7), 0.6))
    for j in (0, 5, 10):
        lines.append((buses[j], buses[j + 15], 0.2, 0.6))
    P = [0.0] * n
    P[0], P[10], P[20] = 2.9, 1.0, 0.5
    loads = [k for k in range(1, n) if k not in (10, 20)]
    for k in loads:
        P[k] = -(2.9 + 1.0 + 0.5) / len(loads)
    return buses, P, lines


def solve(buses, P, lines, alive, slack_of):
    """Angles with one slack per island (slack_of: bus -> is slack)."""
    n = len(buses)
    idx = {b: i for i, b in enumerate(buses)}
    B = np.zeros((n, n))
    for k, (s, t, x, _) in enumerate(lines):
        if not alive[k]:
            continue
        a, c, b = idx[s], idx[t], 1.0 / x
        B[a, a] += b
        B[c, c] += b
        B[a, c] -= b
        B[c, a] -= b
    keep = [i for i in range(n) if not slack_of[i]]
    th = np.zeros(n)
    if keep:
        th[keep] = np.linalg.solve(B[np.ix_(keep, keep)], np.array(P)[keep])
    f = []
    for k, (s, t, x, _) in enumerate(lines):
        f.append((th[idx[s]] - th[idx[t]]) / x if alive[k] else 0.0)
    return th, f


def islands(buses, lines, alive):
    n = len(buses)
    idx = {b: i for i, b in enumerate(buses)}
    par = list(range(n))

    def find(x):
        while par[x] != x:
            par[x] = par[par[x]]
            x = par[x]
        return x
    for k, (s, t, _, _) in enumerate(lines):
        if alive[k]:
            ra, rb = find(idx[s]), find(idx[t])
            if ra != rb:
                par[ra] = rb
    return [find(i) for i in range(n)]


def balanced(buses, P, lines, alive):
    comp = islands(buses, lines, alive)
    gen, load, top = {}, {}, {}
    for i, p in enumerate(P):
        r = comp[i]
        gen[r] = gen.get(r, 0) + (p if p > 0 else 0)
        load[r] = load.get(r, 0) + (-p if p < 0 else 0)
        if r not in top or p > P[top[r]]:
            top[r] = i
    Q = []
    served = 0.0
    for i, p in enumerate(P):
        r = comp[i]
        g, lo = gen[r], load[r]
        sg = lo / g if g > lo and g > 0 else 1.0
        sl = g / lo if lo > g and lo > 0 else 1.0
        q = p * sg if p > 0 else p * sl
        Q.append(q)
        if p < 0:
            served += -q
    slack = [top[comp[i]] == i for i in range(len(buses))]
    return Q, slack, served, len(set(comp))


def case(name, buses, P, lines, cascade_init):
    m = len(lines)
    slack = [i == 0 for i in range(len(buses))]
    th, f = solve(buses, P, lines, [True] * m, slack)
    out = {"theta": list(th), "flow": f}
    isl, over, maxl, post = [], [], [], []
    for k in range(m):
        alive = [l != k for l in range(m)]
        comp = islands(buses, lines, alive)
        if len(set(comp)) > 1:
            isl.append(1)
            over.append(0)
            maxl.append(float("nan"))
            post.append([float("nan")] * m)
            continue
        _, fk = solve(buses, P, lines, alive, slack)
        isl.append(0)
        load = [abs(fk[l]) / lines[l][3] for l in range(m)]
        over.append(sum(1 for v in load if v > 1 + 1e-9))
        maxl.append(max(load))
        post.append(fk)
    out.update(isl=isl, over=over, maxl=maxl, post=post)
    # cascade
    alive = [True] * m
    stage = [-1] * m
    for k in cascade_init:
        alive[k] = False
        stage[k] = 0
    rnd = 0
    while True:
        Q, sl, served, nisl = balanced(buses, P, lines, alive)
        _, fk = solve(buses, Q, lines, alive, sl)
        trips = [k for k in range(m) if alive[k] and abs(fk[k]) > lines[k][3] * (1 + 1e-9)]
        if not trips:
            break
        rnd += 1
        for k in trips:
            alive[k] = False
            stage[k] = rnd
    out.update(c_stages=rnd, c_stage=stage, c_served=served, c_islands=nisl,
               c_total=sum(-p for p in P if p < 0))
    return out


def arr(name, v, fmt="%.17g"):
    def one(x):
        return "NAN" if x != x else fmt % x
    return "static const double %s[%d] = {%s};\n" % (name, len(v), ", ".join(one(x) for x in v))


def iarr(name, v):
    return "static const int %s[%d] = {%s};\n" % (name, len(v), ", ".join(str(x) for x in v))


def emit(prefix, r):
    s = arr(prefix + "_THETA", r["theta"]) + arr(prefix + "_FLOW", r["flow"])
    s += iarr(prefix + "_ISL", r["isl"]) + iarr(prefix + "_OVER", r["over"]) + arr(prefix + "_MAXL", r["maxl"])
    s += arr(prefix + "_POST", [x for row in r["post"] for x in row])
    s += "enum { %s_C_STAGES = %d, %s_C_ISLANDS = %d };\n" % (prefix, r["c_stages"], prefix, r["c_islands"])
    s += iarr(prefix + "_C_STAGE", r["c_stage"])
    s += "static const double %s_C_SERVED = %.17g, %s_C_TOTAL = %.17g;\n" % (prefix, r["c_served"], prefix,
                                                                          r["c_total"])
    return s


five = case("FIVE", FIVE_BUS, FIVE_P, FIVE_LINES, [0])
rb, rp, rl = build_ring()
ring = case("RING", rb, rp, rl, [0, 1])
# Connectome references (scipy): heat kernel expm(-t L) x and the
# stationary correlation of dx = (-I + g W) x dt + dW (Lyapunov solve) on
# a weighted 5-node graph.
import scipy.linalg as sl  # noqa: E402
CW = np.array([[0, 1, 0, 0, 0.5], [1, 0, 2, 0, 0], [0, 2, 0, 1, 0], [0, 0, 1, 0, 3], [0.5, 0, 0, 3, 0]])
CL = np.diag(CW.sum(1)) - CW
HK = sl.expm(-0.7 * CL) @ np.array([1.0, 0, 0, 0, 2.0])
CA = -np.eye(5) + 0.2 * CW
CQ = sl.solve_continuous_lyapunov(CA, -np.eye(5))
CD = np.sqrt(np.diag(CQ))
CFC = CQ / np.outer(CD, CD)
with open("tests/sim/dcpf_golden.h", "w") as f:
    f.write("/* Generated by tests/sim/make_golden.py (dense numpy solves); do not edit. */\n")
    f.write(emit("FIVE", five))
    f.write(emit("RING", ring))
    f.write("/* connectome: W (row-major), heat kernel t = 0.7 of x = (1,0,0,0,2), FC for g = 0.2 */\n")
    f.write(arr("CONN_W", list(CW.flatten())))
    f.write(arr("CONN_HK", list(HK)))
    f.write(arr("CONN_FC", list(CFC.flatten())))
print("five: stages %d served %.4f/%.4f; ring: stages %d served %.4f/%.4f islands %d"
      % (five["c_stages"], five["c_served"], five["c_total"], ring["c_stages"], ring["c_served"],
         ring["c_total"], ring["c_islands"]))
