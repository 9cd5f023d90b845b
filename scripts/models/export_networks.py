#!/usr/bin/python3
"""Export two real networks from graph-tool's bundled collection to clean GraphML.

Usage (from the repository root):
    /usr/bin/python3 scripts/models/export_networks.py

Writes data/networks/celegansneural.graphml and data/networks/power.graphml.
Node ids are "n<vertex index>", edge ids "e<edge index in iteration order>".
The celegans edge property "value" is written as the double attribute "weight".
Vector properties (the layout "pos") are dropped.  A string vertex property
"label", if present, is kept as a node attribute "label".
Afterwards each file is read back with python-igraph to check the counts.
"""
import os
import sys

import graph_tool.collection as collection

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from graphml_writer import write_graphml  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "data", "networks")


def export(name, weight_prop=None):
    g = collection.data[name]
    node_keys = []
    label = None
    if "label" in g.vp and g.vp["label"].value_type() == "string":
        label = g.vp["label"]
        node_keys.append(("label", "string"))
    nodes = []
    for v in g.vertices():
        attrs = {}
        if label is not None:
            attrs["label"] = label[v]
        nodes.append(("n%d" % int(v), attrs))
    edge_keys = []
    w = None
    if weight_prop is not None:
        w = g.ep[weight_prop]
        edge_keys.append(("weight", "double"))
    edges = []
    for i, e in enumerate(g.edges()):
        attrs = {"weight": float(w[e])} if w is not None else {}
        edges.append(("e%d" % i, "n%d" % int(e.source()), "n%d" % int(e.target()), attrs))
    path = os.path.join(OUT, name + ".graphml")
    write_graphml(path, g.is_directed(), node_keys, edge_keys, nodes, edges)
    return path, g.num_vertices(), g.num_edges(), g.is_directed()


def check(path, n, m, directed):
    import igraph
    h = igraph.Graph.Read_GraphML(path)
    assert h.vcount() == n and h.ecount() == m and h.is_directed() == directed, \
        (path, h.vcount(), h.ecount(), h.is_directed())
    print("%s: %d nodes, %d edges, directed=%s (igraph read-back OK)"
          % (os.path.relpath(path, ROOT), n, m, directed))


def main():
    os.makedirs(OUT, exist_ok=True)
    check(*export("celegansneural", weight_prop="value"))
    check(*export("power"))


if __name__ == "__main__":
    main()
