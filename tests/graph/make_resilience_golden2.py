#!/usr/bin/python3
"""More golden values for tests/graph/test_resilience.c (review of issue 6).

Run with Debian's Python: /usr/bin/python3 tests/graph/make_resilience_golden2.py
Writes tests/graph/files/resilience_ba.graphml (the input graph) and
tests/graph/files/resilience_golden2.txt ("<key> v1 v2 ...", %.17g).

The LHC model of make_resilience_golden.py never cascades (G is the same for
every alpha, only the trigger fails), so it cannot tell a Motter-Lai
implementation from "remove the trigger".  Here the graph is a
Barabasi-Albert graph (networkx, seeded) on which cascades do happen, and
everything is computed from the definitions with networkx, independently of
the C code:
- Motter & Lai (2002): load = betweenness (networkx, x2 for ordered pairs),
  capacity (1 + alpha) x initial load; remove the trigger, recompute loads on
  the survivors, remove every node above capacity, repeat; G = largest
  component after / before.  A run is "ambiguous" when some survivor's load is
  within 1e-6 (relative) of its capacity without being equal to it to 1e-12:
  float rounding could then decide it, so the graph seed is rejected;
- adaptive attacks: repeatedly remove the node of highest degree (resp.
  betweenness) among the survivors, recomputed after each removal, ties to the
  lowest index.  Betweenness ties closer than 1e-6 (relative) but not exactly
  zero make the seed rejected for the same reason;
- initial edge betweenness (networkx), to check that the edge attack removes
  edges in nonincreasing order;
- the largest component (fraction of N) after each removal.
The first seed (from 1) with no ambiguity is used; it is written out.
"""
import os
import networkx as nx

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FILES = os.path.join(ROOT, "tests", "graph", "files")
N, M_BA = 60, 2
ALPHAS = [0.0, 0.05, 0.1, 0.2, 0.4, 0.8]
TOL = 1e-6


class Ambiguous(Exception):
    pass


def bc(H, dead):
    S = H.subgraph([v for v in H if v not in dead])
    b = nx.betweenness_centrality(S, normalized=False)
    return {v: 2 * b.get(v, 0.0) for v in H}


def largest(H, dead):
    S = H.subgraph([v for v in H if v not in dead])
    return max((len(c) for c in nx.connected_components(S)), default=0)


def motter_lai(H, alphas, trigger):
    l0 = bc(H, set())
    big0 = largest(H, set())
    G, F = [], []
    for a in alphas:
        dead = set(trigger)
        while True:
            l = bc(H, dead)
            new = []
            for v in H:
                if v in dead:
                    continue
                cap = (1 + a) * l0[v]
                over = l[v] > cap * (1 + 1e-12) + 1e-12
                if not over and abs(l[v] - cap) > 1e-12 * max(1, cap) and abs(l[v] - cap) < TOL * max(1, cap):
                    raise Ambiguous("load near capacity")
                if over:
                    new.append(v)
            if not new:
                break
            dead |= set(new)
        G.append(largest(H, dead) / big0)
        F.append(len(dead))
    return G, F


def pick(score, alive):
    best = max(score[v] for v in alive)
    top = [v for v in alive if score[v] == best]
    if best != 0:
        near = [v for v in alive if v not in top and abs(score[v] - best) < TOL * best]
        if near:
            raise Ambiguous("near tie")
        if len(top) > 1:
            raise Ambiguous("exact tie of nonzero scores (floats may break it either way)")
    return min(top)


def adaptive(H, kind):
    """The whole order by degree; by betweenness the prefix up to the first
    step whose choice a float rounding could change (see pick)."""
    dead, order, curve = set(), [], [1.0]
    n = H.number_of_nodes()
    while len(dead) < n:
        alive = [v for v in H if v not in dead]
        if kind == "degree":
            S = H.subgraph(alive)
            score = {v: S.degree(v) for v in alive}
            best = max(score.values())
            x = min(v for v in alive if score[v] == best)   # integers: exact ties
        else:
            try:
                x = pick(bc(H, dead), alive)
            except Ambiguous:
                break
        dead.add(x)
        order.append(x)
        curve.append(largest(H, dead) / n)
    return order, curve


def main():
    for seed in range(1, 200):
        H = nx.barabasi_albert_graph(N, M_BA, seed=seed)
        try:
            l0 = bc(H, set())
            top = pick(l0, list(H))
            Gd, Fd = motter_lai(H, ALPHAS, [top])
            trig = [5, 17]
            Gt, Ft = motter_lai(H, ALPHAS, trig)
            ob, cb = adaptive(H, "betweenness")
        except Ambiguous as e:
            print("seed", seed, "rejected:", e)
            continue
        if len(ob) < 12:
            print("seed", seed, "rejected: adaptive betweenness unambiguous for", len(ob), "steps only")
            continue
        if len(set(Fd)) < 3:   # want real cascades that depend on alpha
            print("seed", seed, "rejected: cascade sizes", Fd)
            continue
        break
    else:
        raise SystemExit("no unambiguous seed")
    od, cd = adaptive(H, "degree")
    eb = nx.edge_betweenness_centrality(H, normalized=False)
    lines = []

    def put(key, vals):
        lines.append(key + " " + " ".join("%.17g" % float(v) for v in vals))

    G = nx.Graph()
    G.add_nodes_from(str(v) for v in range(N))
    edges = list(H.edges())
    G.add_edges_from((str(a), str(b)) for a, b in edges)
    nx.write_graphml(G, os.path.join(FILES, "resilience_ba.graphml"))
    put("ba.seed", [seed])
    put("ba.alpha", ALPHAS)
    put("ba.ml_G", Gd)
    put("ba.ml_failed", Fd)
    put("ba.ml_trigger", trig)
    put("ba.ml_trig_G", Gt)
    put("ba.ml_trig_failed", Ft)
    put("ba.degree_adaptive.order", od)
    put("ba.degree_adaptive.largest", cd)
    put("ba.betweenness_adaptive.order", ob)
    put("ba.betweenness_adaptive.largest", cb)
    # edge betweenness in the file's edge order
    filed = [(int(a), int(b)) for a, b in G.edges()]   # the order write_graphml writes them
    put("ba.edge_betweenness", [eb[e] if e in eb else eb[(e[1], e[0])] for e in filed])
    with open(os.path.join(FILES, "resilience_golden2.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("seed", seed, "ML failed", Fd, "G", ["%.3f" % g for g in Gd], "trig failed", Ft)


main()
