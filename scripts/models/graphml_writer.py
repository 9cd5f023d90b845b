"""Minimal GraphML writer for twingraph data and models.

Emits only scalar attribute types (boolean, int, long, float, double, string),
node and edge ids as given, and one <key> per (domain, name).  No graph-level
data.  Doubles are written with repr() so they round-trip exactly.
"""
from xml.sax.saxutils import escape, quoteattr

NS = "http://graphml.graphdrawing.org/xmlns"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = ("http://graphml.graphdrawing.org/xmlns "
          "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd")
TYPES = ("boolean", "int", "long", "float", "double", "string")


def _fmt(value, typ):
    if typ == "boolean":
        return "true" if value else "false"
    if typ in ("int", "long"):
        return str(int(value))
    if typ in ("float", "double"):
        return repr(float(value))
    return escape(str(value))


def write_graphml(path, directed, node_keys, edge_keys, nodes, edges):
    """Write a graph.

    node_keys, edge_keys: lists of (name, type) in output order.
    nodes: list of (id, {attr: value}).
    edges: list of (id, source_id, target_id, {attr: value}).
    Attributes missing from a node/edge dict are simply not written.
    """
    for name, typ in list(node_keys) + list(edge_keys):
        if typ not in TYPES:
            raise ValueError("unsupported GraphML type %r for %r" % (typ, name))
    ids = set()
    for nid, _ in nodes:
        if nid in ids:
            raise ValueError("duplicate node id %r" % nid)
        ids.add(nid)
    eids = set()
    for eid, s, t, _ in edges:
        if eid in eids:
            raise ValueError("duplicate edge id %r" % eid)
        if s not in ids or t not in ids:
            raise ValueError("edge %r references unknown node" % eid)
        eids.add(eid)

    nk = {name: ("d%d" % i, typ) for i, (name, typ) in enumerate(node_keys)}
    off = len(node_keys)
    ek = {name: ("d%d" % (off + i), typ) for i, (name, typ) in enumerate(edge_keys)}

    out = []
    w = out.append
    w('<?xml version="1.0" encoding="UTF-8"?>\n')
    w('<graphml xmlns="%s"\n         xmlns:xsi="%s"\n         xsi:schemaLocation="%s">\n'
      % (NS, XSI, SCHEMA))
    for name, typ in node_keys:
        w('  <key id="%s" for="node" attr.name=%s attr.type="%s"/>\n'
          % (nk[name][0], quoteattr(name), typ))
    for name, typ in edge_keys:
        w('  <key id="%s" for="edge" attr.name=%s attr.type="%s"/>\n'
          % (ek[name][0], quoteattr(name), typ))
    w('  <graph id="G" edgedefault="%s">\n' % ("directed" if directed else "undirected"))
    for nid, attrs in nodes:
        w('    <node id=%s>' % quoteattr(nid))
        for name, _ in node_keys:
            if name in attrs and attrs[name] is not None:
                kid, typ = nk[name]
                w('<data key="%s">%s</data>' % (kid, _fmt(attrs[name], typ)))
        w('</node>\n')
    for eid, s, t, attrs in edges:
        w('    <edge id=%s source=%s target=%s>' % (quoteattr(eid), quoteattr(s), quoteattr(t)))
        for name, _ in edge_keys:
            if name in attrs and attrs[name] is not None:
                kid, typ = ek[name]
                w('<data key="%s">%s</data>' % (kid, _fmt(attrs[name], typ)))
        w('</edge>\n')
    w('  </graph>\n</graphml>\n')
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(out))
