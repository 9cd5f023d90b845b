#!/usr/bin/python3
"""Generate models/campus_network.graphml: a small campus computer network
(undirected), with dual-homed redundancy, for reliability and centrality studies.

Usage (from the repository root):
    /usr/bin/python3 scripts/models/gen_campus_network.py

Deterministic.  Topology: two internet uplinks (different ISPs) -> two firewalls
(HA pair) -> two core routers -> per building two distribution switches, each
access switch dual-homed to both; a data-centre switch pair with dual-homed
servers; a remote site on a WAN link (single-homed access switches there).
All reliability/cost figures are order-of-magnitude estimates (see models/README.md).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from graphml_writer import write_graphml  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "models", "campus_network.graphml")

# type -> (failure_rate 1/h, mttr h, cost kEUR); estimates
REL = {
    "link":     (1e-4, 8.0, 10.0),     # an ISP uplink as a service (circuit outage rate)
    "firewall": (3e-5, 4.0, 40.0),
    "router":   (2e-5, 4.0, 60.0),
    "switch":   (1e-5, 4.0, 20.0),
    "server":   (5e-5, 6.0, 10.0),
}
FIBRE_FR = 1e-6          # 1/h per link (fibre/patch/optic), estimate

nodes = {}
edges = []


def node(nid, typ, section, x, y, role=None, **over):
    fr, mttr, cost = REL[typ]
    a = {"type": typ, "section": section, "role": role or typ, "failure_rate": fr,
         "mttr": mttr, "cost": cost, "x": float(x), "y": float(y)}
    a.update(over)
    assert nid not in nodes, nid
    nodes[nid] = a


def link(a, b, capacity, length, extra_latency=0.0):
    # propagation in fibre ~ 2e8 m/s -> 0.005 ms per km, plus a per-hop forwarding delay
    latency = length / 2.0e5 + 0.01 + extra_latency
    edges.append(("%s--%s" % (a, b), a, b, {"capacity": float(capacity), "length": float(length),
                                            "latency": round(latency, 6),
                                            "failure_rate": FIBRE_FR}))


node("ISP_A", "link", "internet", 0, 0, role="uplink")
node("ISP_B", "link", "internet", 200, 0, role="uplink")
node("FW1", "firewall", "datacentre", 0, 100)
node("FW2", "firewall", "datacentre", 200, 100)
node("CORE1", "router", "datacentre", 0, 200, role="core")
node("CORE2", "router", "datacentre", 200, 200, role="core")
link("ISP_A", "FW1", 10, 3000, extra_latency=2.0)
link("ISP_B", "FW2", 10, 5000, extra_latency=2.0)
link("FW1", "FW2", 10, 5)
for fw in ("FW1", "FW2"):
    for c in ("CORE1", "CORE2"):
        link(fw, c, 40, 10)
link("CORE1", "CORE2", 100, 5)

# data centre
node("DC_SW1", "switch", "datacentre", 50, 300, role="dc_switch", cost=30.0)
node("DC_SW2", "switch", "datacentre", 150, 300, role="dc_switch", cost=30.0)
for s in ("DC_SW1", "DC_SW2"):
    for c in ("CORE1", "CORE2"):
        link(s, c, 100, 10)
link("DC_SW1", "DC_SW2", 100, 3)
servers = ["SRV_DNS1", "SRV_DNS2", "SRV_DHCP", "SRV_WEB1", "SRV_WEB2",
           "SRV_DB1", "SRV_DB2", "SRV_MAIL", "SRV_STORAGE"]
for i, s in enumerate(servers):
    node(s, "server", "datacentre", 20 * i, 400, role=s[4:].rstrip("12").lower(),
         cost=40.0 if s == "SRV_STORAGE" else 10.0)
    link(s, "DC_SW1", 25, 5)
    link(s, "DC_SW2", 25, 5)

# buildings: distance of the building from the data centre (m), access switches
BUILDINGS = [("B1", 250, 5), ("B2", 600, 5), ("B3", 900, 5), ("B4", 1500, 5)]
for bi, (b, dist, nacc) in enumerate(BUILDINGS):
    da, db = "%s_DIST_A" % b, "%s_DIST_B" % b
    x0 = 400 + 300 * bi
    node(da, "switch", b, x0, 300, role="distribution")
    node(db, "switch", b, x0 + 100, 300, role="distribution")
    for d in (da, db):
        for c in ("CORE1", "CORE2"):
            link(d, c, 40, dist)
    link(da, db, 40, 2)
    for k in range(1, nacc + 1):
        a = "%s_ACC%d" % (b, k)
        node(a, "switch", b, x0 - 50 + 40 * k, 400, role="access",
             failure_rate=5e-6, mttr=8.0, cost=5.0)
        link(a, da, 10, 30 + 10 * k)
        link(a, db, 10, 30 + 10 * k)

# remote site on a WAN link (no local redundancy: single-homed access)
node("REMOTE_RTR", "router", "remote", 1000, 100, role="wan_router", cost=15.0)
link("REMOTE_RTR", "CORE1", 1, 20000, extra_latency=1.0)
link("REMOTE_RTR", "CORE2", 1, 22000, extra_latency=1.0)
for k in (1, 2):
    a = "REMOTE_ACC%d" % k
    node(a, "switch", "remote", 980 + 40 * k, 0, role="access", failure_rate=5e-6, mttr=24.0, cost=5.0)
    link(a, "REMOTE_RTR", 1, 20)

# checks: connected, unique ids
adj = {n: set() for n in nodes}
for _, a, b, _ in edges:
    adj[a].add(b)
    adj[b].add(a)
seen, stack = {"CORE1"}, ["CORE1"]
while stack:
    for w in adj[stack.pop()]:
        if w not in seen:
            seen.add(w)
            stack.append(w)
assert len(seen) == len(nodes)
assert len({e[0] for e in edges}) == len(edges)

NODE_KEYS = [("type", "string"), ("role", "string"), ("section", "string"),
             ("failure_rate", "double"), ("mttr", "double"), ("cost", "double"),
             ("x", "double"), ("y", "double")]
EDGE_KEYS = [("capacity", "double"), ("latency", "double"), ("length", "double"),
             ("failure_rate", "double")]
os.makedirs(os.path.dirname(OUT), exist_ok=True)
write_graphml(OUT, False, NODE_KEYS, EDGE_KEYS, list(nodes.items()), edges)
print("%s: %d nodes, %d edges" % (os.path.relpath(OUT, ROOT), len(nodes), len(edges)))
