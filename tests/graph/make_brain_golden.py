#!/usr/bin/python3
"""Golden values for tests/graph/test_brain.c and tests/lua/test_brain.lua.

Run with Debian's Python (numpy, networkx): /usr/bin/python3 tests/graph/make_brain_golden.py
It writes tests/graph/files/brain_golden.txt: one line per value set,
"<case>.<measure> v1 v2 ...", %.17g.

How each value is obtained (independently of the C code):
- BCT formulas re-implemented here in numpy in their matrix form, following
  the MATLAB functions (threshold_proportional, clustering_coef_wu/_bu/_bd/_wd,
  transitivity_*, distance_wei via a plain O(n^2) Dijkstra, charpath,
  efficiency_bin/_wei (global and local, both local variants), betweenness via
  a path-enumeration Brandes written from the definition, participation_coef,
  module_degree_zscore (std with n-1), assortativity_bin/_wei, rich_club_bu/_wu,
  community_louvain's modularity matrix for Q of a given partition).
- Cross-checks against python-networkx where it computes the same quantity:
  betweenness (BCT = 2 x networkx unnormalised on undirected graphs), Onnela
  clustering (networkx normalises by the max weight; equal on W / max W),
  binary transitivity, global and local efficiency, degree assortativity,
  core numbers, modularity with resolution.  The script asserts agreement to
  1e-9 and stops otherwise, so every golden line is confirmed by two codes
  where networkx has the measure.
- BCT's own MATLAB outputs shipped with bctpy's tests (sample_pc.txt,
  sample_zi.txt: participation and z-score of sample_data thresholded at 0.4
  with sample_partition.txt) are compared in the C test directly.
"""
import os
import numpy as np
import networkx as nx

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
D = os.path.join(ROOT, "data", "connectomes")
OUT = os.path.join(ROOT, "tests", "graph", "files", "brain_golden.txt")
lines = []


def put(key, vals):
    vals = np.atleast_1d(np.asarray(vals, dtype=float))
    lines.append(key + " " + " ".join("%.17g" % v for v in vals))


def load(path):
    return np.loadtxt(path, delimiter=",")


def thr_prop(W, p):
    W = W.copy()
    n = len(W)
    np.fill_diagonal(W, 0)
    sym = np.array_equal(W, W.T)
    if sym:
        W = np.triu(W)
    ud = 2 if sym else 1
    ind = np.flatnonzero(W.T)            # MATLAB find(): column-major order
    cols, rows = ind // n, ind % n
    order = np.argsort(-W[rows, cols], kind="stable")
    en = int(np.floor((n * n - n) * p / ud + 0.5))
    drop = order[en:]
    W[rows[drop], cols[drop]] = 0
    return W + W.T if sym else W


def dijkstra_all(L):
    """All-pairs shortest path lengths, O(n^3) textbook Dijkstra."""
    n = len(L)
    Dm = np.full((n, n), np.inf)
    for s in range(n):
        d = Dm[s]
        d[s] = 0
        done = np.zeros(n, bool)
        for _ in range(n):
            dd = np.where(done, np.inf, d)
            u = int(np.argmin(dd))
            if dd[u] == np.inf:
                break
            done[u] = True
            nb = np.flatnonzero(L[u])
            nb = nb[nb != u]
            nd = d[u] + L[u, nb]
            m = nd < d[nb]
            d[nb[m]] = nd[m]
    return Dm


def inv_dist(L):
    Dm = dijkstra_all(L)
    np.fill_diagonal(Dm, np.inf)
    return 1 / Dm


def lengths(W):
    L = np.zeros_like(W)
    L[W > 0] = 1 / W[W > 0]
    return L


def clustering(W, directed, weighted):
    A = (W != 0).astype(float)
    np.fill_diagonal(A, 0)
    X = np.cbrt(W) if weighted else A
    X = X.copy()
    np.fill_diagonal(X, 0)
    if directed:
        S = X + X.T
        K = (A + A.T).sum(1)
        cyc3 = np.diag(S @ S @ S) / 2
        den = K * (K - 1) - 2 * np.diag(A @ A)
    else:
        K = A.sum(1)
        cyc3 = np.diag(X @ X @ X)
        den = K * (K - 1)
    C = np.zeros(len(W))
    nz = cyc3 != 0
    C[nz] = cyc3[nz] / den[nz]
    T = cyc3.sum() / den.sum()
    return C, T


def local_eff(W, weighted, variant):
    n = len(W)
    A = (W > 0 if weighted else W != 0).astype(float)
    np.fill_diagonal(A, 0)
    L = lengths(W) if weighted else A
    cW = np.cbrt(np.where(W > 0, W, 0)) if weighted else A
    E = np.zeros(n)
    for u in range(n):
        V = np.flatnonzero(np.logical_or(A[u], A[:, u]))
        sa = A[u, V] + A[V, u]
        sw = cW[u, V] + cW[V, u]
        if not weighted:
            di = inv_dist(A[np.ix_(V, V)])
            se = di + di.T
        elif variant == 1:
            di = inv_dist(L[np.ix_(V, V)])
            se = np.cbrt(di) + np.cbrt(di.T)
        else:
            di = inv_dist(np.cbrt(L[np.ix_(V, V)]))
            se = di + di.T
        numer = (np.outer(sw, sw) * se).sum() / 2
        if numer != 0:
            E[u] = numer / (sa.sum() ** 2 - (sa ** 2).sum())
    return E


def betweenness(L):
    """BCT ordered-pair betweenness.  Shortest-path predecessors of t from s
    are the v with D(s,v) + L(v,t) == D(s,t) in floating point (the tie rule
    of BCT's Dijkstra and of networkx); sigma by dynamic programming in
    order of distance, dependencies pushed back in reverse order."""
    n = len(L)
    Dm = dijkstra_all(L)
    bc = np.zeros(n)
    for s in range(n):
        order = [t for t in np.argsort(Dm[s], kind="stable") if Dm[s, t] < np.inf]
        preds = {t: [v for v in np.flatnonzero(L[:, t])
                     if v != t and Dm[s, v] + L[v, t] == Dm[s, t] and Dm[s, v] < Dm[s, t]]
                 for t in order}
        sig = np.zeros(n)
        sig[s] = 1
        for t in order:
            if t != s:
                sig[t] = sum(sig[v] for v in preds[t])
        delta = np.zeros(n)
        for t in reversed(order):
            for v in preds[t]:
                delta[v] += sig[v] / sig[t] * (1 + delta[t])
            if t != s:
                bc[t] += delta[t]
    return bc


def participation(W, ci):
    Ko = W.sum(1)
    Kc2 = sum(W[:, ci == m].sum(1) ** 2 for m in np.unique(ci))
    P = np.ones(len(W)) - Kc2 / np.where(Ko == 0, 1, Ko) ** 2
    P[Ko == 0] = 0
    return P


def zscore(W, ci):
    Z = np.zeros(len(W))
    for m in np.unique(ci):
        idx = ci == m
        k = W[np.ix_(idx, idx)].sum(1)
        with np.errstate(invalid="ignore", divide="ignore"):
            Z[idx] = (k - k.mean()) / k.std(ddof=1)
    Z[~np.isfinite(Z)] = 0
    return Z


def assort(W, directed, weighted):
    A = (W != 0)
    if weighted:
        kout, kin = W.sum(1), W.sum(0)
    else:
        kout, kin = A.sum(1).astype(float), A.sum(0).astype(float)
    # BCT assortativity_bin/_wei: Newman's symmetric form for every flag
    # (directed: out-value of the source against in-value of the target).
    # Edges are the positive entries (BCT: find(CIJ > 0), triu(CIJ,1) > 0
    # undirected) while degrees count every nonzero (degrees_und: CIJ ~= 0)
    # and strengths sum the signed weights.
    if not directed:
        i, j = np.nonzero(np.triu(W, 1) > 0)
        x, y = kout[i], kout[j]
    else:
        i, j = np.nonzero(W > 0)
        x, y = kout[i], kin[j]
    K = len(i)
    m = (0.5 * (x + y)).sum() / K
    return ((x * y).sum() / K - m * m) / ((0.5 * (x * x + y * y)).sum() / K - m * m)


def rich_club(W, directed, weighted, kmax):
    A = (W != 0)
    deg = A.sum(1) + (A.sum(0) if directed else 0)
    ranked = -np.sort(-W[A])
    R = []
    # BCT rich_club_bu/_bd keep degree > k; rich_club_wu/_wd keep degree >= k
    # and give NaN at a level that removes no node.
    for k in range(1, kmax + 1):
        sel = deg >= k if weighted else deg > k
        nk = sel.sum()
        if (nk == len(deg)) if weighted else (nk < 2):
            R.append(np.nan)
            continue
        sub = W[np.ix_(sel, sel)]
        ek = (sub != 0).sum()
        R.append(sub.sum() / ranked[:ek].sum() if weighted else ek / (nk * (nk - 1)))
    return np.array(R)


def modq(W, ci, gamma, sign):
    W = W.copy()
    np.fill_diagonal(W, 0)
    W0 = np.where(W > 0, W, 0)
    W1 = np.where(W < 0, -W, 0)
    s0, s1 = W0.sum(), W1.sum()
    B0 = W0 - gamma * np.outer(W0.sum(1), W0.sum(0)) / s0 if s0 else 0 * W
    B1 = W1 - gamma * np.outer(W1.sum(1), W1.sum(0)) / s1 if s1 else 0 * W
    if sign == 0:
        B = B0 / s0
    elif sign == 1:
        B = B0 / (s0 + s1) - B1 / (s0 + s1)
    else:
        B = B0 / s0 - B1 / (s0 + s1)
    B = (B + B.T) / 2
    return B[ci[:, None] == ci[None, :]].sum()


def close(a, b, what, tol=1e-9):
    a, b = np.asarray(a, float), np.asarray(b, float)
    err = np.nanmax(np.abs(a - b) / np.maximum(1, np.abs(b)))
    assert err <= tol, "%s: networkx disagrees by %g" % (what, err)


def nxg(W, directed, length=False):
    G = nx.DiGraph() if directed else nx.Graph()
    G.add_nodes_from(range(len(W)))
    for i, j in zip(*np.nonzero(W)):
        if i != j and (directed or i < j):
            G.add_edge(int(i), int(j), weight=float(W[i, j]), length=1 / float(W[i, j]) if W[i, j] > 0 else 0)
    return G


def case(name, W, directed, weighted, ci=None, signed=False):
    n = len(W)
    W = W.copy()
    np.fill_diagonal(W, 0)
    A = (W != 0).astype(float)
    if directed:
        put(name + ".degree", A.sum(1) + A.sum(0))
        put(name + ".strength", W.sum(1) + W.sum(0))
    else:
        put(name + ".degree", A.sum(1))
        put(name + ".strength", W.sum(1))
    if not signed:
        C, T = clustering(W, directed, weighted)
        put(name + ".clustering", C)
        put(name + ".transitivity", T)
        Cb, Tb = clustering(W, directed, False)
        put(name + ".clustering_bin", Cb)
        put(name + ".transitivity_bin", Tb)
        L = lengths(W) if weighted else A
        Dm = dijkstra_all(L)
        fin = np.isfinite(Dm) & ~np.eye(n, dtype=bool)
        off = ~np.eye(n, dtype=bool)
        put(name + ".lambda_finite", Dm[fin].mean())
        put(name + ".lambda", Dm[off].mean())
        put(name + ".efficiency", inv_dist(L).sum() / (n * n - n))
        put(name + ".efficiency_bin", inv_dist(A).sum() / (n * n - n))
        put(name + ".local_efficiency_bin", local_eff(W, False, 0))
        if weighted:
            put(name + ".local_efficiency1", local_eff(W, True, 1))
            put(name + ".local_efficiency2", local_eff(W, True, 2))
        bc = betweenness(L)
        put(name + ".betweenness", bc)
        put(name + ".betweenness_bin", betweenness(A))
        put(name + ".assortativity", assort(W, directed, weighted))
        put(name + ".assortativity_bin", assort(W, directed, False))
        put(name + ".rich_club_bin", rich_club(W, directed, False, 12))
        if weighted:
            put(name + ".rich_club_wei", rich_club(W, directed, True, 12))
        # networkx cross-checks
        G = nxg(W, directed)
        nb = nx.betweenness_centrality(G, weight="length" if weighted else None, normalized=False)
        close(bc, [nb[i] * (1 if directed else 2) for i in range(n)], name + " betweenness")
        if directed:
            core = nx.core_number(G)   # in + out degree, as BCT kcore_bd
            put(name + ".coreness", [core[i] for i in range(n)])
        if not directed:
            close(Tb, nx.transitivity(G), name + " transitivity")
            close(inv_dist(A).sum() / (n * n - n), nx.global_efficiency(G), name + " efficiency")
            le = nx.local_efficiency(G) * n
            close(local_eff(W, False, 0).sum(), le, name + " local efficiency")
            close(assort(W, False, False), nx.degree_assortativity_coefficient(G), name + " assortativity")
            core = nx.core_number(G)
            put(name + ".coreness", [core[i] for i in range(n)])
            if weighted and W.min() >= 0:
                Gn = nxg(W / W.max(), False)
                cn = nx.clustering(Gn, weight="weight")
                close(clustering(W / W.max(), False, True)[0], [cn[i] for i in range(n)], name + " clustering")
    if signed:
        # BCT on a signed matrix: edges are the positive entries, degrees
        # count every nonzero, strengths sum the signed weights.
        put(name + ".assortativity", assort(W, directed, weighted))
        put(name + ".assortativity_bin", assort(W, directed, False))
    if ci is not None:
        put(name + ".partition", ci)
        put(name + ".participation", participation(W, ci))
        put(name + ".zscore", zscore(W, ci))
        for g in (1.0, 0.5, 2.0):
            for sign in ((0,) if not signed else (1, 2)):
                q = modq(W, ci, g, sign)
                put("%s.modularity_g%g_s%d" % (name, g, sign), q)
                if sign == 0 and not directed:
                    comms = [set(np.flatnonzero(ci == m).tolist()) for m in np.unique(ci)]
                    close(q, nx.community.modularity(nxg(W, False), comms, weight="weight", resolution=g),
                          name + " modularity")


def case_light(name, W):
    """Edge-walking and local measures of a large undirected connectome
    (crossley638: the numpy path code above is too slow at 638 nodes).
    Read with numpy's own gzip support, independently of twingraph's reader."""
    n = len(W)
    W = W.copy()
    np.fill_diagonal(W, 0)
    assert np.array_equal(W, W.T)
    A = (W != 0).astype(float)
    put(name + ".degree", A.sum(1))
    put(name + ".strength", W.sum(1))
    C, _ = clustering(W, False, True)
    put(name + ".clustering", C)
    Cb, Tb = clustering(W, False, False)
    put(name + ".transitivity_bin", Tb)
    put(name + ".assortativity", assort(W, False, True))
    put(name + ".assortativity_bin", assort(W, False, False))
    G = nxg(W, False)
    close(Tb, nx.transitivity(G), name + " transitivity")
    close(assort(W, False, False), nx.degree_assortativity_coefficient(G), name + " assortativity")
    Gn = nxg(W / W.max(), False)
    cn = nx.clustering(Gn, weight="weight")
    close(clustering(W / W.max(), False, True)[0], [cn[i] for i in range(n)], name + " clustering")
    core = nx.core_number(G)
    put(name + ".coreness", [core[i] for i in range(n)])
    put(name + ".efficiency_bin", nx.global_efficiency(G))


def main():
    s138 = load(os.path.join(D, "bctpy_sample138", "sample_data.csv"))
    ci = np.loadtxt(os.path.join(D, "bctpy_sample138", "sample_partition.txt")).astype(int) - 1
    W = thr_prop(s138, 0.4)
    put("thr.sample138_p023_edges", (thr_prop(s138, 0.23) != 0).sum() / 2)
    put("thr.sample138_p04_sum", thr_prop(s138, 0.4).sum())
    case("s138", W, False, True, ci)
    # smaller threshold: disconnected, exercises infinite distances
    case("s138sparse", thr_prop(s138, 0.02), False, True)
    mac = load(os.path.join(D, "bct_macaque47", "macaque47.csv"))
    # Directed cases with a fixed partition (thirds by index): participation
    # and z-score on out-connections, modularity of community_louvain's
    # B = (W - gamma k_out k_in' / s) / s symmetrised.
    case("mac47", mac, True, False, np.arange(47) * 3 // 47)
    cat = load(os.path.join(D, "bct_cat", "cat_ctx.csv"))
    case("cat", cat, True, True, np.arange(len(cat)) * 3 // len(cat))
    sc = load(os.path.join(D, "enigma_hcp", "sc_dk68.csv"))
    hemi = np.array([0] * 34 + [1] * 34)
    case("sc68", sc / np.abs(sc).max(), False, True, hemi)
    # No shipped connectome is signed (ENIGMA's FC has negatives set to 0):
    # a signed matrix made from real data, fc minus 0.3 (about its median), the
    # same transform in the C test.
    fc = load(os.path.join(D, "enigma_hcp", "fc_dk68.csv")) - 0.3
    np.fill_diagonal(fc, 0)
    assert (fc < 0).sum() > 1000 and (fc > 0).sum() > 1000
    case("fc68", fc, False, True, hemi, signed=True)
    # Signed assortativity needs varying degrees (fc68 is complete, so its
    # binary value is NaN): fc68 with |w| < 0.2 set to 0, as in the C test.
    fct = fc.copy()
    fct[np.abs(fct) < 0.2] = 0
    assert (fct < 0).sum() > 100 and (fct > 0).sum() > 100
    put("fc68t.assortativity", assort(fct, False, True))
    put("fc68t.assortativity_bin", assort(fct, False, False))
    # The 638-region pair, stored gzipped (twingraph's matrix reader
    # decompresses .gz).
    for tag, f in (("x638rs", "group_average_rsfmri"), ("x638co", "coactivation")):
        case_light(tag, load(os.path.join(D, "crossley638", f + ".csv.gz")))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote", OUT, len(lines), "lines")


main()
