#!/usr/bin/python3
"""Golden values for the resilience tests in tests/graph/test_resilience.c.

Run with Debian's Python: /usr/bin/python3 tests/graph/make_resilience_golden.py
Writes tests/graph/files/resilience_golden.txt ("<key> v1 v2 ...", %.17g).

Everything here is computed with python-networkx on the same GraphML files
(node order = file order, which is also twingraph's index order), written
from the definitions in src/graph/tg_graph.h, independently of the C code:
- attack curves by initial degree (ties: lower index first): largest weakly
  connected component / N, global efficiency (directed BFS hop counts, sum of
  1/d over ordered pairs / N(N-1) of the intact graph), magnet strings
  reachable from a live compressor (networkx.descendants);
- networkx betweenness (ordered pairs: directed graphs as is), to check that
  the betweenness attack removes nodes in nonincreasing order;
- criticality: magnet strings lost when each node alone is removed;
- N-2 screening on the LHC model, brute force over all pairs of nodes (a
  super-source joined to the compressors, networkx.descendants on a
  restricted view without the pair): the minimal pairs that cut all 31
  magnet strings (min_damage 31) and at least half of them (16) while
  neither member alone does, with their damages; and every pair of the
  compressors, turbines, headers and cold boxes (min_damage 0, not
  minimal): how many, the damage sum and how many cut something.  (The
  minimal pairs cutting at least one string, min_damage 1, number 0 on
  this model: every cut contains a node that cuts alone, so that case
  could not tell a right screening from one that returns nothing.);
- Motter-Lai cascades (load = networkx betweenness, capacity (1+a) x load,
  trigger = highest initial load, failure when load > cap (1+1e-12) + 1e-12);
- supply dependency propagation from a few initial failures.
"""
import itertools
import os
import networkx as nx

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "graph", "files", "resilience_golden.txt")
lines = []


def put(key, vals):
    lines.append(key + " " + " ".join("%.17g" % float(v) for v in vals))


def load(path):
    G = nx.read_graphml(path)
    ids = list(G.nodes())
    H = nx.MultiDiGraph() if G.is_directed() else nx.MultiGraph()
    H.add_nodes_from(range(len(ids)))
    idx = {v: i for i, v in enumerate(ids)}
    for a, b, d in G.edges(data=True):
        H.add_edge(idx[a], idx[b], **d)
    types = [G.nodes[v].get("type", "") for v in ids]
    return H, ids, types


def largest(H, dead):
    S = H.subgraph([v for v in H if v not in dead])
    if len(S) == 0:
        return 0
    comps = nx.weakly_connected_components(S) if H.is_directed() else nx.connected_components(S)
    return max(len(c) for c in comps)


def efficiency(H, dead):
    n = H.number_of_nodes()
    S = H.subgraph([v for v in H if v not in dead])
    tot = 0.0
    for s, dd in nx.all_pairs_shortest_path_length(S):
        tot += sum(1.0 / d for t, d in dd.items() if t != s)
    return tot / (n * (n - 1))


def fed(H, dead, src, snk):
    S = H.subgraph([v for v in H if v not in dead])
    reach = set()
    for s in src:
        if s in S:
            reach |= {s} | nx.descendants(S, s)
    return sum(1 for t in snk if t in reach)


def degree(H):
    return [sum(1 for a, b in H.edges(v) if a != b) + (sum(1 for a, b in H.in_edges(v) if a != b)
            if H.is_directed() else 0) for v in range(H.number_of_nodes())]


def attack_curve(name, H, order, points, src, snk, eff=True):
    K = len(order)
    n = H.number_of_nodes()
    L, E, F = [], [], []
    for i in range(points + 1):
        k = (i * K + points // 2) // points
        dead = set(order[:k])
        L.append(largest(H, dead) / n)
        if eff:
            E.append(efficiency(H, dead))
        if src:
            F.append(fed(H, dead, src, snk) / len(snk))
    put(name + ".largest", L)
    if eff:
        put(name + ".efficiency", E)
    if src:
        put(name + ".fed", F)


def betweenness(H, dead=()):
    S = nx.DiGraph(H.subgraph([v for v in H if v not in dead])) if H.is_directed() else \
        nx.Graph(H.subgraph([v for v in H if v not in dead]))
    b = nx.betweenness_centrality(S, normalized=False)
    f = 1 if H.is_directed() else 2
    return {v: b.get(v, 0) * f for v in H}


def motter_lai(H, alphas):
    l0 = betweenness(H)
    top = max(range(H.number_of_nodes()), key=lambda v: (l0[v], -v))
    big0 = largest(H, set())
    G, Fc = [], []
    for a in alphas:
        dead = {top}
        while True:
            l = betweenness(H, dead)
            new = [v for v in H if v not in dead and l[v] > (1 + a) * l0[v] * (1 + 1e-12) + 1e-12]
            if not new:
                break
            dead |= set(new)
        G.append(largest(H, dead) / big0)
        Fc.append(len(dead))
    return G, Fc


def dependency(H, types, init, required=()):
    failed = {v: 1 for v in init}
    r = 1
    while True:
        r += 1
        new = []
        for v in H:
            if v in failed:
                continue
            sup = [u for u, _ in H.in_edges(v) if u != v]
            live = [u for u in sup if u not in failed]
            fail = len(sup) > 0 and not live
            for t in required:
                st = [u for u in sup if types[u] == t]
                if st and all(u in failed for u in st):
                    fail = True
            if fail:
                new.append(v)
        if not new:
            break
        for v in new:
            failed[v] = r
    return [failed.get(v, 0) for v in H]


def main():
    H, ids, types = load(os.path.join(ROOT, "models", "lhc_sector.graphml"))
    n = H.number_of_nodes()
    src = [v for v in H if types[v] == "compressor"]
    snk = [v for v in H if types[v] == "magnet_string"]
    deg = degree(H)
    order = sorted(range(n), key=lambda v: (-deg[v], v))
    attack_curve("lhc.degree", H, order, 10, src, snk)
    b = betweenness(H)
    put("lhc.betweenness", [b[v] for v in range(n)])
    crit = []
    base = fed(H, set(), src, snk)
    for v in range(n):
        crit.append(base - fed(H, {v}, src, snk))
    put("lhc.criticality", crit)
    # N-2: the damage of every pair (fast reachability: one super-source).
    D = nx.DiGraph(H)
    D.add_edges_from((-1, s) for s in src)
    sinks = set(snk)

    def pair_damage(a, c):
        return base - len(nx.descendants(nx.restricted_view(D, {a, c}, []), -1) & sinks)

    pd = {(a, c): pair_damage(a, c) for a, c in itertools.combinations(range(n), 2)}
    for key, md in (("all", 31), ("half", 16)):
        rows = sorted((-d, a, c) for (a, c), d in pd.items() if crit[a] < md and crit[c] < md and d >= md)
        put("lhc.n2_%s.count" % key, [len(rows)])
        put("lhc.n2_%s.sets" % key, [x for r in rows for x in r[1:]])
        put("lhc.n2_%s.damage" % key, [-r[0] for r in rows])
    # Non-minimal N-2 over the compressors, turbines, headers and cold boxes.
    cand = [v for v in range(n) if types[v] in ("compressor", "turbine", "header", "cold_box")]
    rows = [pd[(a, c)] for a, c in itertools.combinations(cand, 2)]
    put("lhc.n2_cand.count", [len(rows)])
    put("lhc.n2_cand.damage_sum", [sum(rows)])
    put("lhc.n2_cand.count_ge1", [sum(1 for d in rows if d >= 1)])
    G, Fc = motter_lai(H, [0.0, 0.2, 1.0])
    put("lhc.ml_G", G)
    put("lhc.ml_failed", Fc)
    idx = {v: i for i, v in enumerate(ids)}
    put("lhc.dep_discharge", dependency(H, types, [idx["CS_DISCHARGE"]]))
    put("lhc.dep_c1", dependency(H, types, [idx["CS_C1"]]))
    comp = [v for v in range(n) if types[v] == "compressor"]
    put("lhc.dep_compressors_req", dependency(H, types, comp[:4], required=("compressor",)))

    P, pids, _ = load(os.path.join(ROOT, "data", "networks", "power.graphml"))
    deg = degree(P)
    order = sorted(range(P.number_of_nodes()), key=lambda v: (-deg[v], v))
    attack_curve("power.degree", P, order, 10, None, None, eff=False)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote", OUT, len(lines), "lines")


main()
