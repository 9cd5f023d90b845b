#!/usr/bin/python3
"""Reference ("golden") graph measures for the twingraph tests, computed with
python-igraph 0.10.2 (Debian's python3-igraph).  Run from anywhere with

    /usr/bin/python3 tests/golden/make_golden.py

It reads four GraphML files and writes tests/golden/<name>.json:
    data/networks/celegansneural.graphml  -> celegansneural.json (directed, weighted, 14 parallel edges)
    data/networks/power.graphml           -> power.json          (undirected)
    models/lhc_sector.graphml             -> lhc_sector.json     (directed, edge "length")
    models/campus_network.graphml         -> campus_network.json (undirected)

Conventions (every value is exactly what the named igraph call returns; the C
engine must reproduce these, so read them before comparing):

- Vertex order = GraphML document order = igraph vertex index; per_node arrays are
  in that order.  Node ids in the top-10 lists are the GraphML ids (g.vs["id"]).
- Graphs are read as they are: multi-edges (celegans) are kept, never simplified,
  except for the Louvain entry (see below).
- "components": number of weakly connected components; "largest_component": its
  size (igraph's giant(): first largest component on ties).
- "transitivity": g.transitivity_undirected() -- the graph is treated as undirected.
- "average_clustering": arithmetic mean over ALL nodes of
  g.transitivity_local_undirected(mode="zero") (nodes of degree < 2 count as 0).
- "average_path_length", "diameter": computed on the subgraph induced by the largest
  weakly connected component, with directed=g.is_directed() and unconn=True:
  in a directed graph only reachable ordered pairs are averaged / maximised; unweighted.
- "global_efficiency": mean over ordered pairs (i, j), i != j, of 1/d(i, j) with
  d = g.distances(mode="out") (unweighted, whole graph); unreachable pairs add 0,
  the denominator is always n (n - 1).  Computed here with numpy, not by igraph.
- "assortativity": g.assortativity_degree(directed=True) -- for directed graphs the
  out-degree of the source vs the in-degree of the target; for undirected graphs
  the flag is ignored (plain degree assortativity).
- "max_core": max(g.coreness(mode="all")); in a directed graph the degree used is
  in + out degree (a mutual pair of arcs counts 2).
- "articulation_points", "bridges": counts; igraph ignores edge direction here.
- "pagerank_top10" / "betweenness_top10": [[id, value], ...] the 10 largest values,
  sorted by value descending, then vertex index ascending; for the sort only,
  values are rounded to 10 significant digits so that values equal up to
  rounding noise (symmetric nodes) tie and fall back to the index.  The listed
  values themselves are unrounded.
  PageRank: g.pagerank(damping=0.85, directed=True) (PRPACK; dangling nodes
  distribute uniformly; directed flag ignored for undirected graphs).
  Betweenness: g.betweenness(directed=True), unweighted, NOT normalised; for
  undirected graphs each unordered pair is counted once.
- "modularity_louvain_median20": for seeds s = 0..19, random.seed(s) and then
  community_multilevel() on g2 = g.copy(); g2.to_undirected(mode="collapse");
  g2.simplify() (unweighted); the modularity of the final level; the JSON value is
  statistics.median of the 20 numbers (mean of the 10th and 11th when they differ).
  "modularity_louvain_all20" lists the 20 values, seed order.
- per_node:
    degree_all          g.degree(mode="all")  (multi-edges counted)
    betweenness         g.betweenness(directed=True)
    closeness_all       g.closeness(mode="all") (normalised: (reached-1)/sum of distances,
                        over the nodes reached; NaN -> null)
    harmonic_all        g.harmonic_centrality(mode="all") (normalised by n-1, igraph default)
    pagerank            as above
    coreness            g.coreness(mode="all")
    local_clustering_zero  g.transitivity_local_undirected(mode="zero")
    eigenvector         g.evcent(directed=True, scale=True) (max = 1; for directed
                        graphs the left eigenvector, i.e. centrality from in-edges)
- "weighted" (only when the graph has an edge attribute "weight" or "length"):
    strength_all   g.strength(mode="all", weights=attr)
    betweenness    g.betweenness(directed=True, weights=attr)  -- the attribute is used
                   as an edge LENGTH (a cost), also for celegans "weight" (synapse counts)
    closeness_all  g.closeness(mode="all", weights=attr)        -- same, lengths
- Floats are written with Python's repr (shortest round-trip), so they are exact
  igraph doubles; compare with a relative tolerance (1e-9 suggested; Louvain
  and eigenvector are iterative, use ~1e-6 there).  igraph's PageRank (PRPACK)
  is itself not bit-reproducible between runs on power (differences ~1e-13
  relative), and global_efficiency differs from networkx in the last digits
  (summation order).
- Extra keys beyond the agreed schema: "file" (input path) and
  "modularity_louvain_all20".
"""
import json
import math
import os
import random
import statistics

import igraph
import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUTDIR = os.path.dirname(os.path.abspath(__file__))
GRAPHS = [
    ("celegansneural", "data/networks/celegansneural.graphml"),
    ("power", "data/networks/power.graphml"),
    ("lhc_sector", "models/lhc_sector.graphml"),
    ("campus_network", "models/campus_network.graphml"),
]


def clean(x):
    """NaN -> None (JSON null); numpy scalars -> Python floats."""
    if isinstance(x, (list, tuple)):
        return [clean(v) for v in x]
    if isinstance(x, (int, bool)) or x is None:
        return x
    x = float(x)
    return None if math.isnan(x) else x


def top10(g, values):
    # Sort key: value rounded to 10 significant digits (so that values equal up to
    # floating-point noise, e.g. symmetric nodes, tie), then vertex index.
    def key(i):
        return (-float("%.10g" % values[i]), i)
    order = sorted(range(g.vcount()), key=key)[:10]
    return [[g.vs[i]["id"], float(values[i])] for i in order]


def global_efficiency(g):
    n = g.vcount()
    d = np.array(g.distances(mode="out"), dtype=float)
    np.fill_diagonal(d, np.inf)
    inv = np.zeros_like(d)
    finite = np.isfinite(d)
    inv[finite] = 1.0 / d[finite]
    return float(inv.sum() / (n * (n - 1)))


def louvain_values(g):
    g2 = g.copy()
    g2.to_undirected(mode="collapse")
    g2.simplify()
    vals = []
    for s in range(20):
        random.seed(s)
        vals.append(float(g2.community_multilevel().modularity))
    return vals


def measures(g):
    directed = g.is_directed()
    comps = g.connected_components(mode="weak")
    lcc = comps.giant()
    pr = g.pagerank(damping=0.85, directed=True)
    bw = g.betweenness(directed=True)
    lv = louvain_values(g)
    r = {
        "source": "python-igraph %s via tests/golden/make_golden.py" % igraph.__version__,
        "nodes": g.vcount(),
        "edges": g.ecount(),
        "directed": directed,
        "components": len(comps),
        "largest_component": lcc.vcount(),
        "transitivity": g.transitivity_undirected(),
        "average_clustering": float(np.mean(g.transitivity_local_undirected(mode="zero"))),
        "average_path_length": lcc.average_path_length(directed=directed, unconn=True),
        "diameter": lcc.diameter(directed=directed, unconn=True),
        "global_efficiency": global_efficiency(g),
        "assortativity": g.assortativity_degree(directed=True),
        "max_core": max(g.coreness(mode="all")),
        "articulation_points": len(g.articulation_points()),
        "bridges": len(g.bridges()),
        "pagerank_top10": top10(g, pr),
        "betweenness_top10": top10(g, bw),
        "modularity_louvain_median20": float(statistics.median(lv)),
        "modularity_louvain_all20": lv,
        "per_node": {
            "degree_all": g.degree(mode="all"),
            "betweenness": bw,
            "closeness_all": g.closeness(mode="all"),
            "harmonic_all": g.harmonic_centrality(mode="all"),
            "pagerank": pr,
            "coreness": g.coreness(mode="all"),
            "local_clustering_zero": g.transitivity_local_undirected(mode="zero"),
            "eigenvector": g.evcent(directed=True, scale=True),
        },
    }
    for attr in ("weight", "length"):
        if attr in g.es.attributes():
            r["weighted"] = {
                "attr": attr,
                "strength_all": g.strength(mode="all", weights=attr),
                "betweenness": g.betweenness(directed=True, weights=attr),
                "closeness_all": g.closeness(mode="all", weights=attr),
            }
            break
    for k in ("transitivity", "average_clustering", "average_path_length", "assortativity"):
        r[k] = clean(r[k])
    for sect in ("per_node", "weighted"):
        if sect in r:
            for k, v in r[sect].items():
                if isinstance(v, list):
                    r[sect][k] = clean(v)
    return r


def main():
    for name, rel in GRAPHS:
        g = igraph.Graph.Read_GraphML(os.path.join(ROOT, rel))
        r = measures(g)
        r["file"] = rel
        out = os.path.join(OUTDIR, name + ".json")
        with open(out, "w") as f:
            json.dump(r, f, allow_nan=False, separators=(",", ":"))
            f.write("\n")
        print("%s: n=%d m=%d directed=%s comps=%d Q=%.4f -> %s"
              % (name, r["nodes"], r["edges"], r["directed"], r["components"],
                 r["modularity_louvain_median20"], os.path.relpath(out, ROOT)))


if __name__ == "__main__":
    main()
