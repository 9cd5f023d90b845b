/* dcpf.c: DC power flow, N-1 screening and overload cascades.
 *
 * The DC approximation (lossless lines, flat voltage magnitudes, small
 * angle differences) makes the line flow f = b (theta_from - theta_to) and
 * the bus balance B theta = P, B the weighted Laplacian of susceptances.
 * Fixing the slack angle to 0 and dropping its row leaves a symmetric
 * positive definite system on a connected grid: one CHOLMOD factorisation.
 *
 * Line outage k (buses i, j, susceptance b_k) changes B by -b_k a a^T with
 * a = e_i - e_j.  With w = B^-1 a (one solve with the existing factor) the
 * Sherman-Morrison formula gives the new angles
 *     theta' = theta + w f_k / (1 - b_k a^T w),
 * and 1 - b_k a^T w = 0 exactly when k is a bridge (the outage islands
 * part of the grid) -- but it is also tiny for a weak line parallel to a
 * strong one, so islanding is decided structurally for every path: the
 * bridges of the grid, found once per screening (find_bridges).  The
 * refactorising path assembles and factorises the reduced matrix without
 * line k.  The updown path keeps a simplicial LDL' copy of the factor and, per
 * outage, downdates it by the rank-1 term (cholmod_updown), solves, and
 * updates it back. */
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

struct tg_sim_grid {
    int64_t n, m, slack;
    int *from, *to;         /* per line */
    double *b, *cap, *P;    /* per line, per line (NAN = unlimited), per bus */
    int *red;               /* bus -> reduced index, -1 for the slack */
    char **bus_id;          /* copies of the graph's node ids */
    char **line_key;        /* edge id, or "source-target" (made unique with "#k") */
    tg_strmap *keys;        /* line key -> line (keys borrowed from line_key) */
    cholmod_common cc;
    cholmod_sparse *B;      /* reduced matrix, lower triangle */
    cholmod_factor *L;
    int started;
};

void tg_sim_grid_free(tg_sim_grid **grid)
{
    if (!grid || !*grid) return;
    tg_sim_grid *g = *grid;
    if (g->started) {
        cholmod_free_factor(&g->L, &g->cc);
        cholmod_free_sparse(&g->B, &g->cc);
        cholmod_finish(&g->cc);
    }
    tg_free(g->from);
    tg_free(g->to);
    tg_free(g->b);
    tg_free(g->cap);
    tg_free(g->P);
    tg_free(g->red);
    tg_strmap_free(&g->keys);
    if (g->bus_id)
        for (int64_t v = 0; v < g->n; v++) tg_free(g->bus_id[v]);
    if (g->line_key)
        for (int64_t k = 0; k < g->m; k++) tg_free(g->line_key[k]);
    tg_free(g->bus_id);
    tg_free(g->line_key);
    tg_free(g);
    *grid = NULL;
}

const char *tg_sim_grid_bus_id(const tg_sim_grid *g, int64_t v)
{
    return g && v >= 0 && v < g->n ? g->bus_id[v] : NULL;
}

const char *tg_sim_grid_line_key(const tg_sim_grid *g, int64_t k)
{
    return g && k >= 0 && k < g->m ? g->line_key[k] : NULL;
}

int64_t tg_sim_grid_line_index(const tg_sim_grid *g, const char *key)
{
    return g && key ? tg_strmap_get(g->keys, key) : -1;
}

int64_t tg_sim_grid_buses(const tg_sim_grid *g) { return g->n; }
int64_t tg_sim_grid_lines(const tg_sim_grid *g) { return g->m; }
int64_t tg_sim_grid_slack(const tg_sim_grid *g) { return g->slack; }


/* Bridges of the grid's multigraph (Tarjan's low-link, iterative DFS,
 * O(n + m)): bridge[k] = 1 when removing line k disconnects its ends.
 * Parallel lines are never bridges (the DFS skips only the tree edge
 * itself, not every line to the parent).  Used by every N-1 path: the
 * Sherman-Morrison denominator 1 - b a'w is 0 for a bridge but also tiny
 * for a weak line parallel to a strong one, so no threshold on it can
 * tell the two apart. */
static tg_status find_bridges(const tg_sim_grid *g, unsigned char *bridge)
{
    int64_t n = g->n, m = g->m;
    tg_status s = TG_OK;
    int64_t *ptr = tg_calloc((size_t)n + 1, sizeof *ptr);
    int64_t *adj = tg_malloc((size_t)(2 * m + 1) * sizeof *adj);   /* line numbers */
    int64_t *disc = tg_malloc((size_t)n * sizeof *disc), *low = tg_malloc((size_t)n * sizeof *low);
    int64_t *stk = tg_malloc((size_t)n * sizeof *stk), *pos = tg_malloc((size_t)n * sizeof *pos);
    int64_t *pedge = tg_malloc((size_t)n * sizeof *pedge);
    if (!ptr || !adj || !disc || !low || !stk || !pos || !pedge) { s = TG_ERR_NOMEM; goto out; }
    for (int64_t k = 0; k < m; k++) {
        ptr[g->from[k] + 1]++;
        ptr[g->to[k] + 1]++;
        bridge[k] = 0;
    }
    for (int64_t v = 0; v < n; v++) ptr[v + 1] += ptr[v];
    for (int64_t v = 0; v < n; v++) pos[v] = ptr[v];
    for (int64_t k = 0; k < m; k++) {
        adj[pos[g->from[k]]++] = k;
        adj[pos[g->to[k]]++] = k;
    }
    for (int64_t v = 0; v < n; v++) disc[v] = -1;
    int64_t time = 0;
    for (int64_t r = 0; r < n; r++) {
        if (disc[r] >= 0) continue;
        int64_t top = 0;
        stk[top++] = r;
        disc[r] = low[r] = time++;
        pos[r] = ptr[r];
        pedge[r] = -1;
        while (top > 0) {
            int64_t v = stk[top - 1];
            if (pos[v] < ptr[v + 1]) {
                int64_t k = adj[pos[v]++];
                if (k == pedge[v]) continue;
                int64_t w = g->from[k] == v ? g->to[k] : g->from[k];
                if (disc[w] < 0) {
                    disc[w] = low[w] = time++;
                    pos[w] = ptr[w];
                    pedge[w] = k;
                    stk[top++] = w;
                } else if (disc[w] < low[v]) {
                    low[v] = disc[w];
                }
            } else {
                top--;
                if (pedge[v] >= 0) {
                    int64_t k = pedge[v], u = g->from[k] == v ? g->to[k] : g->from[k];
                    if (low[v] < low[u]) low[u] = low[v];
                    if (low[v] > disc[u]) bridge[k] = 1;
                }
            }
        }
    }
out:
    tg_free(ptr);
    tg_free(adj);
    tg_free(disc);
    tg_free(low);
    tg_free(stk);
    tg_free(pos);
    tg_free(pedge);
    return s;
}

/* Reduced matrix (lower triangle, CHOLMOD) from the lines with alive[k]
 * (NULL = all), dropping the buses with red[v] < 0. */
static cholmod_sparse *assemble(const tg_sim_grid *g, const int *red, int nr, const unsigned char *alive,
                                cholmod_common *cc)
{
    cholmod_triplet *T = cholmod_allocate_triplet((size_t)nr, (size_t)nr, (size_t)(3 * g->m + nr + 1),
                                                  -1, CHOLMOD_REAL, cc);
    if (!T) return NULL;
    int *Ti = T->i, *Tj = T->j;
    double *Tx = T->x;
    size_t q = 0;
    for (int64_t k = 0; k < g->m; k++) {
        if (alive && !alive[k]) continue;
        int a = red[g->from[k]], c = red[g->to[k]];
        double b = g->b[k];
        if (a >= 0) { Ti[q] = a; Tj[q] = a; Tx[q++] = b; }
        if (c >= 0) { Ti[q] = c; Tj[q] = c; Tx[q++] = b; }
        if (a >= 0 && c >= 0) {
            Ti[q] = a > c ? a : c;
            Tj[q] = a > c ? c : a;
            Tx[q++] = -b;
        }
    }
    T->nnz = q;
    cholmod_sparse *A = cholmod_triplet_to_sparse(T, 0, cc);
    cholmod_free_triplet(&T, cc);
    return A;
}

tg_status tg_sim_grid_new(tg_sim_grid **out, const tg_graph *gr, const char *slack_id, char *msg)
{
    tg_msg_clear(msg);
    if (!out) return tg_msg(msg, TG_ERR_ARG, "sim.grid_new: out is NULL");
    *out = NULL;
    if (!gr) return tg_msg(msg, TG_ERR_ARG, "sim.grid_new: graph is NULL");
    int64_t n = tg_graph_node_count(gr), m0 = tg_graph_edge_count(gr);
    if (n < 1) return tg_msg(msg, TG_ERR_ARG, "sim.grid_new: the grid has no bus");
    if (n > 2000000000) return tg_msg(msg, TG_ERR_LIMIT, "sim.grid_new: too many buses");
    int cb = tg_graph_attr_find(gr, TG_EDGES, "susceptance");
    int cx = tg_graph_attr_find(gr, TG_EDGES, "reactance");
    int ccap = tg_graph_attr_find(gr, TG_EDGES, "capacity");
    int cinj = tg_graph_attr_find(gr, TG_NODES, "injection");
    if (cb < 0 && cx < 0)
        return tg_msg(msg, TG_ERR_ARG, "sim.grid_new: edges need a 'susceptance' or 'reactance' attribute");
    double *bv = NULL, *cv = NULL, *pv = NULL;
    tg_sim_grid *g = NULL;
    tg_status s = TG_OK;
    bv = tg_malloc((size_t)(m0 ? m0 : 1) * sizeof *bv);
    cv = tg_malloc((size_t)(m0 ? m0 : 1) * sizeof *cv);
    pv = tg_calloc((size_t)n, sizeof *pv);
    g = tg_calloc(1, sizeof *g);
    if (!bv || !cv || !pv || !g) { s = tg_msg(msg, TG_ERR_NOMEM, "sim.grid_new: out of memory"); goto fail; }
    const char *bname = cb >= 0 ? "susceptance" : "reactance";
    s = tg_graph_attr_numeric(gr, TG_EDGES, bname, false, bv, msg);
    if (s != TG_OK) goto fail;
    if (ccap >= 0) {
        s = tg_graph_attr_numeric(gr, TG_EDGES, "capacity", false, cv, msg);
        if (s != TG_OK) goto fail;
    } else {
        for (int64_t k = 0; k < m0; k++) cv[k] = 0;
    }
    if (cinj >= 0) {
        s = tg_graph_attr_numeric(gr, TG_NODES, "injection", false, pv, msg);
        if (s != TG_OK) goto fail;
    }
    for (int64_t v = 0; v < n; v++)
        if (!isfinite(pv[v])) {
            s = tg_msg(msg, TG_ERR_NUMERIC, "sim.grid_new: node '%s': injection is not a finite number",
                       tg_graph_node_id(gr, v));
            goto fail;
        }
    g->n = n;
    g->from = tg_malloc((size_t)(m0 ? m0 : 1) * sizeof *g->from);
    g->to = tg_malloc((size_t)(m0 ? m0 : 1) * sizeof *g->to);
    g->b = tg_malloc((size_t)(m0 ? m0 : 1) * sizeof *g->b);
    g->cap = tg_malloc((size_t)(m0 ? m0 : 1) * sizeof *g->cap);
    g->red = tg_malloc((size_t)n * sizeof *g->red);
    g->bus_id = tg_calloc((size_t)n, sizeof *g->bus_id);
    g->line_key = tg_calloc((size_t)(m0 ? m0 : 1), sizeof *g->line_key);
    if (!g->from || !g->to || !g->b || !g->cap || !g->red || !g->bus_id || !g->line_key ||
        tg_strmap_new(&g->keys, (size_t)(m0 ? m0 : 1)) != TG_OK) {
        s = tg_msg(msg, TG_ERR_NOMEM, "sim.grid_new: out of memory");
        goto fail;
    }
    for (int64_t v = 0; v < n; v++) {
        g->bus_id[v] = tg_strdup(tg_graph_node_id(gr, v));
        if (!g->bus_id[v]) { s = tg_msg(msg, TG_ERR_NOMEM, "sim.grid_new: out of memory"); goto fail; }
    }
    int64_t m = 0;
    for (int64_t k = 0; k < m0; k++) {
        int64_t a, c;
        tg_graph_edge_ends(gr, k, &a, &c);
        const char *eid = tg_graph_edge_id(gr, k);
        char buf[600];
        if (!eid) {
            snprintf(buf, sizeof buf, "%.250s-%.250s", tg_graph_node_id(gr, a), tg_graph_node_id(gr, c));
            eid = buf;
        }
        double x = bv[k];
        if (!isfinite(x) || x <= 0) {
            s = tg_msg(msg, TG_ERR_NUMERIC, "sim.grid_new: edge '%s': %s must be a positive finite number (got %g)",
                       eid, bname, x);
            goto fail;
        }
        if (!isfinite(cv[k]) || cv[k] < 0) {
            s = tg_msg(msg, TG_ERR_NUMERIC, "sim.grid_new: edge '%s': capacity must be >= 0 (got %g)", eid, cv[k]);
            goto fail;
        }
        if (a == c) {
            s = tg_msg(msg, TG_ERR_ARG, "sim.grid_new: edge '%s' is a self-loop; remove it first", eid);
            goto fail;
        }
        /* the line key: a copy, so that later edits of the graph cannot
         * invalidate it; parallel lines without ids get "#k" (k = line
         * number from 1) to stay distinct */
        {
            char kb[640];
            const char *key = eid;
            if (tg_strmap_get(g->keys, key) >= 0) {
                snprintf(kb, sizeof kb, "%s#%lld", eid, (long long)m + 1);
                key = kb;
            }
            g->line_key[m] = tg_strdup(key);
            g->m = m + 1;     /* so that a failure frees the key */
            int64_t old;
            if (!g->line_key[m]) { s = tg_msg(msg, TG_ERR_NOMEM, "sim.grid_new: out of memory"); goto fail; }
            tg_status ps = tg_strmap_put(g->keys, g->line_key[m], m, &old);
            if (ps == TG_ERR_NOMEM) { s = tg_msg(msg, TG_ERR_NOMEM, "sim.grid_new: out of memory"); goto fail; }
            if (ps != TG_OK) {
                s = tg_msg(msg, TG_ERR_ID, "sim.grid_new: edge '%s': line key '%s' is not unique", eid, key);
                goto fail;
            }
        }
        g->from[m] = (int)a;
        g->to[m] = (int)c;
        g->b[m] = cb >= 0 ? x : 1.0 / x;
        g->cap[m] = cv[k] > 0 ? cv[k] : NAN;
        m++;
    }
    g->m = m;
    g->P = pv;
    pv = NULL;
    if (slack_id) {
        g->slack = tg_graph_node_index(gr, slack_id);
        if (g->slack < 0) {
            s = tg_msg(msg, TG_ERR_ID, "sim.grid_new: slack bus '%s' not found", slack_id);
            goto fail;
        }
    } else {
        g->slack = 0;
        for (int64_t v = 1; v < n; v++)
            if (g->P[v] > g->P[g->slack]) g->slack = v;
    }
    /* connectivity to the slack */
    {
        int *par = g->red;    /* borrowed as union-find scratch */
        for (int64_t v = 0; v < n; v++) par[v] = (int)v;
        for (int64_t k = 0; k < m; k++) {
            int ra = tg_sim_i_uf_find(par, g->from[k]), rc = tg_sim_i_uf_find(par, g->to[k]);
            if (ra != rc) par[ra] = rc;
        }
        int rs = tg_sim_i_uf_find(par, (int)g->slack);
        for (int64_t v = 0; v < n; v++)
            if (tg_sim_i_uf_find(par, (int)v) != rs) {
                s = tg_msg(msg, TG_ERR_ARG, "sim.grid_new: bus '%s' is not connected to the slack bus '%s'",
                           tg_graph_node_id(gr, v), tg_graph_node_id(gr, g->slack));
                goto fail;
            }
    }
    int nr = 0;
    for (int64_t v = 0; v < n; v++) g->red[v] = v == g->slack ? -1 : nr++;
    cholmod_start(&g->cc);
    g->started = 1;
    g->cc.print = 0;
    if (nr > 0) {
        g->B = assemble(g, g->red, nr, NULL, &g->cc);
        if (!g->B) { s = tg_msg(msg, TG_ERR_NOMEM, "sim.grid_new: out of memory"); goto fail; }
        g->L = cholmod_analyze(g->B, &g->cc);
        if (!g->L) { s = tg_msg(msg, TG_ERR_LIB, "sim.grid_new: CHOLMOD analysis failed"); goto fail; }
        if (!cholmod_factorize(g->B, g->L, &g->cc) || g->cc.status != CHOLMOD_OK) {
            s = tg_msg(msg, TG_ERR_NUMERIC, "sim.grid_new: susceptance matrix not positive definite");
            goto fail;
        }
    }
    tg_free(bv);
    tg_free(cv);
    *out = g;
    return TG_OK;
fail:
    tg_free(bv);
    tg_free(cv);
    tg_free(pv);
    tg_sim_grid_free(&g);
    return s;
}

/* Solve the reduced system for right-hand side rhs (nr) into theta (n,
 * slack 0), using factor L. */
static tg_status solve_theta(cholmod_factor *L, cholmod_common *cc, const int *red, int64_t n, int nr,
                             const double *P, double *theta, char *msg, const char *what)
{
    for (int64_t v = 0; v < n; v++) theta[v] = 0;
    if (nr == 0) return TG_OK;
    cholmod_dense *B = cholmod_allocate_dense((size_t)nr, 1, (size_t)nr, CHOLMOD_REAL, cc);
    if (!B) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", what);
    double *bx = B->x;
    for (int64_t v = 0; v < n; v++)
        if (red[v] >= 0) bx[red[v]] = P[v];
    cholmod_dense *X = cholmod_solve(CHOLMOD_A, L, B, cc);
    cholmod_free_dense(&B, cc);
    if (!X) return tg_msg(msg, TG_ERR_NOMEM, "%s: CHOLMOD solve failed", what);
    double *xx = X->x;
    for (int64_t v = 0; v < n; v++)
        if (red[v] >= 0) theta[v] = xx[red[v]];
    cholmod_free_dense(&X, cc);
    return TG_OK;
}

tg_status tg_sim_dcpf(const tg_sim_grid *gc, double *theta, double *flow, char *msg)
{
    tg_msg_clear(msg);
    if (!gc) return tg_msg(msg, TG_ERR_ARG, "sim.dcpf: grid is NULL");
    tg_sim_grid *g = (tg_sim_grid *)gc;    /* the CHOLMOD workspace is scratch */
    double *th = theta ? theta : tg_malloc((size_t)g->n * sizeof *th);
    if (!th) return tg_msg(msg, TG_ERR_NOMEM, "sim.dcpf: out of memory");
    tg_status s = solve_theta(g->L, &g->cc, g->red, g->n, (int)(g->n - 1), g->P, th, msg, "sim.dcpf");
    if (s == TG_OK && flow)
        for (int64_t k = 0; k < g->m; k++) flow[k] = g->b[k] * (th[g->from[k]] - th[g->to[k]]);
    if (!theta) tg_free(th);
    return s;
}

/* Count overloads of flows f and the max loading. */
static void loading(const tg_sim_grid *g, const double *f, int *nover, double *maxl)
{
    int c = 0;
    double mx = 0;
    for (int64_t l = 0; l < g->m; l++) {
        if (isnan(g->cap[l])) continue;
        double r = fabs(f[l]) / g->cap[l];
        if (r > mx) mx = r;
        if (r > 1.0 + 1e-9) c++;
    }
    *nover = c;
    *maxl = mx;
}

tg_status tg_sim_n1(const tg_sim_grid *gc, tg_sim_n1_method method, int *islanding, int *overloads,
                    double *max_loading, double *post_flow, tg_sim_n1_result *res, char *msg)
{
    tg_msg_clear(msg);
    if (!gc || !res) return tg_msg(msg, TG_ERR_ARG, "sim.n1: grid or result is NULL");
    if (method != TG_SIM_N1_LOWRANK && method != TG_SIM_N1_REFACTOR && method != TG_SIM_N1_UPDOWN)
        return tg_msg(msg, TG_ERR_ARG, "sim.n1: unknown method %d", (int)method);
    memset(res, 0, sizeof *res);
    tg_sim_grid *g = (tg_sim_grid *)gc;
    int64_t n = g->n, m = g->m;
    int nr = (int)(n - 1);
    double t0 = tg_now();
    tg_status s = TG_OK;
    double *theta = tg_malloc((size_t)n * sizeof *theta);
    double *th2 = tg_malloc((size_t)n * sizeof *th2);
    double *f = tg_malloc((size_t)(m ? m : 1) * sizeof *f);
    unsigned char *alive = tg_malloc((size_t)(m ? m : 1));
    unsigned char *bridge = tg_malloc((size_t)(m ? m : 1));
    cholmod_dense *A = NULL, *X = NULL, *Y = NULL, *E = NULL;
    cholmod_factor *Lu = NULL;
    cholmod_sparse *C = NULL;
    int *inv = NULL;
    if (!theta || !th2 || !f || !alive || !bridge || find_bridges(g, bridge) != TG_OK) {
        s = tg_msg(msg, TG_ERR_NOMEM, "sim.n1: out of memory");
        goto out;
    }
    if (method == TG_SIM_N1_UPDOWN && nr > 0) {
        /* cholmod_updown works on a simplicial LDL' factor of P B P': a copy,
         * and a 2-entry column C (in the factor's permuted order) per outage */
        Lu = cholmod_copy_factor(g->L, &g->cc);
        inv = tg_malloc((size_t)nr * sizeof *inv);
        C = cholmod_allocate_sparse((size_t)nr, 1, 2, 1, 1, 0, CHOLMOD_REAL, &g->cc);
        if (!Lu || !inv || !C || !cholmod_change_factor(CHOLMOD_REAL, 0, 0, 1, 1, Lu, &g->cc)) {
            s = tg_msg(msg, TG_ERR_NOMEM, "sim.n1: out of memory");
            goto out;
        }
        const int *perm = Lu->Perm;
        for (int q = 0; q < nr; q++) inv[perm[q]] = q;
    }
    s = solve_theta(g->L, &g->cc, g->red, n, nr, g->P, theta, msg, "sim.n1");
    if (s != TG_OK) goto out;
    if (method == TG_SIM_N1_LOWRANK && nr > 0) {
        A = cholmod_zeros((size_t)nr, 1, CHOLMOD_REAL, &g->cc);
        if (!A) { s = tg_msg(msg, TG_ERR_NOMEM, "sim.n1: out of memory"); goto out; }
    }
    memset(alive, 1, (size_t)(m ? m : 1));
    for (int64_t k = 0; k < m; k++) {
        int i = g->from[k], j = g->to[k];
        double fk = g->b[k] * (theta[i] - theta[j]);
        /* islanding is structural (bridges), the same for every path */
        int isl = bridge[k];
        if (isl) {
            /* no flows to compute */
        } else if (method == TG_SIM_N1_LOWRANK) {
            double *ax = A ? A->x : NULL;
            int ri = g->red[i], rj = g->red[j];
            if (ri >= 0) ax[ri] = 1.0;
            if (rj >= 0) ax[rj] = -1.0;
            double aw = 0;
            double *w = NULL;
            if (A) {
                if (!cholmod_solve2(CHOLMOD_A, g->L, A, NULL, &X, NULL, &Y, &E, &g->cc)) {
                    s = tg_msg(msg, TG_ERR_NOMEM, "sim.n1: CHOLMOD solve failed");
                    goto out;
                }
                w = X->x;
                aw = (ri >= 0 ? w[ri] : 0) - (rj >= 0 ? w[rj] : 0);
                if (ri >= 0) ax[ri] = 0;
                if (rj >= 0) ax[rj] = 0;
            }
            /* not a bridge: 1 - b a'w > 0 (it may be tiny for a weak line
             * parallel to a strong one, and is still exact) */
            double c = fk / (1.0 - g->b[k] * aw);
            for (int64_t v = 0; v < n; v++) th2[v] = theta[v] + (g->red[v] >= 0 && w ? w[g->red[v]] * c : 0.0);
        } else if (method == TG_SIM_N1_UPDOWN) {
            if (nr > 0) {
                /* C = sqrt(b_k) P a, entries sorted by permuted row */
                int ri = g->red[i], rj = g->red[j], *Cp = C->p, *Ci = C->i;
                double *Cx = C->x, sb = sqrt(g->b[k]);
                int q = 0;
                int pi_ = ri >= 0 ? inv[ri] : -1, pj_ = rj >= 0 ? inv[rj] : -1;
                if (pi_ >= 0 && pj_ >= 0 && pj_ < pi_) {
                    Ci[q] = pj_; Cx[q++] = -sb;
                    Ci[q] = pi_; Cx[q++] = sb;
                } else {
                    if (pi_ >= 0) { Ci[q] = pi_; Cx[q++] = sb; }
                    if (pj_ >= 0) { Ci[q] = pj_; Cx[q++] = -sb; }
                }
                Cp[0] = 0;
                Cp[1] = q;
                if (!cholmod_updown(0, C, Lu, &g->cc)) {
                    s = tg_msg(msg, TG_ERR_NUMERIC, "sim.n1: downdate failed for line %lld", (long long)k);
                    goto out;
                }
                s = solve_theta(Lu, &g->cc, g->red, n, nr, g->P, th2, msg, "sim.n1");
                if (s == TG_OK && !cholmod_updown(1, C, Lu, &g->cc))
                    s = tg_msg(msg, TG_ERR_NUMERIC, "sim.n1: update failed for line %lld", (long long)k);
                if (s != TG_OK) goto out;
            }
        } else {
            if (nr > 0) {
                alive[k] = 0;
                cholmod_sparse *Bk = assemble(g, g->red, nr, alive, &g->cc);
                alive[k] = 1;
                if (!Bk) { s = tg_msg(msg, TG_ERR_NOMEM, "sim.n1: out of memory"); goto out; }
                cholmod_factor *Lk = cholmod_analyze(Bk, &g->cc);
                int ok = Lk && cholmod_factorize(Bk, Lk, &g->cc) && g->cc.status == CHOLMOD_OK;
                cholmod_free_sparse(&Bk, &g->cc);
                if (!ok) {
                    cholmod_free_factor(&Lk, &g->cc);
                    s = tg_msg(msg, TG_ERR_NUMERIC, "sim.n1: factorisation failed after outage of line %lld",
                               (long long)k);
                    goto out;
                }
                s = solve_theta(Lk, &g->cc, g->red, n, nr, g->P, th2, msg, "sim.n1");
                cholmod_free_factor(&Lk, &g->cc);
                if (s != TG_OK) goto out;
            }
        }
        res->contingencies++;
        if (islanding) islanding[k] = isl;
        if (isl) {
            res->islanding++;
            if (overloads) overloads[k] = 0;
            if (max_loading) max_loading[k] = NAN;
            if (post_flow)
                for (int64_t l = 0; l < m; l++) post_flow[k * m + l] = NAN;
            continue;
        }
        for (int64_t l = 0; l < m; l++) f[l] = l == k ? 0.0 : g->b[l] * (th2[g->from[l]] - th2[g->to[l]]);
        int no;
        double ml;
        loading(g, f, &no, &ml);
        if (overloads) overloads[k] = no;
        if (max_loading) max_loading[k] = ml;
        if (no) res->overloading++;
        res->overloaded_lines += no;
        if (post_flow) memcpy(post_flow + k * m, f, (size_t)m * sizeof *f);
    }
out:
    if (g->started) {
        cholmod_free_factor(&Lu, &g->cc);
        cholmod_free_sparse(&C, &g->cc);
        cholmod_free_dense(&A, &g->cc);
        cholmod_free_dense(&X, &g->cc);
        cholmod_free_dense(&Y, &g->cc);
        cholmod_free_dense(&E, &g->cc);
    }
    tg_free(theta);
    tg_free(th2);
    tg_free(f);
    tg_free(alive);
    tg_free(bridge);
    tg_free(inv);
    res->seconds = tg_now() - t0;
    return s;
}

tg_status tg_sim_cascade(const tg_sim_grid *gc, int64_t ninit, const int64_t *initial, int *tripped,
                         tg_sim_cascade_result *res, char *msg)
{
    tg_msg_clear(msg);
    if (!gc || !res) return tg_msg(msg, TG_ERR_ARG, "sim.cascade: grid or result is NULL");
    if (ninit < 0 || (ninit > 0 && !initial)) return tg_msg(msg, TG_ERR_ARG, "sim.cascade: bad initial list");
    memset(res, 0, sizeof *res);
    tg_sim_grid *g = (tg_sim_grid *)gc;
    int64_t n = g->n, m = g->m;
    for (int64_t q = 0; q < ninit; q++)
        if (initial[q] < 0 || initial[q] >= m)
            return tg_msg(msg, TG_ERR_ARG, "sim.cascade: line index %lld out of range", (long long)initial[q]);
    tg_status s = TG_OK;
    int *stage = tg_malloc((size_t)(m ? m : 1) * sizeof *stage);
    unsigned char *alive = tg_malloc((size_t)(m ? m : 1));
    int *par = tg_malloc((size_t)n * sizeof *par);
    int *red = tg_malloc((size_t)n * sizeof *red);
    double *P = tg_malloc((size_t)n * sizeof *P);
    double *gen = tg_calloc((size_t)n, sizeof *gen), *load = tg_calloc((size_t)n, sizeof *load);
    int *top = tg_malloc((size_t)n * sizeof *top);
    double *theta = tg_malloc((size_t)n * sizeof *theta);
    if (!stage || !alive || !par || !red || !P || !gen || !load || !top || !theta) {
        s = tg_msg(msg, TG_ERR_NOMEM, "sim.cascade: out of memory");
        goto out;
    }
    for (int64_t k = 0; k < m; k++) { stage[k] = -1; alive[k] = 1; }
    for (int64_t q = 0; q < ninit; q++) { stage[initial[q]] = 0; alive[initial[q]] = 0; }
    double ltot = 0;
    for (int64_t v = 0; v < n; v++) ltot += g->P[v] < 0 ? -g->P[v] : 0;
    res->load_total = ltot;
    for (int round = 0;; round++) {
        /* islands of the surviving lines */
        for (int64_t v = 0; v < n; v++) par[v] = (int)v;
        for (int64_t k = 0; k < m; k++)
            if (alive[k]) {
                int ra = tg_sim_i_uf_find(par, g->from[k]), rc = tg_sim_i_uf_find(par, g->to[k]);
                if (ra != rc) par[ra] = rc;
            }
        for (int64_t v = 0; v < n; v++) { gen[v] = load[v] = 0; top[v] = -1; }
        int64_t islands = 0;
        for (int64_t v = 0; v < n; v++) {
            int r = tg_sim_i_uf_find(par, (int)v);
            if (g->P[v] > 0) gen[r] += g->P[v];
            else load[r] -= g->P[v];
            /* island slack: the bus with the largest injection (first on ties) */
            if (top[r] < 0 || g->P[v] > g->P[top[r]]) top[r] = (int)v;
            if (r == (int)v) islands++;
        }
        double served = 0;
        for (int64_t v = 0; v < n; v++) {
            int r = tg_sim_i_uf_find(par, (int)v);
            double ge = gen[r], lo = load[r];
            double sg = ge > lo && ge > 0 ? lo / ge : 1.0;     /* generation scaled down */
            double sl = lo > ge && lo > 0 ? ge / lo : 1.0;     /* load shed */
            P[v] = g->P[v] > 0 ? g->P[v] * sg : g->P[v] * sl;
            if (g->P[v] < 0) served += -P[v];
        }
        int nr = 0;
        for (int64_t v = 0; v < n; v++) red[v] = top[tg_sim_i_uf_find(par, (int)v)] == (int)v ? -1 : nr++;
        for (int64_t v = 0; v < n; v++) theta[v] = 0;
        if (nr > 0) {
            cholmod_sparse *Bk = assemble(g, red, nr, alive, &g->cc);
            if (!Bk) { s = tg_msg(msg, TG_ERR_NOMEM, "sim.cascade: out of memory"); goto out; }
            cholmod_factor *Lk = cholmod_analyze(Bk, &g->cc);
            int ok = Lk && cholmod_factorize(Bk, Lk, &g->cc) && g->cc.status == CHOLMOD_OK;
            cholmod_free_sparse(&Bk, &g->cc);
            if (ok) s = solve_theta(Lk, &g->cc, red, n, nr, P, theta, msg, "sim.cascade");
            cholmod_free_factor(&Lk, &g->cc);
            if (!ok) { s = tg_msg(msg, TG_ERR_NUMERIC, "sim.cascade: factorisation failed"); goto out; }
            if (s != TG_OK) goto out;
        }
        int64_t trips = 0;
        for (int64_t k = 0; k < m; k++) {
            if (!alive[k] || isnan(g->cap[k])) continue;
            double fk = g->b[k] * (theta[g->from[k]] - theta[g->to[k]]);
            if (fabs(fk) > g->cap[k] * (1.0 + 1e-9)) {
                alive[k] = 0;
                stage[k] = round + 1;
                trips++;
            }
        }
        if (trips == 0) {
            res->stages = round;
            res->islands = islands;
            res->load_served = served;
            break;
        }
    }
    for (int64_t k = 0; k < m; k++) res->lines_tripped += stage[k] >= 0;
    if (tripped) memcpy(tripped, stage, (size_t)m * sizeof *stage);
out:
    tg_free(stage);
    tg_free(alive);
    tg_free(par);
    tg_free(red);
    tg_free(P);
    tg_free(gen);
    tg_free(load);
    tg_free(top);
    tg_free(theta);
    return s;
}
