"""peer_brain.py: python-networkx and python-igraph on the matrices of
bench/bench_brain.c, same run, same measures, best of REPS wall-clock
seconds (time.perf_counter); graph construction from the matrix is timed
apart (build_nx, build_ig), as bench_brain times its sparse view
(build_ours), for whole-set totals.

For each measure both peers compute, prints `RESULT brain_<tag>_<measure>_nx
s` and `..._ig s`, and checks agreement with twingraph's values (written by
bench_brain) as the largest relative difference.  Conventions mapped:
BCT betweenness counts ordered pairs (= 2 x the peers' undirected values);
weighted paths use length 1/w; Onnela clustering is networkx's weighted
clustering on W / max W (BCT's formula on W as given differs by the
normalisation, so the check runs on the normalised values); igraph has no
Onnela clustering (its weighted local transitivity is Barrat's), no local
efficiency and no weighted efficiency function: efficiency is computed
from its distance matrix, timed with it.

Usage: /usr/bin/python3 peer_brain.py matrix.csv tag ours_file reps
"""
import sys
import time

import igraph
import networkx as nx
import numpy as np


def best_of(reps, fn):
    best, value = float("inf"), None
    for _ in range(reps):
        t0 = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - t0)
    return best, value


def main():
    path, tag, ours_path, reps = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    W = np.loadtxt(path, delimiter=",")
    np.fill_diagonal(W, 0)
    n = len(W)
    ours = {}
    for line in open(ours_path):
        parts = line.split()
        ours[parts[0]] = np.array([float(x) for x in parts[1:]])
    def build_nx():
        iu, ju = np.nonzero(np.triu(W, 1))
        w = W[iu, ju]
        G = nx.Graph()
        G.add_nodes_from(range(n))
        for a, b, x in zip(iu.tolist(), ju.tolist(), w.tolist()):
            G.add_edge(a, b, weight=x, length=1 / x, nweight=x / w.max())
        return G

    def build_ig():
        iu, ju = np.nonzero(np.triu(W, 1))
        w = W[iu, ju]
        I = igraph.Graph(n=n, edges=list(zip(iu.tolist(), ju.tolist())))
        I.es["weight"] = w.tolist()
        I.es["length"] = (1 / w).tolist()
        return I

    # Graph construction from the matrix (ours works on the matrix itself):
    # reported so that a whole-matrix measure set can be compared.
    t, G = best_of(reps, build_nx)
    print("RESULT brain_%s_build_nx %.9f" % (tag, t))
    t, I = best_of(reps, build_ig)
    print("RESULT brain_%s_build_ig %.9f" % (tag, t))
    iu, ju = np.nonzero(np.triu(W, 1))
    w = W[iu, ju]

    def res(measure, peer, secs, vals=None, ref=None, scale=1.0):
        line = "RESULT brain_%s_%s_%s %.9f" % (tag, measure, peer, secs)
        print(line)
        if vals is not None and ref is not None:
            a = np.asarray(vals, float) * scale
            err = np.max(np.abs(a - ref) / np.maximum(1, np.abs(ref)))
            print("RESULT brain_%s_%s_%s_maxrel %.3g" % (tag, measure, peer, err))

    def nxvec(d):
        return [d[i] for i in range(n)]

    t, v = best_of(reps, lambda: dict(G.degree(weight="weight")))
    res("strength", "nx", t, nxvec(v), ours["strength"])
    t, v = best_of(reps, lambda: I.strength(weights="weight"))
    res("strength", "ig", t, v, ours["strength"])
    t, v = best_of(reps, lambda: nx.clustering(G))
    res("clustering_bin", "nx", t, nxvec(v), ours["clustering_bin"])
    t, v = best_of(reps, lambda: I.transitivity_local_undirected(mode="zero"))
    res("clustering_bin", "ig", t, v, ours["clustering_bin"])
    t, v = best_of(reps, lambda: nx.clustering(G, weight="nweight"))
    # BCT's formula on W equals networkx's on W/max(W) times max(W): (W/max)^(1/3) products.
    res("clustering_wei", "nx", t, nxvec(v), ours["clustering_wei"] / w.max())
    t, v = best_of(reps, lambda: nx.transitivity(G))
    res("transitivity_bin", "nx", t, [v], ours["transitivity_bin"])
    t, v = best_of(reps, lambda: I.transitivity_undirected())
    res("transitivity_bin", "ig", t, [v], ours["transitivity_bin"])
    t, v = best_of(reps, lambda: nx.betweenness_centrality(G, weight="length", normalized=False))
    res("betweenness_wei", "nx", t, nxvec(v), ours["betweenness_wei"], 2.0)
    t, v = best_of(reps, lambda: I.betweenness(weights="length"))
    res("betweenness_wei", "ig", t, v, ours["betweenness_wei"], 2.0)
    t, v = best_of(reps, lambda: nx.betweenness_centrality(G, normalized=False))
    res("betweenness_bin", "nx", t, nxvec(v), ours["betweenness_bin"], 2.0)
    t, v = best_of(reps, lambda: I.betweenness())
    res("betweenness_bin", "ig", t, v, ours["betweenness_bin"], 2.0)

    def nx_eff_wei():
        tot = 0.0
        for s, d in nx.all_pairs_dijkstra_path_length(G, weight="length"):
            tot += sum(1 / x for t_, x in d.items() if t_ != s)
        return tot / (n * (n - 1))

    def ig_eff(weights):
        D = np.array(I.distances(weights=weights), dtype=float)
        np.fill_diagonal(D, np.inf)
        return (1 / D).sum() / (n * (n - 1))

    t, v = best_of(reps, nx_eff_wei)
    res("efficiency_wei", "nx", t, [v], ours["efficiency_wei"])
    t, v = best_of(reps, lambda: ig_eff("length"))
    res("efficiency_wei", "ig", t, [v], ours["efficiency_wei"])
    t, v = best_of(reps, lambda: nx.global_efficiency(G))
    res("efficiency_bin", "nx", t, [v], ours["efficiency_bin"])
    t, v = best_of(reps, lambda: ig_eff(None))
    res("efficiency_bin", "ig", t, [v], ours["efficiency_bin"])
    t, v = best_of(max(1, reps // 5), lambda: nx.local_efficiency(G))
    res("local_efficiency_bin", "nx", t, [v * n], [ours["local_efficiency_bin"].sum()])
    t, v = best_of(reps, lambda: nx.degree_assortativity_coefficient(G))
    res("assortativity_bin", "nx", t, [v], ours["assortativity_bin"])
    t, v = best_of(reps, lambda: I.assortativity_degree(directed=False))
    res("assortativity_bin", "ig", t, [v], ours["assortativity_bin"])
    t, v = best_of(reps, lambda: nx.community.louvain_communities(G, weight="weight", seed=1))
    qn = nx.community.modularity(G, v, weight="weight")
    res("louvain", "nx", t)
    t, v = best_of(reps, lambda: I.community_multilevel(weights="weight"))
    res("louvain", "ig", t)
    print("RESULT brain_%s_louvain_q %.4f/%.4f/%.4f" % (tag, ours["louvain"][0], qn, v.modularity))
    t, v = best_of(reps, lambda: nx.core_number(G))
    res("coreness", "nx", t, nxvec(v), ours["coreness"])
    t, v = best_of(reps, lambda: I.coreness())
    res("coreness", "ig", t, v, ours["coreness"])


main()
