#!/usr/bin/python3
"""Golden attack orders on symmetric graphs, for the tie rule of
src/graph/resilience.c (test_ties in tests/graph/test_resilience.c).

Run with Debian's Python: /usr/bin/python3 tests/graph/make_resilience_ties.py
Writes tests/graph/files/resilience_ties.txt ("<key> v1 v2 ...").

On symmetric graphs many nodes (edges) have equal degree and betweenness.
The tie rule (docs/brain.md, "Resilience model"): at each step remove the
element of highest score, and among the elements whose score equals it
the one of lowest index.  twingraph computes betweenness in floating
point, where equal values can differ in the last bits, so it counts
scores within 1e-9 (relative) as equal; here betweenness is computed in
exact rational arithmetic (fractions.Fraction, Brandes' accumulation
written from the definition), so ties are decided exactly and the orders
below are the true ones.  The exact values are cross-checked against
python-networkx's float betweenness (x2: ordered pairs) to 1e-9.

Graphs (python-networkx generators, nodes relabelled 0..n-1 in sorted
order, edges in the order written): cycle C9, complete bipartite K(3,5),
hypercube Q4, dodecahedron, torus 5x7 (periodic grid), circulant
C21(1,4,6) and K(3,3) x C3.  For each: "<g>.edges u v u v ..." (0-based),
and the removal orders of all n nodes for the degree, degree_adaptive,
betweenness and betweenness_adaptive attacks, and of all m edges for the
edge attack by initial edge betweenness ("<g>.edge_betweenness").
"""
import os
from collections import deque
from fractions import Fraction
import networkx as nx

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "graph", "files", "resilience_ties.txt")


def brandes(n, adj, alive):
    """Exact node and edge betweenness (ordered pairs) among live nodes;
    adj[v] = list of (neighbour, edge index)."""
    b = [Fraction(0)] * n
    eb = {}
    for s in range(n):
        if not alive[s]:
            continue
        sigma, dist, pred, order = [0] * n, [-1] * n, [[] for _ in range(n)], []
        sigma[s], dist[s] = 1, 0
        q = deque([s])
        while q:
            v = q.popleft()
            order.append(v)
            for w, e in adj[v]:
                if not alive[w]:
                    continue
                if dist[w] < 0:
                    dist[w] = dist[v] + 1
                    q.append(w)
                if dist[w] == dist[v] + 1:
                    sigma[w] += sigma[v]
                    pred[w].append((v, e))
        delta = [Fraction(0)] * n
        for w in reversed(order):
            for v, e in pred[w]:
                c = Fraction(sigma[v], sigma[w]) * (1 + delta[w])
                delta[v] += c
                eb[e] = eb.get(e, Fraction(0)) + c
            if w != s:
                b[w] += delta[w]
    return b, eb


def first_highest(score, alive):
    best = max(score[v] for v in range(len(score)) if alive[v])
    return min(v for v in range(len(score)) if alive[v] and score[v] == best)


def orders(n, edges):
    adj = [[] for _ in range(n)]
    for e, (u, v) in enumerate(edges):
        adj[u].append((v, e))
        adj[v].append((u, e))
    out = {}
    deg = [len(adj[v]) for v in range(n)]
    b0, eb0 = brandes(n, adj, [True] * n)
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from(edges)
    nxb = nx.betweenness_centrality(G, normalized=False)
    assert all(abs(2 * nxb[v] - float(b0[v])) <= 1e-9 * max(1, float(b0[v])) for v in range(n))
    nxe = nx.edge_betweenness_centrality(G, normalized=False)
    for e, (u, v) in enumerate(edges):
        x = nxe[(u, v)] if (u, v) in nxe else nxe[(v, u)]
        assert abs(2 * x - float(eb0.get(e, 0))) <= 1e-9 * max(1, 2 * x)
    for name in ("degree", "betweenness", "degree_adaptive", "betweenness_adaptive"):
        alive, seq = [True] * n, []
        for _ in range(n):
            if name == "degree":
                score = deg
            elif name == "betweenness":
                score = b0
            elif name == "degree_adaptive":
                score = [sum(1 for w, _ in adj[v] if alive[w]) for v in range(n)]
            else:
                score = brandes(n, adj, alive)[0]
            v = first_highest(score, alive)
            alive[v] = False
            seq.append(v)
        out[name] = seq
    m = len(edges)
    escore = [eb0.get(e, Fraction(0)) for e in range(m)]
    out["edge_betweenness"] = sorted(range(m), key=lambda e: (-escore[e], e))
    return out


def graphs():
    yield "c9", nx.cycle_graph(9)
    yield "k35", nx.complete_bipartite_graph(3, 5)
    yield "q4", nx.hypercube_graph(4)
    yield "dodeca", nx.dodecahedral_graph()
    yield "torus", nx.grid_2d_graph(5, 7, periodic=True)
    yield "circ21", nx.circulant_graph(21, [1, 4, 6])
    yield "k33c3", nx.cartesian_product(nx.complete_bipartite_graph(3, 3), nx.cycle_graph(3))


def main():
    lines = []
    for name, G in graphs():
        idx = {v: i for i, v in enumerate(sorted(G.nodes()))}
        edges = sorted(tuple(sorted((idx[a], idx[b]))) for a, b in G.edges())
        n = len(idx)
        lines.append("%s.edges %s" % (name, " ".join("%d %d" % e for e in edges)))
        for k, seq in orders(n, edges).items():
            lines.append("%s.%s %s" % (name, k, " ".join(str(x) for x in seq)))
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote", OUT, len(lines), "lines")


main()
