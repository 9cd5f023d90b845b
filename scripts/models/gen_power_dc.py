#!/usr/bin/python3
"""Generate data/networks/power_dc.graphml.gz: the Western States power grid
topology of data/networks/power.graphml with synthetic DC power-flow data.

Usage (from the repository root):
    /usr/bin/python3 scripts/models/gen_power_dc.py

power.graphml carries no electrical data; the values below are synthetic,
deterministic (no random numbers) and only meant to exercise DC power flow,
N-1 screening and cascades on a real 4941-bus topology:
- edge `reactance` (per unit) = 0.01 + 0.09 * frac(k * 0.618034), k the edge
  index in file order (a low-discrepancy spread over 0.01 .. 0.10); and
  `susceptance` = 1 / reactance;
- node `injection` (per unit): every 10th bus (index 0, 10, 20, ...) is a
  generator, the others are loads of 0.01 * (1 + (index mod 5)); the total
  load is shared by the generators in proportion to (1 + (index mod 3)), so
  the injections sum to zero (up to rounding to 1e-9);
- edge `capacity` (per unit) = max(1.3 * |base-case flow|, 0.05): a 30 %
  margin on the base case with slack bus n0 (solved here with scipy), so the
  base case is feasible and N-1 outages overload some lines.
"""
import gzip
import io
import os
import sys
import xml.etree.ElementTree as ET

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from graphml_writer import write_graphml  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SRC = os.path.join(ROOT, "data", "networks", "power.graphml")
OUT = os.path.join(ROOT, "data", "networks", "power_dc.graphml.gz")
NS = "{http://graphml.graphdrawing.org/xmlns}"


def main():
    root = ET.parse(SRC).getroot()
    g = root.find(NS + "graph")
    nodes = [n.get("id") for n in g.findall(NS + "node")]
    idx = {n: i for i, n in enumerate(nodes)}
    edges = [(e.get("id"), e.get("source"), e.get("target")) for e in g.findall(NS + "edge")]
    n, m = len(nodes), len(edges)
    x = [0.01 + 0.09 * ((k * 0.618034) % 1.0) for k in range(m)]
    P = np.zeros(n)
    gens = [i for i in range(n) if i % 10 == 0]
    for i in range(n):
        if i % 10:
            P[i] = -0.01 * (1 + i % 5)
    load = -P.sum()
    wsum = sum(1 + i % 3 for i in gens)
    for i in gens:
        P[i] = round(load * (1 + i % 3) / wsum, 9)
    P[gens[0]] -= P.sum()          # exact balance after rounding
    # base case, slack n0
    rows, cols, vals = [], [], []
    for k, (_, s, t) in enumerate(edges):
        a, b, bb = idx[s], idx[t], 1.0 / x[k]
        rows += [a, b, a, b]
        cols += [a, b, b, a]
        vals += [bb, bb, -bb, -bb]
    B = sp.csc_matrix((vals, (rows, cols)), shape=(n, n))
    th = np.zeros(n)
    th[1:] = spla.spsolve(B[1:, 1:].tocsc(), P[1:])
    cap = []
    for k, (_, s, t) in enumerate(edges):
        f = (th[idx[s]] - th[idx[t]]) / x[k]
        cap.append(round(max(1.3 * abs(f), 0.05), 6))
    nl = [(nid, {"injection": float(P[i])}) for i, nid in enumerate(nodes)]
    el = [(eid, s, t, {"reactance": round(x[k], 9), "susceptance": round(1.0 / round(x[k], 9), 9),
                       "capacity": cap[k]}) for k, (eid, s, t) in enumerate(edges)]
    tmp = OUT[:-3]
    write_graphml(tmp, False, [("injection", "double")],
                  [("reactance", "double"), ("susceptance", "double"), ("capacity", "double")], nl, el)
    with open(tmp, "rb") as f, open(OUT, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as z:
            z.write(f.read())
    os.remove(tmp)
    print("%s: %d buses, %d lines, %d generators, load %.4f pu"
          % (os.path.relpath(OUT, ROOT), n, m, len(gens), load))


main()
