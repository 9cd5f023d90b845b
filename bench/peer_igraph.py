"""peer_igraph.py: the python-igraph side of twingraph's benchmarks.

Runs the same operation as the matching bench/*.c program on the same
input, best of REPS wall-clock seconds (time.perf_counter), and prints
`RESULT key value` lines that bench/run.sh collects.  Where the C program
wrote its result vector (`id value` per line), the two are compared by
node id and the largest relative difference is printed.

Usage (run with Debian's /usr/bin/python3, which has python3-igraph):
  peer_igraph.py load_ncol FILE.ncol REPS
  peer_igraph.py betweenness FILE.graphml REPS OURS_FILE
  peer_igraph.py pagerank_louvain FILE.graphml REPS OURS_FILE
"""
import random
import sys
import time

import igraph


def best_of(reps, fn):
    best, value = float("inf"), None
    for _ in range(reps):
        t0 = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - t0)
    return best, value


def read_ours(path):
    ours = {}
    try:
        f = open(path)
    except OSError:
        return None
    with f:
        for line in f:
            name, value = line.split()
            ours[name] = float(value)
    return ours


def max_rel_diff(g, theirs, ours_path):
    """Largest |a-b| / max(|a|, |b|) over nodes matched by GraphML id."""
    ours = read_ours(ours_path)
    if ours is None:
        return float("nan")
    ids = g.vs["id"]
    if len(ids) != len(ours) or set(ids) != set(ours):
        return float("inf")
    worst = 0.0
    for name, b in zip(ids, theirs):
        a = ours[name]
        scale = max(abs(a), abs(b))
        if scale > 0:
            worst = max(worst, abs(a - b) / scale)
    return worst


def load_ncol(path, reps):
    def run():
        return igraph.Graph.Read_Ncol(path, names=True, weights=True, directed=False)
    t, g = best_of(reps, run)
    print(f"peer: {g.vcount()} nodes, {g.ecount()} edges; Read_Ncol best of {reps} {t:.3f} s")
    print(f"RESULT load_csv_peer {t:.6f}")
    print(f"RESULT load_csv_peer_nodes {g.vcount()}")
    print(f"RESULT load_csv_peer_edges {g.ecount()}")


def betweenness(path, reps, ours_path):
    g = igraph.Graph.Read_GraphML(path)
    t, res = best_of(reps, lambda: g.betweenness(directed=True))
    diff = max_rel_diff(g, res, ours_path)
    print(f"peer: {g.vcount()} nodes, {g.ecount()} edges; betweenness best of {reps} "
          f"{t:.4f} s; max relative difference {diff:.3g}")
    print(f"RESULT betweenness_peer {t:.6f}")
    print(f"RESULT betweenness_maxrel {diff:.3e}")


def pagerank_louvain(path, reps, ours_path):
    g = igraph.Graph.Read_GraphML(path)
    t_pr, pr = best_of(reps, lambda: g.pagerank(damping=0.85))
    random.seed(42)     # python-igraph draws from Python's random module
    t_lv, cl = best_of(reps, lambda: g.community_multilevel())
    diff = max_rel_diff(g, pr, ours_path)
    print(f"peer: pagerank {t_pr:.5f} s (max relative difference {diff:.3g}), louvain "
          f"{t_lv:.5f} s ({len(cl)} communities, modularity {cl.modularity:.6f})")
    print(f"RESULT pagerank_peer {t_pr:.6f}")
    print(f"RESULT pagerank_maxrel {diff:.3e}")
    print(f"RESULT louvain_peer {t_lv:.6f}")
    print(f"RESULT louvain_peer_q {cl.modularity:.6f}")


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    mode, path, reps = argv[1], argv[2], int(argv[3])
    if mode == "load_ncol":
        load_ncol(path, reps)
    elif mode == "betweenness":
        betweenness(path, reps, argv[4])
    elif mode == "pagerank_louvain":
        pagerank_louvain(path, reps, argv[4])
    else:
        sys.exit(__doc__)
    print(f"RESULT igraph_version {igraph.__version__}")


if __name__ == "__main__":
    main(sys.argv)
