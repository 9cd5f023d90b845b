/* network.c: two-terminal and k-terminal network reliability, exact and
 * Monte Carlo, with edges and nodes failing.
 *
 * Exact: a frontier-based dynamic programme (in the spirit of Hardy, Lucet
 * and Limnios 2007).  Edges are processed one at a time in an order chosen
 * here (below); the frontier is the set of vertices touched by processed
 * and unprocessed edges; a state is the partition of the frontier into
 * connected components of the working processed edges, each component
 * carrying how many terminals it already holds (failed vertices get a DEAD
 * label).  Each edge doubles every state (works / fails, with its
 * probability), then vertices leaving the frontier are dropped: a component
 * that leaves entirely decides the outcome if it holds terminals (all k:
 * success, fewer: failure).  Equal states merge by summing probabilities,
 * so the cost is the number of distinct partitions of the frontier, which
 * grows exponentially with the frontier width (Bell numbers in general,
 * Catalan-like for planar sweeps).
 *
 * Edge order: several vertex orders are tried (breadth-first from the
 * terminals and from a pseudo-peripheral vertex, and a greedy order that
 * adds next the vertex growing the frontier least); edges go by the later,
 * then the earlier, rank of their endpoints, and the order with the
 * smallest maximum frontier width wins.  The width is known before any
 * state is built, so graphs that are too wide are refused at once.
 *
 * Monte Carlo: plain sampling, or the recursive variance reduction (RVR)
 * of Cancela and El Khadiri (1995) for highly reliable networks: for a cut
 * C = {c_1..c_r} of independent elements (edges or nodes) whose joint
 * failure disconnects the terminals,
 *   Q(G) = q_C + sum_i (q_1 ... q_{i-1} p_i) Q(G | c_1..c_{i-1} down, c_i up),
 * with q_C = q_1 ... q_r, so Q(G) = q_C + (1 - q_C) E[Q(G_I)] where I is
 * the first working element of C given that one works; one sample follows
 * one random branch of this recursion to a decided state.  The cuts used
 * are the boundaries of the components holding terminals (the one most
 * likely to fail among up to four), so the dominant small cuts around the
 * terminals enter every sample exactly instead of being waited for.
 */
#include "risk_internal.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NR_MAX_FRONTIER 40      /* array bound of the state encoding */
#define NR_MAX_WIDTH 14         /* widest frontier attempted: 13 x 13 grid, ~2 min */
#define NR_MAX_STATES (1 << 24)
#define NR_GREEDY_MAX_N 20000   /* the greedy order is quadratic-ish: skip beyond */
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

/* ---- arguments ------------------------------------------------------------ */

static tg_status nr_check(const char *fn, int n, int m, const int *u, const int *v,
                          const double *p, const double *node_p, int k, const int *terms,
                          char *msg)
{
    if (n < 1 || m < 0 || (m > 0 && (!u || !v || !p)) || k < 2 || !terms)
        return tg_msg(msg, TG_ERR_ARG, "%s: need n >= 1, edge arrays and k >= 2 terminals", fn);
    for (int i = 0; i < m; i++)
        if (u[i] < 0 || u[i] >= n || v[i] < 0 || v[i] >= n || !(p[i] >= 0 && p[i] <= 1))
            return tg_msg(msg, TG_ERR_ARG, "%s: edge %d: bad endpoint or probability", fn, i);
    for (int i = 0; node_p && i < n; i++)
        if (!(node_p[i] >= 0 && node_p[i] <= 1))
            return tg_msg(msg, TG_ERR_ARG, "%s: node %d: probability %g not in [0, 1]", fn, i,
                          node_p[i]);
    for (int i = 0; i < k; i++)
        if (terms[i] < 0 || terms[i] >= n)
            return tg_msg(msg, TG_ERR_ARG, "%s: terminal %d out of range", fn, terms[i]);
    if (k > 250) return tg_msg(msg, TG_ERR_LIMIT, "%s: more than 250 terminals", fn);
    return TG_OK;
}

/* ---- edge order --------------------------------------------------------------- */

/* The plan of an exact run: graph, terminals, edge order and its frontier. */
typedef struct nr_plan {
    int n, m, kk;               /* kk: distinct terminals */
    const int *u, *v;
    int *is_term;               /* n */
    int *order;                 /* m: edge processed at step i */
    int *last;                  /* n: last step touching the vertex, -1 if none */
    int width;                  /* maximum frontier width of the order */
} nr_plan;

static void nr_plan_free(nr_plan *pl)
{
    tg_free(pl->is_term), tg_free(pl->order), tg_free(pl->last);
    memset(pl, 0, sizeof *pl);
}

typedef struct nr_adj {
    int *off, *nb, *ed;         /* CSR: neighbours and edge ids, self-loops left out */
} nr_adj;

static void nr_adj_free(nr_adj *a)
{
    tg_free(a->off), tg_free(a->nb), tg_free(a->ed);
    memset(a, 0, sizeof *a);
}

static bool nr_adj_build(nr_adj *a, int n, int m, const int *u, const int *v)
{
    a->off = tg_calloc((size_t)n + 1, sizeof *a->off);
    a->nb = tg_malloc(sizeof *a->nb * (size_t)(2 * m + 1));
    a->ed = tg_malloc(sizeof *a->ed * (size_t)(2 * m + 1));
    int *pos = tg_malloc(sizeof *pos * (size_t)n);
    if (!a->off || !a->nb || !a->ed || !pos) {
        tg_free(pos);
        nr_adj_free(a);
        return false;
    }
    for (int i = 0; i < m; i++)
        if (u[i] != v[i]) a->off[u[i] + 1]++, a->off[v[i] + 1]++;
    for (int i = 0; i < n; i++) a->off[i + 1] += a->off[i];
    for (int i = 0; i < n; i++) pos[i] = a->off[i];
    for (int i = 0; i < m; i++) {
        if (u[i] == v[i]) continue;
        a->nb[pos[u[i]]] = v[i], a->ed[pos[u[i]]++] = i;
        a->nb[pos[v[i]]] = u[i], a->ed[pos[v[i]]++] = i;
    }
    tg_free(pos);
    return true;
}

/* Breadth-first ranks from start, then from each vertex not yet reached;
 * returns the last vertex reached from start. */
static int bfs_rank(int n, const nr_adj *a, int start, int *rank, int *queue)
{
    for (int i = 0; i < n; i++) rank[i] = -1;
    int qh = 0, qt = 0, r = 0, far = start;
    for (int s = -1; s < n; s++) {
        int x0 = s < 0 ? start : s;
        if (rank[x0] >= 0) continue;
        rank[x0] = r++;
        queue[qt++] = x0;
        while (qh < qt) {
            int x = queue[qh++];
            for (int j = a->off[x]; j < a->off[x + 1]; j++)
                if (rank[a->nb[j]] < 0) rank[a->nb[j]] = r++, queue[qt++] = a->nb[j];
        }
        if (s < 0) far = queue[qt - 1];
    }
    return far;
}

/* Greedy ranks: start at start, then repeatedly the vertex next to the
 * ranked ones whose ranking grows the frontier least (it closes the most
 * frontier vertices whose last unranked neighbour it is), ties by the
 * breadth-first rank tie[].  scratch: 3 n ints. */
static void greedy_rank(int n, const nr_adj *a, int start, const int *tie, int *rank,
                        int *scratch)
{
    int *rem = scratch, *cand = scratch + n, *cnt = scratch + 2 * n, nc = 0;
    for (int i = 0; i < n; i++) rank[i] = -1, rem[i] = a->off[i + 1] - a->off[i], cnt[i] = 0;
    /* rank[]: -1 unseen, -2 candidate, >= 0 ranked. */
    for (int r = 0; r < n; r++) {
        if (nc == 0) {
            /* A new component: its lowest-numbered vertex. */
            int s = rank[start] == -1 ? start : 0;
            while (rank[s] != -1) s++;
            rank[s] = -2, cand[nc++] = s;
        }
        int best = -1, bscore = 0, bi = -1;
        for (int c = 0; c < nc; c++) {
            int x = cand[c], closes = 0;
            for (int j = a->off[x]; j < a->off[x + 1]; j++)
                if (rank[a->nb[j]] >= 0) cnt[a->nb[j]]++;
            for (int j = a->off[x]; j < a->off[x + 1]; j++) {
                int w = a->nb[j];
                if (rank[w] >= 0 && cnt[w] > 0) {
                    closes += rem[w] == cnt[w];
                    cnt[w] = 0;
                }
            }
            int score = (rem[x] > 0) - closes;
            if (best < 0 || score < bscore || (score == bscore && tie[x] < tie[best]))
                best = x, bscore = score, bi = c;
        }
        cand[bi] = cand[--nc];
        rank[best] = r;
        for (int j = a->off[best]; j < a->off[best + 1]; j++) {
            int w = a->nb[j];
            rem[w]--;
            if (rank[w] == -1) rank[w] = -2, cand[nc++] = w;
        }
    }
}

/* Edges sorted by (later, earlier) endpoint rank; keys: 2 m int64 scratch. */
static int cmp_key(const void *x, const void *y)
{
    const int64_t *a = x, *b = y;
    return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : (a[1] > b[1]) - (a[1] < b[1]);
}

static void edges_by_rank(int n, int m, const int *u, const int *v, const int *rank, int *order,
                          int64_t *keys)
{
    for (int i = 0; i < m; i++) {
        int64_t a = rank[u[i]], b = rank[v[i]];
        keys[2 * i] = (a > b ? a : b) * (int64_t)n + (a > b ? b : a);
        keys[2 * i + 1] = i;
    }
    qsort(keys, (size_t)m, 2 * sizeof *keys, cmp_key);
    for (int i = 0; i < m; i++) order[i] = (int)keys[2 * i + 1];
}

/* Maximum frontier width of an edge order (vertices whose first processed
 * edge is at or before step i and last at or after it); *sum gets the sum
 * over the steps.  first, last: n ints; diff: m + 1 ints. */
static int order_width(int n, int m, const int *u, const int *v, const int *order, int *first,
                       int *last, int *diff, int64_t *sum)
{
    for (int i = 0; i < n; i++) first[i] = -1, last[i] = -1;
    for (int i = 0; i < m; i++) {
        int e = order[i];
        if (first[u[e]] < 0) first[u[e]] = i;
        if (first[v[e]] < 0) first[v[e]] = i;
        last[u[e]] = last[v[e]] = i;
    }
    memset(diff, 0, sizeof *diff * (size_t)(m + 1));
    for (int i = 0; i < n; i++)
        if (first[i] >= 0) diff[first[i]]++, diff[last[i] + 1]--;
    int w = 0, best = 0;
    *sum = 0;
    for (int i = 0; i < m; i++) {
        w += diff[i];
        *sum += w;
        if (w > best) best = w;
    }
    return best;
}

/* Build the plan: the best of the candidate orders. */
static tg_status nr_plan_build(nr_plan *pl, int n, int m, const int *u, const int *v, int k,
                               const int *terms, const char *fn, char *msg)
{
    memset(pl, 0, sizeof *pl);
    pl->n = n, pl->m = m, pl->u = u, pl->v = v;
    tg_status s = TG_OK;
    nr_adj a = {0};
    int *rank = tg_malloc(sizeof *rank * (size_t)n), *tie = tg_malloc(sizeof *tie * (size_t)n);
    int *scratch = tg_malloc(sizeof *scratch * (size_t)(3 * n));
    int *cand = tg_malloc(sizeof *cand * (size_t)(m + 1));
    int *diff = tg_malloc(sizeof *diff * (size_t)(m + 1));
    int64_t *keys = tg_malloc(sizeof *keys * (size_t)(2 * m + 2));
    pl->is_term = tg_calloc((size_t)n, sizeof *pl->is_term);
    pl->order = tg_malloc(sizeof *pl->order * (size_t)(m + 1));
    pl->last = tg_malloc(sizeof *pl->last * (size_t)n);
    if (!rank || !tie || !scratch || !cand || !diff || !keys || !pl->is_term || !pl->order ||
        !pl->last || !nr_adj_build(&a, n, m, u, v)) {
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
        goto done;
    }
    for (int i = 0; i < k; i++) pl->is_term[terms[i]] = 1;
    for (int i = 0; i < n; i++) pl->kk += pl->is_term[i];
    /* Candidates: breadth-first from up to four terminals and from a
     * pseudo-peripheral vertex; greedy from terminal 0 and from it. */
    int far = bfs_rank(n, &a, terms[0], rank, scratch);
    int periph = bfs_rank(n, &a, far, rank, scratch);
    int64_t best_sum = 0;
    pl->width = -1;
    for (int c = 0; c < 7; c++) {
        if (c < 4 && c >= k) continue;
        if (c >= 5 && n > NR_GREEDY_MAX_N) break;
        int start = c < 4 ? terms[c] : c == 4 || c == 6 ? periph : terms[0];
        if (c < 4 && c > 0 && terms[c] == terms[0]) continue;
        bfs_rank(n, &a, start, c < 5 ? rank : tie, scratch);
        if (c >= 5) greedy_rank(n, &a, start, tie, rank, scratch);
        edges_by_rank(n, m, u, v, rank, cand, keys);
        int64_t sum;
        int w = order_width(n, m, u, v, cand, scratch, pl->last, diff, &sum);
        if (pl->width < 0 || w < pl->width || (w == pl->width && sum < best_sum)) {
            pl->width = w, best_sum = sum;
            if (m > 0) memcpy(pl->order, cand, sizeof *cand * (size_t)m);
        }
    }
    order_width(n, m, u, v, pl->order, scratch, pl->last, diff, &best_sum);
done:
    nr_adj_free(&a);
    tg_free(rank), tg_free(tie), tg_free(scratch), tg_free(cand), tg_free(diff), tg_free(keys);
    if (s != TG_OK) nr_plan_free(pl);
    return s;
}

static tg_status nr_plan_check(const nr_plan *pl, const char *fn, char *msg)
{
    if (pl->width > NR_MAX_WIDTH)
        return tg_msg(msg, TG_ERR_LIMIT, "%s: the best edge order found has frontier width %d "
                      "(more than %d): the exact method would need too many connectivity states; "
                      "use Monte Carlo (method 'mc')", fn, pl->width, NR_MAX_WIDTH);
    return TG_OK;
}

tg_status tg_risk_network_frontier_width(int n, int m, const int *u, const int *v, int k,
                                         const int *terms, int *width, char *msg)
{
    static const char fn[] = "tg_risk_network_frontier_width";
    tg_msg_clear(msg);
    if (!width) return tg_msg(msg, TG_ERR_ARG, "%s: width is NULL", fn);
    *width = 0;
    double one = 1;
    /* Probabilities do not matter here: check the structure only. */
    for (int i = 0; i < m; i++)
        if (!u || !v || u[i] < 0 || u[i] >= n || v[i] < 0 || v[i] >= n)
            return tg_msg(msg, TG_ERR_ARG, "%s: edge %d: bad endpoint", fn, i);
    tg_status s = nr_check(fn, n, 0, NULL, NULL, &one, NULL, k, terms, msg);
    if (s != TG_OK) return s;
    nr_plan pl;
    s = nr_plan_build(&pl, n, m, u, v, k, terms, fn, msg);
    if (s != TG_OK) return s;
    *width = pl.width;
    nr_plan_free(&pl);
    return TG_OK;
}

/* ---- exact ------------------------------------------------------------------ */

/* One exact run over the plan with edge probabilities p and node
 * probabilities node_p (NULL: perfect nodes). */
static tg_status nr_exact(const nr_plan *pl, const double *p, const double *node_p, const char *fn,
                          double *out, char *msg)
{
    tg_status s = TG_OK;
    int n = pl->n;
    *out = 0;
    if (pl->kk < 2) {       /* one distinct terminal: connected if it works */
        for (int i = 0; i < n; i++)
            if (pl->is_term[i]) *out = node_p ? node_p[i] : 1;
        return TG_OK;
    }
    for (int i = 0; i < n; i++)
        if (pl->is_term[i] && pl->last[i] < 0) return TG_OK;      /* isolated terminal: 0 */
    stab cur = {0}, nxt = {0};
    int *slot = tg_malloc(sizeof *slot * (size_t)n);
    if (!slot) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    for (int i = 0; i < n; i++) slot[i] = -1;
    int fr[NR_MAX_FRONTIER + 2], f = 0;             /* frontier vertices */
    if (!stab_init(&cur, 16, 0)) {
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
        goto done;
    }
    uint8_t none[1] = {0};
    stab_add(&cur, none, 1.0);
    double success = 0;
    uint8_t st[2 * NR_MAX_FRONTIER + 4], st2[2 * NR_MAX_FRONTIER + 4];
    for (int ei = 0; ei < pl->m; ei++) {
        int e = pl->order[ei], a = pl->u[e], b = pl->v[e];
        /* New frontier: old plus entering vertices (singletons). */
        int nf = f, enter[2], nenter = 0;
        if (slot[a] < 0) enter[nenter++] = a;
        if (b != a && slot[b] < 0) enter[nenter++] = b;
        assert(f + nenter <= NR_MAX_FRONTIER);     /* the plan's width is checked */
        for (int j = 0; j < nenter; j++) slot[enter[j]] = nf, fr[nf++] = enter[j];
        /* Leaving vertices after this edge. */
        int leave[2], nleave = 0;
        if (pl->last[a] == ei) leave[nleave++] = a;
        if (b != a && pl->last[b] == ei) leave[nleave++] = b;
        int keep[NR_MAX_FRONTIER + 2], nk = 0;
        for (int j = 0; j < nf; j++) {
            bool gone = false;
            for (int l = 0; l < nleave; l++) gone |= fr[j] == leave[l];
            if (!gone) keep[nk++] = j;
        }
        if (!stab_init(&nxt, cur.cap, 2 * nk)) {
            s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
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
                    if ((combo >> jj) & 1) wnode *= 1 - node_p[w], term_dead |= pl->is_term[w] != 0;
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
                        st[nf + j] = failed ? 0 : (uint8_t)pl->is_term[fr[j]];
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
                            if (st[nf + lab] == pl->kk) won = true;
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
                        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
                        goto done;
                    }
                }
            }
        }
        if (nxt.n > NR_MAX_STATES) {
            s = tg_msg(msg, TG_ERR_LIMIT, "%s: more than %d frontier "
                       "states: use Monte Carlo (method 'mc')", fn, NR_MAX_STATES);
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
    tg_free(slot);
    return s;
}

tg_status tg_risk_network_reliability(int n, int m, const int *u, const int *v, const double *p,
                                      int k, const int *terms, double *out, char *msg)
{
    return tg_risk_network_reliability_nodes(n, m, u, v, p, NULL, k, terms, out, msg);
}

tg_status tg_risk_network_reliability_nodes(int n, int m, const int *u, const int *v,
                                            const double *p, const double *node_p, int k,
                                            const int *terms, double *out, char *msg)
{
    static const char fn[] = "tg_risk_network_reliability";
    tg_msg_clear(msg);
    if (!out) return tg_msg(msg, TG_ERR_ARG, "%s: out is NULL", fn);
    *out = 0;
    tg_status s = nr_check(fn, n, m, u, v, p, node_p, k, terms, msg);
    if (s != TG_OK) return s;
    nr_plan pl;
    s = nr_plan_build(&pl, n, m, u, v, k, terms, fn, msg);
    if (s != TG_OK) return s;
    s = nr_plan_check(&pl, fn, msg);
    if (s == TG_OK) s = nr_exact(&pl, p, node_p, fn, out, msg);
    nr_plan_free(&pl);
    return s;
}

tg_status tg_risk_network_criticality_nodes(int n, int m, const int *u, const int *v,
                                            const double *p, const double *node_p, int k,
                                            const int *terms, double *edge_crit, double *node_crit,
                                            char *msg)
{
    static const char fn[] = "tg_risk_network_criticality";
    tg_msg_clear(msg);
    tg_status s = nr_check(fn, n, m, u, v, p, node_p, k, terms, msg);
    if (s != TG_OK) return s;
    nr_plan pl;
    s = nr_plan_build(&pl, n, m, u, v, k, terms, fn, msg);
    if (s != TG_OK) return s;
    s = nr_plan_check(&pl, fn, msg);
    double *q = tg_malloc(sizeof *q * (size_t)(m + 1));
    double *np = tg_malloc(sizeof *np * (size_t)n);
    if (s == TG_OK && (!q || !np)) s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    if (s == TG_OK) {
        if (m > 0) memcpy(q, p, sizeof *q * (size_t)m);
        for (int i = 0; i < n; i++) np[i] = node_p ? node_p[i] : 1;
    }
    /* Birnbaum: R(element works) - R(element fails), two exact runs each. */
    for (int i = 0; edge_crit && i < m && s == TG_OK; i++) {
        double r1, r0;
        q[i] = 1;
        s = nr_exact(&pl, q, node_p, fn, &r1, msg);
        q[i] = 0;
        if (s == TG_OK) s = nr_exact(&pl, q, node_p, fn, &r0, msg);
        q[i] = p[i];
        if (s == TG_OK) edge_crit[i] = r1 - r0;
    }
    for (int i = 0; node_crit && i < n && s == TG_OK; i++) {
        double r1, r0;
        np[i] = 1;
        s = nr_exact(&pl, p, np, fn, &r1, msg);
        np[i] = 0;
        if (s == TG_OK) s = nr_exact(&pl, p, np, fn, &r0, msg);
        np[i] = node_p ? node_p[i] : 1;
        if (s == TG_OK) node_crit[i] = r1 - r0;
    }
    tg_free(q), tg_free(np);
    nr_plan_free(&pl);
    return s;
}

tg_status tg_risk_network_criticality(int n, int m, const int *u, const int *v, const double *p,
                                      int k, const int *terms, double *crit, char *msg)
{
    tg_msg_clear(msg);
    if (!crit) return tg_msg(msg, TG_ERR_ARG, "tg_risk_network_criticality: crit is NULL");
    return tg_risk_network_criticality_nodes(n, m, u, v, p, NULL, k, terms, crit, NULL, msg);
}

/* ---- Monte Carlo ----------------------------------------------------------- */

enum { ST_UNK = 0, ST_UP = 1, ST_DOWN = 2 };

/* Sampling state: element states, union-find over working nodes with the
 * number of terminals per root, and per root the list of its member
 * nodes that may still have boundary edges (pruned as they are scanned).
 * The *0 arrays hold the state before any draw (perfect and dead elements
 * settled), copied at the start of every sample. */
typedef struct nr_mc {
    int n, m, k, kk;
    const int *u, *v, *terms;
    const double *p, *node_p;
    nr_adj a;
    uint8_t *est, *nst, *est0, *nst0;
    int *ints, *ints0;          /* parent, size, tcount, head, tail, next: 6 n each */
    int *parent, *size, *tcount, *head, *tail, *next;
    bool won, won0;
    int *cut, *cut2, *stamp, stampv;
    double *w;
} nr_mc;

static void nr_mc_free(nr_mc *s)
{
    nr_adj_free(&s->a);
    tg_free(s->est), tg_free(s->nst), tg_free(s->est0), tg_free(s->nst0);
    tg_free(s->ints), tg_free(s->ints0);
    tg_free(s->cut), tg_free(s->cut2), tg_free(s->stamp), tg_free(s->w);
    memset(s, 0, sizeof *s);
}

static int mc_find(int *parent, int x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

static void mc_union(nr_mc *s, int x, int y)
{
    int a = mc_find(s->parent, x), b = mc_find(s->parent, y);
    if (a == b) return;
    if (s->size[a] < s->size[b]) {
        int t = a;
        a = b, b = t;
    }
    s->parent[b] = a;
    s->size[a] += s->size[b];
    s->tcount[a] += s->tcount[b];
    if (s->tcount[a] == s->kk) s->won = true;
    if (s->head[b] >= 0) {      /* append b's member list to a's */
        if (s->head[a] >= 0) s->next[s->tail[a]] = s->head[b];
        else s->head[a] = s->head[b];
        s->tail[a] = s->tail[b];
    }
    s->head[b] = s->tail[b] = -1;
}

static double elem_p(const nr_mc *s, int c)
{
    return c < s->m ? s->p[c] : s->node_p[c - s->m];
}

static void set_up(nr_mc *s, int c)
{
    if (c < s->m) {
        s->est[c] = ST_UP;
        if (s->nst[s->u[c]] == ST_UP && s->nst[s->v[c]] == ST_UP) mc_union(s, s->u[c], s->v[c]);
        return;
    }
    int x = c - s->m;
    s->nst[x] = ST_UP;
    for (int j = s->a.off[x]; j < s->a.off[x + 1]; j++)
        if (s->est[s->a.ed[j]] == ST_UP && s->nst[s->a.nb[j]] == ST_UP) mc_union(s, x, s->a.nb[j]);
}

static void set_down(nr_mc *s, int c)
{
    if (c < s->m) s->est[c] = ST_DOWN;
    else s->nst[c - s->m] = ST_DOWN;
}

static tg_status nr_mc_init(nr_mc *s, int n, int m, const int *u, const int *v, const double *p,
                            const double *node_p, int k, const int *terms, const char *fn,
                            char *msg)
{
    memset(s, 0, sizeof *s);
    s->n = n, s->m = m, s->k = k, s->u = u, s->v = v, s->p = p, s->node_p = node_p;
    s->terms = terms;
    s->est = tg_malloc((size_t)m + 1), s->est0 = tg_malloc((size_t)m + 1);
    s->nst = tg_malloc((size_t)n), s->nst0 = tg_malloc((size_t)n);
    s->ints = tg_malloc(sizeof *s->ints * (size_t)(6 * n));
    s->ints0 = tg_malloc(sizeof *s->ints * (size_t)(6 * n));
    s->cut = tg_malloc(sizeof *s->cut * (size_t)(m + n + 1));
    s->cut2 = tg_malloc(sizeof *s->cut * (size_t)(m + n + 1));
    s->stamp = tg_calloc((size_t)n, sizeof *s->stamp);
    s->w = tg_malloc(sizeof *s->w * (size_t)(m + n + 1));
    if (!s->est || !s->est0 || !s->nst || !s->nst0 || !s->ints || !s->ints0 || !s->cut ||
        !s->cut2 || !s->stamp || !s->w || !nr_adj_build(&s->a, n, m, u, v)) {
        nr_mc_free(s);
        return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    }
    /* Build the base state in the working arrays, then keep a copy. */
    s->parent = s->ints, s->size = s->ints + n, s->tcount = s->ints + 2 * n;
    s->head = s->ints + 3 * n, s->tail = s->ints + 4 * n, s->next = s->ints + 5 * n;
    for (int i = 0; i < n; i++) {
        s->parent[i] = i, s->size[i] = 1, s->tcount[i] = 0;
        s->head[i] = s->tail[i] = i, s->next[i] = -1;
        s->nst[i] = !node_p || node_p[i] == 1 ? ST_UP : node_p[i] == 0 ? ST_DOWN : ST_UNK;
    }
    for (int i = 0; i < k; i++)
        if (!s->tcount[terms[i]]) s->tcount[terms[i]] = 1, s->kk++;
    for (int i = 0; i < m; i++)
        s->est[i] = u[i] == v[i] || p[i] == 0 ? ST_DOWN : p[i] == 1 ? ST_UP : ST_UNK;
    for (int i = 0; i < m; i++)
        if (s->est[i] == ST_UP && s->nst[u[i]] == ST_UP && s->nst[v[i]] == ST_UP)
            mc_union(s, u[i], v[i]);
    s->won0 = s->won;
    memcpy(s->est0, s->est, (size_t)m);
    memcpy(s->nst0, s->nst, (size_t)n);
    memcpy(s->ints0, s->ints, sizeof *s->ints * (size_t)(6 * n));
    return TG_OK;
}

static void nr_mc_reset(nr_mc *s)
{
    memcpy(s->est, s->est0, (size_t)s->m);
    memcpy(s->nst, s->nst0, (size_t)s->n);
    memcpy(s->ints, s->ints0, sizeof *s->ints * (size_t)(6 * s->n));
    s->won = s->won0;
}

/* The cut around root r: its unknown boundary edges and the unknown nodes
 * its working boundary edges reach (all failing isolates r).  Members with
 * nothing left to offer are dropped from r's list for good: components
 * only grow and decided elements stay decided.  Returns the number of
 * elements written to cut; *q the probability they all fail. */
static int mc_cut(nr_mc *s, int r, int *cut, double *q)
{
    int nc = 0, prev = -1;
    double qc = 1;
    s->stampv++;
    for (int x = s->head[r], nx; x >= 0; x = nx) {
        nx = s->next[x];
        bool relevant = false;
        for (int j = s->a.off[x]; j < s->a.off[x + 1]; j++) {
            int e = s->a.ed[j], y = s->a.nb[j];
            if (s->est[e] == ST_DOWN || s->nst[y] == ST_DOWN) continue;
            if (s->nst[y] == ST_UP && mc_find(s->parent, y) == r) continue;
            relevant = true;
            if (s->est[e] == ST_UNK) {
                cut[nc++] = e;
                qc *= 1 - s->p[e];
            } else if (s->stamp[y] != s->stampv) {     /* working edge to an unknown node */
                s->stamp[y] = s->stampv;
                cut[nc++] = s->m + y;
                qc *= 1 - s->node_p[y];
            }
        }
        if (relevant) {
            prev = x;
            continue;
        }
        if (prev < 0) s->head[r] = nx;
        else s->next[prev] = nx;
        if (s->tail[r] == x) s->tail[r] = prev;
    }
    *q = qc;
    return nc;
}

/* One RVR sample: the estimate of the unreliability along one random
 * branch of the recursion. */
static double rvr_sample(nr_mc *s, tg_rng *rng)
{
    nr_mc_reset(s);
    double y = 0, wgt = 1;
    while (!s->won) {
        int unk_t = -1;
        bool tdown = false;
        for (int i = 0; i < s->k && !tdown; i++) {
            int t = s->terms[i];
            tdown = s->nst[t] == ST_DOWN;
            if (s->nst[t] == ST_UNK && unk_t < 0) unk_t = t;
        }
        if (tdown) return y + wgt;
        double qc;
        int nc;
        if (unk_t >= 0) {           /* a terminal alone is a cut */
            s->cut[0] = s->m + unk_t;
            nc = 1;
            qc = 1 - s->node_p[unk_t];
        } else {                    /* the likeliest to fail of up to four components */
            int roots[4], nr = 0;
            nc = -1;
            qc = 0;
            for (int i = 0; i < s->k && nr < 4; i++) {
                int r = mc_find(s->parent, s->terms[i]);
                bool seen = false;
                for (int j = 0; j < nr; j++) seen |= roots[j] == r;
                if (seen) continue;
                roots[nr++] = r;
                double q2;
                int n2 = mc_cut(s, r, s->cut2, &q2);
                if (nc < 0 || q2 > qc || (q2 == qc && n2 < nc)) {
                    int *t = s->cut;
                    s->cut = s->cut2, s->cut2 = t;
                    nc = n2, qc = q2;
                }
            }
        }
        y += wgt * qc;
        if (nc == 0) return y;      /* isolated: the empty cut has failed */
        double acc = 0, run = 1;
        for (int i = 0; i < nc; i++) {
            double pi = elem_p(s, s->cut[i]);
            s->w[i] = run * pi;
            acc += s->w[i];
            run *= 1 - pi;
        }
        wgt *= acc;                 /* = 1 - qc: some element works */
        if (!(wgt > 0)) return y;
        double r = tg_rng_uniform(rng) * acc, c = 0;
        int pick = nc - 1;
        for (int i = 0; i < nc; i++) {
            c += s->w[i];
            if (r < c && s->w[i] > 0) {
                pick = i;
                break;
            }
        }
        while (s->w[pick] <= 0) pick--;     /* rounding at the top end */
        for (int i = 0; i < pick; i++) set_down(s, s->cut[i]);
        set_up(s, s->cut[pick]);
    }
    return y;
}

/* One plain sample: 1 if the terminals are disconnected. */
static double plain_sample(nr_mc *s, tg_rng *rng)
{
    nr_mc_reset(s);
    for (int x = 0; x < s->n; x++)
        if (s->nst[x] == ST_UNK) s->nst[x] = tg_rng_uniform(rng) < s->node_p[x] ? ST_UP : ST_DOWN;
    for (int i = 0; i < s->k; i++)
        if (s->nst[s->terms[i]] != ST_UP) return 1;
    for (int e = 0; e < s->m; e++) {
        if (s->est[e] == ST_UNK) s->est[e] = tg_rng_uniform(rng) < s->p[e] ? ST_UP : ST_DOWN;
        if (s->est[e] == ST_UP && s->nst[s->u[e]] == ST_UP && s->nst[s->v[e]] == ST_UP)
            mc_union(s, s->u[e], s->v[e]);
    }
    return s->won ? 0 : 1;
}

tg_status tg_risk_network_mc(int n, int m, const int *u, const int *v, const double *p,
                             const double *node_p, int k, const int *terms, int64_t n_samples,
                             uint64_t seed, tg_risk_mc_method method, tg_risk_mc_result *out,
                             char *msg)
{
    static const char fn[] = "tg_risk_network_mc";
    tg_msg_clear(msg);
    if (!out) return tg_msg(msg, TG_ERR_ARG, "%s: out is NULL", fn);
    memset(out, 0, sizeof *out);
    if (n_samples < 2) return tg_msg(msg, TG_ERR_ARG, "%s: need at least 2 samples", fn);
    if (method != TG_RISK_MC_RVR && method != TG_RISK_MC_PLAIN)
        return tg_msg(msg, TG_ERR_ARG, "%s: unknown method %d", fn, (int)method);
    tg_status s = nr_check(fn, n, m, u, v, p, node_p, k, terms, msg);
    if (s != TG_OK) return s;
    nr_mc st;
    s = nr_mc_init(&st, n, m, u, v, p, node_p, k, terms, fn, msg);
    if (s != TG_OK) return s;
    tg_rng rng;
    tg_rng_seed(&rng, seed);
    double mean = 0, m2 = 0;    /* Welford: tiny unreliabilities keep their digits */
    for (int64_t t = 0; t < n_samples; t++) {
        double y;
        if (st.kk < 2) {        /* one distinct terminal: fails iff it does */
            y = node_p ? 1 - node_p[terms[0]] : 0;
        } else {
            y = method == TG_RISK_MC_RVR ? rvr_sample(&st, &rng) : plain_sample(&st, &rng);
        }
        double d = y - mean;
        mean += d / (double)(t + 1);
        m2 += d * (y - mean);
    }
    nr_mc_free(&st);
    double var = m2 / (double)(n_samples - 1);
    out->unreliability = mean;
    out->reliability = 1 - mean;
    out->sample_var = var > 0 ? var : 0;
    out->se = sqrt(out->sample_var / (double)n_samples);
    out->samples = n_samples;
    return TG_OK;
}

tg_status tg_risk_network_reliability_mc(int n, int m, const int *u, const int *v, const double *p,
                                         int k, const int *terms, int64_t n_samples, uint64_t seed,
                                         double *est, double *se, char *msg)
{
    tg_msg_clear(msg);
    if (!est || !se) return tg_msg(msg, TG_ERR_ARG, "tg_risk_network_reliability_mc: NULL out");
    *est = *se = 0;
    tg_risk_mc_result r;
    tg_status s = tg_risk_network_mc(n, m, u, v, p, NULL, k, terms, n_samples, seed,
                                     TG_RISK_MC_RVR, &r, msg);
    if (s == TG_OK) *est = r.reliability, *se = r.se;
    return s;
}
