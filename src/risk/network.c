/* network.c: exact two-terminal and k-terminal network reliability.
 *
 * Frontier-based dynamic programme (in the spirit of Hardy, Lucet and
 * Limnios 2007): edges are processed one at a time; the frontier is the set
 * of vertices touched by processed and unprocessed edges; a state is the
 * partition of the frontier into connected components of the working
 * processed edges, each component carrying how many terminals it already
 * holds.  Each edge doubles every state (works / fails, with its
 * probability), then vertices leaving the frontier are dropped: a component
 * that leaves entirely decides the outcome if it holds terminals (all k:
 * success, fewer: failure).  Equal states merge by summing probabilities,
 * so the cost is the number of distinct partitions of the frontier (Bell
 * numbers of its width), small for grids, ladders and plant networks whose
 * edges are taken in breadth-first order (the order used here).
 */
#include "risk_internal.h"

#include <math.h>
#include <string.h>

#define NR_MAX_FRONTIER 40
#define NR_MAX_STATES (1 << 24)

typedef struct stab {
    uint8_t *keys;      /* cap * klen bytes */
    double *prob;       /* cap; < 0 = empty slot */
    size_t cap, n;
    int klen;
} stab;

static void stab_free(stab *t)
{
    tg_free(t->keys);
    tg_free(t->prob);
    memset(t, 0, sizeof *t);
}

static uint64_t key_hash(const uint8_t *k, int len)
{
    uint64_t h = 1469598103934665603ull;
    for (int i = 0; i < len; i++) h = (h ^ k[i]) * 1099511628211ull;
    return h ^ (h >> 29);
}

static bool stab_init(stab *t, size_t cap, int klen)
{
    memset(t, 0, sizeof *t);
    t->cap = cap;
    t->klen = klen;
    t->keys = tg_malloc(cap * (size_t)(klen ? klen : 1));
    t->prob = tg_malloc(cap * sizeof *t->prob);
    if (!t->keys || !t->prob) {
        stab_free(t);
        return false;
    }
    for (size_t i = 0; i < cap; i++) t->prob[i] = -1;
    return true;
}

static bool stab_add(stab *t, const uint8_t *k, double p);

static bool stab_grow(stab *t)
{
    stab nt;
    if (!stab_init(&nt, t->cap * 2, t->klen)) return false;
    for (size_t i = 0; i < t->cap; i++)
        if (t->prob[i] >= 0) stab_add(&nt, t->keys + i * (size_t)t->klen, t->prob[i]);
    stab_free(t);
    *t = nt;
    return true;
}

static bool stab_add(stab *t, const uint8_t *k, double p)
{
    if (2 * (t->n + 1) > t->cap && !stab_grow(t)) return false;
    size_t i = (size_t)key_hash(k, t->klen) & (t->cap - 1);
    for (;; i = (i + 1) & (t->cap - 1)) {
        if (t->prob[i] < 0) {
            memcpy(t->keys + i * (size_t)t->klen, k, (size_t)t->klen);
            t->prob[i] = p;
            t->n++;
            return true;
        }
        if (memcmp(t->keys + i * (size_t)t->klen, k, (size_t)t->klen) == 0) {
            t->prob[i] += p;
            return true;
        }
    }
}

#define DEAD 0xFEu    /* label of a failed vertex in a state */

tg_status tg_risk_network_reliability(int n, int m, const int *u, const int *v, const double *p,
                                      int k, const int *terms, double *out, char *msg)
{
    return tg_risk_network_reliability_nodes(n, m, u, v, p, NULL, k, terms, out, msg);
}

tg_status tg_risk_network_reliability_nodes(int n, int m, const int *u, const int *v,
                                            const double *p, const double *node_p, int k,
                                            const int *terms, double *out, char *msg)
{
    tg_msg_clear(msg);
    if (!out) return tg_msg(msg, TG_ERR_ARG, "tg_risk_network_reliability: out is NULL");
    *out = 0;
    if (n < 1 || m < 0 || (m > 0 && (!u || !v || !p)) || k < 2 || !terms)
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_network_reliability: need n >= 1, edge arrays "
                      "and k >= 2 terminals");
    for (int i = 0; i < m; i++)
        if (u[i] < 0 || u[i] >= n || v[i] < 0 || v[i] >= n || !(p[i] >= 0 && p[i] <= 1))
            return tg_msg(msg, TG_ERR_ARG, "tg_risk_network_reliability: edge %d: bad endpoint or "
                          "probability", i);
    for (int i = 0; node_p && i < n; i++)
        if (!(node_p[i] >= 0 && node_p[i] <= 1))
            return tg_msg(msg, TG_ERR_ARG, "tg_risk_network_reliability: node %d: probability %g "
                          "not in [0, 1]", i, node_p[i]);
    tg_status s = TG_OK;
    int *is_term = tg_calloc((size_t)n, sizeof *is_term);
    int *order = tg_malloc(sizeof *order * (size_t)(m + 1));
    int *bfs = tg_malloc(sizeof *bfs * (size_t)n), *queue = tg_malloc(sizeof *queue * (size_t)n);
    int *last = tg_malloc(sizeof *last * (size_t)n), *slot = tg_malloc(sizeof *slot * (size_t)n);
    int *deg = tg_calloc((size_t)n + 1, sizeof *deg), *adj = tg_malloc(sizeof *adj * (size_t)(2 * m + 1));
    stab cur = {0}, nxt = {0};
    if (!is_term || !order || !bfs || !queue || !last || !slot || !deg || !adj) {
        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_network_reliability: out of memory");
        goto done;
    }
    for (int i = 0; i < k; i++) {
        if (terms[i] < 0 || terms[i] >= n) {
            s = tg_msg(msg, TG_ERR_ARG, "tg_risk_network_reliability: terminal %d out of range",
                       terms[i]);
            goto done;
        }
        is_term[terms[i]] = 1;
    }
    if (k > 250) {
        s = tg_msg(msg, TG_ERR_LIMIT, "tg_risk_network_reliability: more than 250 terminals");
        goto done;
    }
    int kk = 0;
    for (int i = 0; i < n; i++) kk += is_term[i];
    if (kk < 2) {       /* one distinct terminal: trivially connected */
        *out = 1;
        goto done;
    }
    /* Breadth-first vertex order from the first terminal; edges by the
     * later of their endpoints, so the frontier sweeps the graph. */
    for (int i = 0; i < m; i++) deg[u[i] + 1]++, deg[v[i] + 1]++;
    for (int i = 0; i < n; i++) deg[i + 1] += deg[i];
    for (int i = 0; i < n; i++) slot[i] = deg[i];
    for (int i = 0; i < m; i++) adj[slot[u[i]]++] = v[i], adj[slot[v[i]]++] = u[i];
    for (int i = 0; i < n; i++) bfs[i] = -1;
    int qh = 0, qt = 0, rank = 0;
    for (int start = terms[0], pass = 0; pass <= n; pass++) {
        if (pass > 0) {
            start = -1;
            for (int i = 0; i < n; i++)
                if (bfs[i] < 0) {
                    start = i;
                    break;
                }
            if (start < 0) break;
        }
        if (bfs[start] >= 0) continue;
        bfs[start] = rank++;
        queue[qt++] = start;
        while (qh < qt) {
            int x = queue[qh++];
            for (int j = deg[x]; j < deg[x + 1]; j++)
                if (bfs[adj[j]] < 0) bfs[adj[j]] = rank++, queue[qt++] = adj[j];
        }
    }
    for (int i = 0; i < m; i++) order[i] = i;
    /* Insertion sort by (max rank, min rank): m is modest here. */
    for (int i = 1; i < m; i++) {
        int e = order[i], j = i;
        int a1 = bfs[u[e]] > bfs[v[e]] ? bfs[u[e]] : bfs[v[e]];
        int b1 = bfs[u[e]] < bfs[v[e]] ? bfs[u[e]] : bfs[v[e]];
        while (j > 0) {
            int f = order[j - 1];
            int a2 = bfs[u[f]] > bfs[v[f]] ? bfs[u[f]] : bfs[v[f]];
            int b2 = bfs[u[f]] < bfs[v[f]] ? bfs[u[f]] : bfs[v[f]];
            if (a2 < a1 || (a2 == a1 && b2 <= b1)) break;
            order[j] = f;
            j--;
        }
        order[j] = e;
    }
    for (int i = 0; i < n; i++) last[i] = -1, slot[i] = -1;
    for (int i = 0; i < m; i++) last[u[order[i]]] = i, last[v[order[i]]] = i;
    for (int i = 0; i < n; i++)
        if (is_term[i] && last[i] < 0) goto done;   /* isolated terminal: 0 */
    int fr[NR_MAX_FRONTIER + 2], f = 0;             /* frontier vertices */
    if (!stab_init(&cur, 16, 0)) {
        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_network_reliability: out of memory");
        goto done;
    }
    uint8_t none[1] = {0};
    stab_add(&cur, none, 1.0);
    double success = 0;
    uint8_t st[2 * NR_MAX_FRONTIER + 4], st2[2 * NR_MAX_FRONTIER + 4];
    for (int ei = 0; ei < m; ei++) {
        int e = order[ei], a = u[e], b = v[e];
        /* New frontier: old plus entering vertices (singletons). */
        int nf = f, enter[2], nenter = 0;
        if (slot[a] < 0) enter[nenter++] = a;
        if (b != a && slot[b] < 0) enter[nenter++] = b;
        if (f + nenter > NR_MAX_FRONTIER) {
            s = tg_msg(msg, TG_ERR_LIMIT, "tg_risk_network_reliability: frontier wider than %d "
                       "vertices: use Monte Carlo", NR_MAX_FRONTIER);
            goto done;
        }
        for (int j = 0; j < nenter; j++) slot[enter[j]] = nf, fr[nf++] = enter[j];
        /* Leaving vertices after this edge. */
        int leave[2], nleave = 0;
        if (last[a] == ei) leave[nleave++] = a;
        if (b != a && last[b] == ei) leave[nleave++] = b;
        int keep[NR_MAX_FRONTIER + 2], nk = 0;
        for (int j = 0; j < nf; j++) {
            bool gone = false;
            for (int l = 0; l < nleave; l++) gone |= fr[j] == leave[l];
            if (!gone) keep[nk++] = j;
        }
        if (!stab_init(&nxt, cur.cap, 2 * nk)) {
            s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_network_reliability: out of memory");
            goto done;
        }
        for (size_t si = 0; si < cur.cap; si++) {
            double q = cur.prob[si];
            if (q < 0) continue;
            const uint8_t *old = cur.keys + si * (size_t)cur.klen;
            /* Entering vertices that can fail: every work/fail combination
             * (bit jj set: entering vertex jj has failed; a failed
             * terminal fails the system). */
            int ncombo = node_p ? 1 << nenter : 1;
            for (int combo = 0; combo < ncombo; combo++) {
                double wnode = 1;
                bool term_dead = false;
                for (int jj = 0; node_p && jj < nenter; jj++) {
                    int w = fr[f + jj];
                    if ((combo >> jj) & 1) wnode *= 1 - node_p[w], term_dead |= is_term[w] != 0;
                    else wnode *= node_p[w];
                }
                if (term_dead || wnode == 0) continue;
                for (int works = 0; works < 2; works++) {
                    double pq = q * wnode * (works ? p[e] : 1 - p[e]);
                    if (pq == 0) continue;
                    /* Expand to width nf: entering vertices get fresh labels. */
                    for (int j = 0; j < f; j++) st[j] = old[j], st[nf + j] = old[f + j];
                    for (int j = f; j < nf; j++) {
                        bool failed = (combo >> (j - f)) & 1;
                        st[j] = failed ? (uint8_t)DEAD : (uint8_t)j;
                        st[nf + j] = failed ? 0 : (uint8_t)is_term[fr[j]];
                    }
                    if (works && a != b && st[slot[a]] != DEAD && st[slot[b]] != DEAD) {
                        uint8_t la = st[slot[a]], lb = st[slot[b]];
                        if (la != lb) {
                            st[nf + la] = (uint8_t)(st[nf + la] + st[nf + lb]);
                            st[nf + lb] = 0;
                            for (int j = 0; j < nf; j++)
                                if (st[j] == lb) st[j] = la;
                        }
                    }
                    /* Drop leaving vertices; a component leaving whole decides. */
                    bool dead = false, won = false;
                    for (int l = 0; l < nleave && !dead && !won; l++) {
                        uint8_t lab = st[slot[leave[l]]];
                        if (lab == DEAD) continue;      /* a failed vertex decides nothing */
                        bool stays = false;
                        for (int j = 0; j < nk; j++) stays |= st[keep[j]] == lab;
                        if (!stays && st[nf + lab] > 0) {
                            if (st[nf + lab] == kk) won = true;
                            else dead = true;
                        }
                    }
                    if (won) {
                        success += pq;
                        continue;
                    }
                    if (dead) continue;
                    for (int j = 0; j < nk; j++) st2[j] = st[keep[j]];
                    /* Counts indexed by label: labels are < nf, keep them. */
                    uint8_t cnt[NR_MAX_FRONTIER + 2];
                    for (int j = 0; j < nf; j++) cnt[j] = st[nf + j];
                    uint8_t tmp[2 * NR_MAX_FRONTIER + 4];
                    for (int j = 0; j < nk; j++) tmp[j] = st2[j];
                    /* Canonical form: labels in order of first appearance. */
                    uint8_t map[NR_MAX_FRONTIER + 2];
                    memset(map, 0xff, sizeof map);
                    int next = 0;
                    for (int j = 0; j < nk; j++) {
                        if (tmp[j] == DEAD) {
                            st2[j] = DEAD;
                            continue;
                        }
                        if (map[tmp[j]] == 0xff) {
                            map[tmp[j]] = (uint8_t)next;
                            st2[nk + next] = cnt[tmp[j]];
                            next++;
                        }
                        st2[j] = map[tmp[j]];
                    }
                    for (int j = next; j < nk; j++) st2[nk + j] = 0;
                    if (!stab_add(&nxt, st2, pq)) {
                        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_network_reliability: out of memory");
                        goto done;
                    }
                }
            }
        }
        if (nxt.n > NR_MAX_STATES) {
            s = tg_msg(msg, TG_ERR_LIMIT, "tg_risk_network_reliability: more than %d frontier "
                       "states: use Monte Carlo", NR_MAX_STATES);
            goto done;
        }
        stab_free(&cur);
        cur = nxt;
        memset(&nxt, 0, sizeof nxt);
        for (int j = 0; j < nf; j++) slot[fr[j]] = -1;
        for (int j = 0; j < nk; j++) fr[j] = fr[keep[j]], slot[fr[j]] = j;
        f = nk;
    }
    *out = success;
done:
    stab_free(&cur);
    stab_free(&nxt);
    tg_free(is_term), tg_free(order), tg_free(bfs), tg_free(queue), tg_free(last);
    tg_free(slot), tg_free(deg), tg_free(adj);
    return s;
}

tg_status tg_risk_network_criticality(int n, int m, const int *u, const int *v, const double *p,
                                      int k, const int *terms, double *crit, char *msg)
{
    tg_msg_clear(msg);
    if (!crit || m < 0 || (m > 0 && !p))
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_network_criticality: NULL argument");
    double *q = tg_malloc(sizeof *q * (size_t)(m + 1));
    if (!q) return tg_msg(msg, TG_ERR_NOMEM, "tg_risk_network_criticality: out of memory");
    if (m > 0) memcpy(q, p, sizeof *q * (size_t)m);
    tg_status s = TG_OK;
    for (int i = 0; i < m && s == TG_OK; i++) {
        double r1, r0;
        q[i] = 1;
        s = tg_risk_network_reliability(n, m, u, v, q, k, terms, &r1, msg);
        q[i] = 0;
        if (s == TG_OK) s = tg_risk_network_reliability(n, m, u, v, q, k, terms, &r0, msg);
        q[i] = p[i];
        if (s == TG_OK) crit[i] = r1 - r0;
    }
    tg_free(q);
    return s;
}

static int uf_find(int *parent, int x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

/* One draw: edge i works iff its uniform is below p[i] (flip: 1 - uniform). */
static bool connected_draw(int n, int m, const int *u, const int *v, const double *p, int k,
                           const int *terms, const double *uni, bool flip, int *parent)
{
    for (int i = 0; i < n; i++) parent[i] = i;
    for (int i = 0; i < m; i++) {
        double x = flip ? 1 - uni[i] : uni[i];
        if (x < p[i]) {
            int a = uf_find(parent, u[i]), b = uf_find(parent, v[i]);
            if (a != b) parent[a] = b;
        }
    }
    int r = uf_find(parent, terms[0]);
    for (int i = 1; i < k; i++)
        if (uf_find(parent, terms[i]) != r) return false;
    return true;
}

tg_status tg_risk_network_reliability_mc(int n, int m, const int *u, const int *v, const double *p,
                                         int k, const int *terms, int64_t n_samples, uint64_t seed,
                                         double *est, double *se, char *msg)
{
    tg_msg_clear(msg);
    if (!est || !se) return tg_msg(msg, TG_ERR_ARG, "tg_risk_network_reliability_mc: NULL out");
    *est = *se = 0;
    if (n < 1 || m < 0 || (m > 0 && (!u || !v || !p)) || k < 2 || !terms || n_samples < 4)
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_network_reliability_mc: need n >= 1, edges, k >= 2 "
                      "terminals and at least 4 samples");
    for (int i = 0; i < m; i++)
        if (u[i] < 0 || u[i] >= n || v[i] < 0 || v[i] >= n || !(p[i] >= 0 && p[i] <= 1))
            return tg_msg(msg, TG_ERR_ARG, "tg_risk_network_reliability_mc: edge %d: bad endpoint "
                          "or probability", i);
    for (int i = 0; i < k; i++)
        if (terms[i] < 0 || terms[i] >= n)
            return tg_msg(msg, TG_ERR_ARG, "tg_risk_network_reliability_mc: terminal %d out of "
                          "range", terms[i]);
    double *uni = tg_malloc(sizeof *uni * (size_t)(m + 1));
    int *parent = tg_malloc(sizeof *parent * (size_t)n);
    if (!uni || !parent) {
        tg_free(uni), tg_free(parent);
        return tg_msg(msg, TG_ERR_NOMEM, "tg_risk_network_reliability_mc: out of memory");
    }
    tg_rng r;
    tg_rng_seed(&r, seed);
    int64_t pairs = n_samples / 2;
    double sum = 0, sum2 = 0;
    for (int64_t t = 0; t < pairs; t++) {
        for (int i = 0; i < m; i++) uni[i] = tg_rng_uniform(&r);
        double y = 0.5 * (connected_draw(n, m, u, v, p, k, terms, uni, false, parent) +
                          connected_draw(n, m, u, v, p, k, terms, uni, true, parent));
        sum += y, sum2 += y * y;
    }
    double mean = sum / (double)pairs;
    double var = (sum2 - sum * mean) / (double)(pairs - 1);
    *est = mean;
    *se = var > 0 ? sqrt(var / (double)pairs) : 0;
    tg_free(uni), tg_free(parent);
    return TG_OK;
}
