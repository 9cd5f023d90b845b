/* resilience.c: attack and failure curves, Motter-Lai cascades, supply
 * dependency propagation, criticality ranking and N-k screening.
 *
 * Every procedure here removes things and re-measures many times, so the
 * graph is copied once into compact adjacency arrays with edge ids, and
 * removals are masks over them (no graph rebuild per step).  Measures
 * after removal: largest weakly connected component (union-find), global
 * efficiency (BFS from every live node), sinks fed from sources (one
 * multi-source BFS), and betweenness (the Brandes engine of brain.c with a
 * dead-node mask). */
#include "brain_internal.h"

#include <math.h>
#include <string.h>

typedef struct net {
    int64_t n, m;
    bool directed;
    int64_t *optr, *oadj, *oeid;    /* out-neighbours (both ways when undirected) */
    int64_t *iptr, *iadj, *ieid;    /* in-neighbours (aliases of out when undirected) */
    int64_t *src, *dst;
    double *ones;                   /* unit lengths for the shortest-path engine */
    /* work */
    int64_t *queue, *dist, *uf, *size;
    bool *seen;
} net;

static void net_free(net *t)
{
    if (t->iptr != t->optr) {
        tg_free(t->iptr);
        tg_free(t->iadj);
        tg_free(t->ieid);
    }
    tg_free(t->optr);
    tg_free(t->oadj);
    tg_free(t->oeid);
    tg_free(t->src);
    tg_free(t->dst);
    tg_free(t->ones);
    tg_free(t->queue);
    tg_free(t->dist);
    tg_free(t->uf);
    tg_free(t->size);
    tg_free(t->seen);
    memset(t, 0, sizeof *t);
}

static tg_status csr_build(int64_t n, int64_t m, const int64_t *a, const int64_t *b, bool both, int64_t **ptr,
                           int64_t **adj, int64_t **eid)
{
    int64_t cnt = both ? 2 * m : m;
    *ptr = tg_calloc((size_t)n + 1, sizeof **ptr);
    *adj = tg_malloc(sizeof **adj * (size_t)(cnt ? cnt : 1));
    *eid = tg_malloc(sizeof **eid * (size_t)(cnt ? cnt : 1));
    if (!*ptr || !*adj || !*eid) return TG_ERR_NOMEM;
    for (int64_t e = 0; e < m; e++) {
        if (a[e] == b[e]) continue;
        (*ptr)[a[e] + 1]++;
        if (both) (*ptr)[b[e] + 1]++;
    }
    for (int64_t v = 0; v < n; v++) (*ptr)[v + 1] += (*ptr)[v];
    int64_t *fill = tg_malloc(sizeof *fill * (size_t)(n ? n : 1));
    if (!fill) return TG_ERR_NOMEM;
    memcpy(fill, *ptr, sizeof *fill * (size_t)n);
    for (int64_t e = 0; e < m; e++) {
        if (a[e] == b[e]) continue;
        (*adj)[fill[a[e]]] = b[e];
        (*eid)[fill[a[e]]++] = e;
        if (both) {
            (*adj)[fill[b[e]]] = a[e];
            (*eid)[fill[b[e]]++] = e;
        }
    }
    tg_free(fill);
    return TG_OK;
}

static tg_status net_build(const tg_graph *g, net *t)
{
    memset(t, 0, sizeof *t);
    t->n = tg_graph_node_count(g);
    t->m = tg_graph_edge_count(g);
    t->directed = tg_graph_is_directed(g);
    size_t n1 = (size_t)(t->n ? t->n : 1), m1 = (size_t)(t->m ? t->m : 1);
    t->src = tg_malloc(sizeof *t->src * m1);
    t->dst = tg_malloc(sizeof *t->dst * m1);
    t->queue = tg_malloc(sizeof *t->queue * n1);
    t->dist = tg_malloc(sizeof *t->dist * n1);
    t->uf = tg_malloc(sizeof *t->uf * n1);
    t->size = tg_malloc(sizeof *t->size * n1);
    t->seen = tg_malloc(sizeof *t->seen * n1);
    t->ones = tg_malloc(sizeof *t->ones * 2 * m1);
    if (!t->src || !t->dst || !t->queue || !t->dist || !t->uf || !t->size || !t->seen || !t->ones) goto oom;
    for (int64_t e = 0; e < t->m; e++) tg_graph_edge_ends(g, e, &t->src[e], &t->dst[e]);
    for (int64_t k = 0; k < 2 * t->m; k++) t->ones[k] = 1;
    if (csr_build(t->n, t->m, t->src, t->dst, !t->directed, &t->optr, &t->oadj, &t->oeid) != TG_OK) goto oom;
    if (t->directed) {
        if (csr_build(t->n, t->m, t->dst, t->src, false, &t->iptr, &t->iadj, &t->ieid) != TG_OK) goto oom;
    } else {
        t->iptr = t->optr;
        t->iadj = t->oadj;
        t->ieid = t->oeid;
    }
    return TG_OK;
oom:
    net_free(t);
    return TG_ERR_NOMEM;
}

static bool live_node(const bool *dn, int64_t v) { return !dn || !dn[v]; }
static bool live_edge(const bool *de, int64_t e) { return !de || !de[e]; }

static int64_t uf_root(int64_t *p, int64_t x)
{
    while (p[x] != x) x = p[x] = p[p[x]];
    return x;
}

/* Largest weak component and the mean size of the others (sum s^2 / sum s). */
static void components(net *t, const bool *dn, const bool *de, int64_t *largest, double *small)
{
    for (int64_t v = 0; v < t->n; v++) {
        t->uf[v] = v;
        t->size[v] = 0;
    }
    for (int64_t e = 0; e < t->m; e++) {
        int64_t a = t->src[e], b = t->dst[e];
        if (!live_edge(de, e) || !live_node(dn, a) || !live_node(dn, b)) continue;
        a = uf_root(t->uf, a);
        b = uf_root(t->uf, b);
        if (a != b) t->uf[a] = b;
    }
    int64_t big = 0;
    for (int64_t v = 0; v < t->n; v++)
        if (live_node(dn, v)) {
            int64_t r = uf_root(t->uf, v);
            if (++t->size[r] > big) big = t->size[r];
        }
    double s1 = 0, s2 = 0;
    bool skipped = false;
    for (int64_t v = 0; v < t->n; v++) {
        int64_t s = t->size[v];
        if (!s) continue;
        if (s == big && !skipped) {
            skipped = true;
            continue;
        }
        s1 += (double)s;
        s2 += (double)s * (double)s;
    }
    *largest = big;
    if (small) *small = s1 > 0 ? s2 / s1 : 0;
}

/* Sum over live ordered pairs of 1/hops, along out-edges. */
static double efficiency(net *t, const bool *dn, const bool *de)
{
    double sum = 0;
    for (int64_t s = 0; s < t->n; s++) {
        if (!live_node(dn, s)) continue;
        for (int64_t v = 0; v < t->n; v++) t->dist[v] = -1;
        int64_t head = 0, tail = 0;
        t->queue[tail++] = s;
        t->dist[s] = 0;
        while (head < tail) {
            int64_t v = t->queue[head++];
            for (int64_t k = t->optr[v]; k < t->optr[v + 1]; k++) {
                int64_t u = t->oadj[k];
                if (t->dist[u] >= 0 || !live_node(dn, u) || !live_edge(de, t->oeid[k])) continue;
                t->dist[u] = t->dist[v] + 1;
                sum += 1.0 / (double)t->dist[u];
                t->queue[tail++] = u;
            }
        }
    }
    return t->n > 1 ? sum / ((double)t->n * (double)(t->n - 1)) : 0;
}

/* Number of sinks reachable from a live source. */
static int64_t fed(net *t, const bool *dn, const bool *de, const int64_t *src, int64_t ns, const int64_t *snk,
                   int64_t nk)
{
    memset(t->seen, 0, sizeof *t->seen * (size_t)t->n);
    int64_t head = 0, tail = 0;
    for (int64_t i = 0; i < ns; i++)
        if (live_node(dn, src[i]) && !t->seen[src[i]]) {
            t->seen[src[i]] = true;
            t->queue[tail++] = src[i];
        }
    while (head < tail) {
        int64_t v = t->queue[head++];
        for (int64_t k = t->optr[v]; k < t->optr[v + 1]; k++) {
            int64_t u = t->oadj[k];
            if (t->seen[u] || !live_node(dn, u) || !live_edge(de, t->oeid[k])) continue;
            t->seen[u] = true;
            t->queue[tail++] = u;
        }
    }
    int64_t c = 0;
    for (int64_t i = 0; i < nk; i++) c += t->seen[snk[i]];
    return c;
}

/* Node betweenness (ordered pairs) among live nodes. */
static tg_status betweenness(net *t, const bool *dn, double *bc)
{
    tg_brain_csr c = {t->n, t->optr, t->oadj, t->ones};
    tg_brain_sssp w;
    if (tg_brain_i_sssp_init(&w, &c) != TG_OK) return TG_ERR_NOMEM;
    for (int64_t v = 0; v < t->n; v++) bc[v] = 0;
    for (int64_t s = 0; s < t->n; s++) {
        if (!live_node(dn, s)) continue;
        tg_brain_i_sssp(&c, false, dn, s, &w);
        tg_brain_i_accumulate(&w, bc);
    }
    tg_brain_i_sssp_free(&w);
    return TG_OK;
}

static tg_status check_list(const int64_t *l, int64_t k, int64_t lim, const char *what, const char *fn, char *msg)
{
    if (k < 0 || (k > 0 && !l)) return tg_msg(msg, TG_ERR_ARG, "%s: %s list is NULL or has a negative length", fn, what);
    for (int64_t i = 0; i < k; i++)
        if (l[i] < 0 || l[i] >= lim)
            return tg_msg(msg, TG_ERR_ARG, "%s: %s %lld: index %lld out of range", fn, what, (long long)i + 1,
                          (long long)l[i]);
    return TG_OK;
}

/* Candidates must be distinct: a repeated one would be "removed" twice,
 * so removed fractions would overstate the damage and N-k would screen
 * degenerate sets such as {v, v}. */
static tg_status check_distinct(const int64_t *l, int64_t k, int64_t lim, const char *what, const char *fn,
                                char *msg)
{
    if (!l || k < 2) return TG_OK;
    bool *seen = tg_calloc((size_t)(lim ? lim : 1), sizeof *seen);
    if (!seen) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    tg_status s = TG_OK;
    for (int64_t i = 0; i < k && s == TG_OK; i++) {
        if (seen[l[i]])
            s = tg_msg(msg, TG_ERR_ARG, "%s: %s %lld: index %lld is listed twice", fn, what, (long long)i + 1,
                       (long long)l[i]);
        seen[l[i]] = true;
    }
    tg_free(seen);
    return s;
}

/* ---- attack curves --------------------------------------------------------- */

void tg_graph_attack_free(tg_attack_curve *c)
{
    if (!c) return;
    tg_free(c->removed);
    tg_free(c->largest);
    tg_free(c->efficiency);
    tg_free(c->fed);
    tg_free(c->small);
    tg_free(c->order);
    memset(c, 0, sizeof *c);
}

/* Tie rule of every "highest score first" choice here (attack orders,
 * the Motter-Lai trigger): a score within TIE_REL (relative) of the
 * highest remaining score counts as tied with it, and the lowest node (or
 * edge) index among the tied goes first.  Exact equality is not enough:
 * betweenness sums the same fractions in different orders for symmetric
 * nodes (vertex-transitive graphs, the two sides of K_{m,n}), so equal
 * values differ in the last bits and the order would follow rounding. */
#define TIE_REL 1e-9

static double tie_floor(double best) { return best - TIE_REL * fabs(best); }

/* The position q of the chosen one among the K entries not gone: entry q
 * is element cand[q] (q when cand is NULL) with score score[cand[q]].
 * -1 when all are gone. */
static int64_t pick_highest(const double *score, const int64_t *cand, const bool *gone, int64_t K)
{
#define ELEM(q) (cand ? cand[q] : (q))
    double best = -INFINITY;
    bool any = false;
    for (int64_t q = 0; q < K; q++)
        if (!gone[q] && (!any || score[ELEM(q)] > best)) {
            best = score[ELEM(q)];
            any = true;
        }
    if (!any) return -1;
    double lo = tie_floor(best);
    int64_t pick = -1;
    for (int64_t q = 0; q < K; q++)
        if (!gone[q] && score[ELEM(q)] >= lo && (pick < 0 || ELEM(q) < ELEM(pick))) pick = q;
    return pick;
#undef ELEM
}

typedef struct by_score { double s; int64_t i; } by_score;

/* Exact order (score descending, index ascending): a strict weak order,
 * as qsort needs; the tolerance is applied after sorting (tie_order). */
static int score_desc(const void *a, const void *b)
{
    const by_score *x = a, *y = b;
    if (x->s != y->s) return x->s > y->s ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

/* Min-heap of positions into bs, keyed by bs[pos].i. */
static void heap_push(int64_t *h, int64_t *hn, int64_t pos, const by_score *bs)
{
    int64_t c = (*hn)++;
    while (c > 0 && bs[h[(c - 1) / 2]].i > bs[pos].i) {
        h[c] = h[(c - 1) / 2];
        c = (c - 1) / 2;
    }
    h[c] = pos;
}

static int64_t heap_pop(int64_t *h, int64_t *hn, const by_score *bs)
{
    int64_t top = h[0], last = h[--*hn], c = 0;
    for (;;) {
        int64_t k = 2 * c + 1;
        if (k >= *hn) break;
        if (k + 1 < *hn && bs[h[k + 1]].i < bs[h[k]].i) k++;
        if (bs[h[k]].i >= bs[last].i) break;
        h[c] = h[k];
        c = k;
    }
    if (*hn > 0) h[c] = last;
    return top;
}

/* The static order under the tie rule, from bs sorted by score_desc: at
 * each step the lowest index among the remaining entries within TIE_REL
 * of the highest remaining score.  Entries enter a heap (by index) once
 * they are within the window; the window's floor only falls as the
 * highest remaining score falls, so nothing ever leaves it but by being
 * chosen.  O(K log K).  taken and heap have K entries. */
static void tie_order(const by_score *bs, int64_t K, bool *taken, int64_t *heap, int64_t *ord)
{
    int64_t p = 0, q = 0, hn = 0;
    for (int64_t i = 0; i < K; i++) taken[i] = false;
    for (int64_t step = 0; step < K; step++) {
        while (taken[q]) q++;
        double lo = tie_floor(bs[q].s);
        while (p < K && (p <= q || bs[p].s >= lo)) heap_push(heap, &hn, p++, bs);
        int64_t pos = heap_pop(heap, &hn, bs);
        taken[pos] = true;
        ord[step] = bs[pos].i;
    }
}

tg_status tg_graph_attack(const tg_graph *g, const tg_attack_opts *o, tg_attack_curve *out, char *msg)
{
    static const char fn[] = "resilience.attack";
    tg_msg_clear(msg);
    if (!g || !o || !out) return tg_msg(msg, TG_ERR_ARG, "%s: graph, options or output is NULL", fn);
    memset(out, 0, sizeof *out);
    if (o->strategy < TG_ATTACK_RANDOM || o->strategy > TG_ATTACK_BETWEENNESS_ADAPTIVE)
        return tg_msg(msg, TG_ERR_ARG, "%s: unknown strategy %d", fn, (int)o->strategy);
    if (o->edges && o->strategy != TG_ATTACK_RANDOM && o->strategy != TG_ATTACK_BETWEENNESS)
        return tg_msg(msg, TG_ERR_ARG, "%s: edge attacks are random or by (initial) betweenness", fn);
    if (o->points < 1 || o->points > 100000) return tg_msg(msg, TG_ERR_ARG, "%s: points must be in 1..100000", fn);
    int runs = o->strategy == TG_ATTACK_RANDOM ? o->runs : 1;
    if (runs < 1) return tg_msg(msg, TG_ERR_ARG, "%s: runs must be >= 1", fn);
    int64_t N = tg_graph_node_count(g), M = tg_graph_edge_count(g), lim = o->edges ? M : N;
    tg_status s;
    if ((s = check_list(o->sources, o->nsources, N, "source", fn, msg)) != TG_OK ||
        (s = check_list(o->sinks, o->nsinks, N, "sink", fn, msg)) != TG_OK ||
        (s = check_list(o->candidates, o->ncandidates, lim, "candidate", fn, msg)) != TG_OK ||
        (s = check_distinct(o->candidates, o->ncandidates, lim, "candidate", fn, msg)) != TG_OK)
        return s;
    if ((o->sources == NULL) != (o->sinks == NULL) || (o->sources && o->nsinks < 1))
        return tg_msg(msg, TG_ERR_ARG, "%s: give sources and (at least one) sink together, or neither", fn);
    /* Nothing to remove: the curve would be flat rows of 0/0 fractions. */
    if (N == 0) return tg_msg(msg, TG_ERR_ARG, "%s: the graph has no nodes", fn);
    if ((o->candidates ? o->ncandidates : lim) == 0)
        return tg_msg(msg, TG_ERR_ARG, "%s: nothing to remove (%s)", fn,
                      o->candidates ? "the candidate list is empty" : "the graph has no edges");
    net t;
    if (net_build(g, &t) != TG_OK) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    int64_t K = o->candidates ? o->ncandidates : lim, P = o->points;
    size_t rows = (size_t)P + 1;
    bool *dn = tg_calloc((size_t)(N ? N : 1), sizeof *dn), *de = tg_calloc((size_t)(M ? M : 1), sizeof *de);
    int64_t *cand = tg_malloc(sizeof *cand * (size_t)(K ? K : 1)), *ord = tg_malloc(sizeof *ord * (size_t)(K ? K : 1));
    double *score = tg_malloc(sizeof *score * (size_t)((lim > N ? lim : N) + 1)), *deg = tg_malloc(sizeof *deg * (size_t)(N ? N : 1));
    by_score *bs = tg_malloc(sizeof *bs * (size_t)(K ? K : 1));
    bool *gone = tg_malloc(sizeof *gone * (size_t)(K ? K : 1));
    int64_t *heap = tg_malloc(sizeof *heap * (size_t)(K ? K : 1));
    tg_attack_curve c = {0};
    c.npoints = (int64_t)rows;
    c.removed = tg_calloc(rows, sizeof(double));
    c.largest = tg_calloc(rows, sizeof(double));
    c.efficiency = tg_calloc(rows, sizeof(double));
    c.fed = tg_calloc(rows, sizeof(double));
    c.small = tg_calloc(rows, sizeof(double));
    c.order = tg_malloc(sizeof *c.order * (size_t)(K ? K : 1));
    c.norder = K;
    if (!dn || !de || !cand || !ord || !score || !deg || !bs || !gone || !heap || !c.removed || !c.largest || !c.efficiency ||
        !c.fed || !c.small || !c.order) {
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
        goto done;
    }
    for (int64_t i = 0; i < K; i++) cand[i] = o->candidates ? o->candidates[i] : i;
    /* Initial scores for the targeted strategies. */
    if (o->strategy == TG_ATTACK_BETWEENNESS || o->strategy == TG_ATTACK_BETWEENNESS_ADAPTIVE) {
        if (o->edges) {
            if ((s = tg_graph_edge_betweenness(g, NULL, score, msg)) != TG_OK) goto done;
        } else if (betweenness(&t, NULL, score) != TG_OK) {
            s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
            goto done;
        }
    }
    for (int64_t v = 0; v < N; v++) deg[v] = 0;
    for (int64_t e = 0; e < M; e++)
        if (t.src[e] != t.dst[e]) {
            deg[t.src[e]]++;
            deg[t.dst[e]]++;
        }
    if (o->strategy == TG_ATTACK_DEGREE || o->strategy == TG_ATTACK_DEGREE_ADAPTIVE) memcpy(score, deg, sizeof *deg * (size_t)N);
    /* Molloy-Reed on the undirected degrees. */
    double k1 = 0, k2 = 0;
    for (int64_t v = 0; v < N; v++) {
        k1 += deg[v];
        k2 += deg[v] * deg[v];
    }
    double kappa = k1 > 0 ? k2 / k1 : 0;
    c.molloy_reed = kappa > 2 ? 1 - 1 / (kappa - 1) : 0;
    for (int64_t i = 0; i <= P; i++) c.removed[i] = K ? (double)((i * K + P / 2) / P) / (double)K : 0;
    bool adaptive = o->strategy == TG_ATTACK_DEGREE_ADAPTIVE || o->strategy == TG_ATTACK_BETWEENNESS_ADAPTIVE;
    tg_progress pr;
    tg_progress_start(&pr, "attack", (int64_t)runs * K);
    /* One stream for all runs: seeding run r with seed + r made seed s + 1
     * repeat runs 1.. of seed s, so curves of nearby seeds shared runs. */
    tg_rng rng;
    tg_rng_seed(&rng, o->seed);
    for (int r = 0; r < runs; r++) {
        memset(dn, 0, sizeof *dn * (size_t)N);
        memset(de, 0, sizeof *de * (size_t)(M ? M : 1));
        memset(gone, 0, sizeof *gone * (size_t)(K ? K : 1));
        memcpy(ord, cand, sizeof *ord * (size_t)K);
        if (o->strategy == TG_ATTACK_RANDOM) {
            for (int64_t i = K - 1; i > 0; i--) {
                int64_t j = (int64_t)tg_rng_below(&rng, (uint64_t)i + 1), x = ord[i];
                ord[i] = ord[j];
                ord[j] = x;
            }
        } else if (!adaptive) {
            for (int64_t i = 0; i < K; i++) bs[i] = (by_score){score[cand[i]], cand[i]};
            qsort(bs, (size_t)K, sizeof *bs, score_desc);
            tie_order(bs, K, gone, heap, ord);
        }
        int64_t done_k = 0;
        for (int64_t i = 0; i <= P; i++) {
            int64_t target = K ? (i * K + P / 2) / P : 0;
            while (done_k < target) {
                int64_t x;
                if (adaptive) {
                    if (o->strategy == TG_ATTACK_BETWEENNESS_ADAPTIVE && done_k > 0 && betweenness(&t, dn, score) != TG_OK) {
                        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
                        tg_progress_finish(&pr);
                        goto done;
                    }
                    int64_t best = pick_highest(score, cand, gone, K);
                    gone[best] = true;
                    x = cand[best];
                    ord[done_k] = x;
                    if (o->strategy == TG_ATTACK_DEGREE_ADAPTIVE) {
                        /* Survivors lose the edges to x. */
                        for (int64_t k = t.optr[x]; k < t.optr[x + 1]; k++)
                            if (!dn[t.oadj[k]]) score[t.oadj[k]]--;
                        if (t.directed)
                            for (int64_t k = t.iptr[x]; k < t.iptr[x + 1]; k++)
                                if (!dn[t.iadj[k]]) score[t.iadj[k]]--;
                    }
                } else {
                    x = ord[done_k];
                }
                if (o->edges) de[x] = true;
                else dn[x] = true;
                done_k++;
            }
            int64_t big;
            double small;
            components(&t, dn, de, &big, &small);
            c.largest[i] += (double)big / (double)(N ? N : 1) / runs;
            c.small[i] += small / runs;
            c.efficiency[i] = o->efficiency ? c.efficiency[i] + efficiency(&t, dn, de) / runs : NAN;
            c.fed[i] = o->sources
                           ? c.fed[i] + (double)fed(&t, dn, de, o->sources, o->nsources, o->sinks, o->nsinks) /
                                            (double)o->nsinks / runs
                           : NAN;
            tg_progress_update(&pr, (int64_t)r * K + done_k);
        }
        if (r == 0) memcpy(c.order, ord, sizeof *ord * (size_t)K);
    }
    tg_progress_finish(&pr);
    double peak = 0;
    c.percolation = NAN;
    for (size_t i = 0; i < rows; i++)
        if (c.small[i] > peak) {
            peak = c.small[i];
            c.percolation = c.removed[i];
        }
    *out = c;
    memset(&c, 0, sizeof c);
    s = TG_OK;
done:
    tg_graph_attack_free(&c);
    net_free(&t);
    tg_free(dn);
    tg_free(de);
    tg_free(cand);
    tg_free(ord);
    tg_free(score);
    tg_free(deg);
    tg_free(bs);
    tg_free(gone);
    tg_free(heap);
    return s;
}

/* ---- Motter-Lai ------------------------------------------------------------- */

tg_status tg_graph_motter_lai(const tg_graph *g, int64_t nalpha, const double *alpha, int64_t ntrig,
                              const int64_t *trig, double *G, int64_t *failed, char *msg)
{
    static const char fn[] = "resilience.motter_lai";
    tg_msg_clear(msg);
    if (!g || nalpha < 1 || !alpha || !G) return tg_msg(msg, TG_ERR_ARG, "%s: bad argument (alphas, output)", fn);
    for (int64_t a = 0; a < nalpha; a++)
        if (!(alpha[a] >= 0) || isinf(alpha[a]))
            return tg_msg(msg, TG_ERR_ARG, "%s: alpha %lld = %g must be finite and >= 0", fn, (long long)a + 1, alpha[a]);
    int64_t N = tg_graph_node_count(g);
    tg_status s = check_list(trig, trig ? ntrig : 0, N, "trigger", fn, msg);
    if (s != TG_OK) return s;
    if (trig && ntrig < 1)
        return tg_msg(msg, TG_ERR_ARG, "%s: the trigger list is empty (NULL: the node of highest load)", fn);
    if (N == 0) return tg_msg(msg, TG_ERR_ARG, "%s: the graph has no nodes", fn);
    net t;
    if (net_build(g, &t) != TG_OK) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    /* Results go to Gt/ft first: G and failed are untouched on failure. */
    double *l0 = tg_malloc(sizeof *l0 * (size_t)N), *l = tg_malloc(sizeof *l * (size_t)N);
    double *Gt = tg_malloc(sizeof *Gt * (size_t)nalpha);
    int64_t *ft = tg_malloc(sizeof *ft * (size_t)nalpha);
    bool *dn = tg_malloc(sizeof *dn * (size_t)N);
    if (!l0 || !l || !Gt || !ft || !dn || betweenness(&t, NULL, l0) != TG_OK) {
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
        goto done;
    }
    /* The trigger: the highest load under the tie rule (dn is all false here). */
    memset(dn, 0, sizeof *dn * (size_t)N);
    int64_t top = pick_highest(l0, NULL, dn, N);
    int64_t big0;
    components(&t, NULL, NULL, &big0, NULL);
    for (int64_t a = 0; a < nalpha; a++) {
        memset(dn, 0, sizeof *dn * (size_t)N);
        int64_t nf = 0;
        if (trig) {
            for (int64_t i = 0; i < ntrig; i++)
                if (!dn[trig[i]]) {
                    dn[trig[i]] = true;
                    nf++;
                }
        } else {
            dn[top] = true;
            nf = 1;
        }
        for (;;) {
            if (betweenness(&t, dn, l) != TG_OK) {
                s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
                goto done;
            }
            int64_t newly = 0;
            for (int64_t v = 0; v < N; v++) {
                double cap = (1 + alpha[a]) * l0[v];
                if (!dn[v] && l[v] > cap * (1 + 1e-12) + 1e-12) {
                    dn[v] = true;
                    newly++;
                }
            }
            if (!newly) break;
            nf += newly;
        }
        int64_t big;
        components(&t, dn, NULL, &big, NULL);
        Gt[a] = big0 ? (double)big / (double)big0 : 0;
        ft[a] = nf;
    }
    memcpy(G, Gt, sizeof *G * (size_t)nalpha);
    if (failed) memcpy(failed, ft, sizeof *failed * (size_t)nalpha);
done:
    net_free(&t);
    tg_free(Gt);
    tg_free(ft);
    tg_free(l0);
    tg_free(l);
    tg_free(dn);
    return s;
}

/* ---- dependency propagation ------------------------------------------------- */

tg_status tg_graph_dependency(const tg_graph *g, const char *supply_attr, const char *supply_value,
                              int64_t nrequired, const char *const *required, int64_t *failed, int64_t *nfailed,
                              char *msg)
{
    static const char fn[] = "resilience.dependency";
    tg_msg_clear(msg);
    if (!g || !failed || nrequired < 0 || (nrequired > 0 && !required))
        return tg_msg(msg, TG_ERR_ARG, "%s: bad argument (graph, failed, required)", fn);
    if (!tg_graph_is_directed(g)) return tg_msg(msg, TG_ERR_ARG, "%s: supply dependencies need a directed graph", fn);
    if ((supply_attr == NULL) != (supply_value == NULL))
        return tg_msg(msg, TG_ERR_ARG, "%s: give both supply_attr and supply_value, or neither", fn);
    for (int64_t r = 0; r < nrequired; r++)
        if (!required[r]) return tg_msg(msg, TG_ERR_ARG, "%s: required type %lld is NULL", fn, (long long)r + 1);
    const char *const *col = NULL;
    if (supply_attr) {
        int ci = tg_graph_attr_find(g, TG_EDGES, supply_attr);
        if (ci < 0 || tg_graph_attr_type(g, TG_EDGES, ci) != TG_STRING)
            return tg_msg(msg, TG_ERR_ARG, "%s: no string edge attribute '%s'", fn, supply_attr);
        col = tg_graph_attr_strings(g, TG_EDGES, ci);
    }
    net t;
    if (net_build(g, &t) != TG_OK) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    int64_t N = t.n, nf = 0;
    for (int64_t v = 0; v < N; v++)
        if (failed[v]) {
            failed[v] = 1;
            nf++;
        }
    for (int64_t round = 2;; round++) {
        int64_t newly = 0;
        for (int64_t v = 0; v < N; v++) {
            if (failed[v]) continue;
            int64_t sup = 0, live = 0;
            bool fail = false;
            for (int64_t k = t.iptr[v]; k < t.iptr[v + 1]; k++) {
                if (col && (!col[t.ieid[k]] || strcmp(col[t.ieid[k]], supply_value) != 0)) continue;
                sup++;
                int64_t u = t.iadj[k];
                live += !failed[u] || failed[u] == round;   /* failures of this round count next round */
            }
            if (sup > 0 && live == 0) fail = true;
            for (int64_t r = 0; r < nrequired && !fail; r++) {
                int64_t st = 0, sl = 0;
                for (int64_t k = t.iptr[v]; k < t.iptr[v + 1]; k++) {
                    if (col && (!col[t.ieid[k]] || strcmp(col[t.ieid[k]], supply_value) != 0)) continue;
                    int64_t u = t.iadj[k];
                    if (strcmp(tg_graph_node_type(g, u), required[r]) != 0) continue;
                    st++;
                    sl += !failed[u] || failed[u] == round;
                }
                fail = st > 0 && sl == 0;
            }
            if (fail) {
                failed[v] = round;
                newly++;
            }
        }
        if (!newly) break;
        nf += newly;
    }
    if (nfailed) *nfailed = nf;
    net_free(&t);
    return TG_OK;
}

/* ---- criticality and N-k -------------------------------------------------------- */

typedef struct dmg_ctx {
    net *t;
    bool *dn;
    const int64_t *src, *snk;
    int64_t ns, nk;
    double base;
} dmg_ctx;

static double damage_of(dmg_ctx *d)
{
    if (d->src) return d->base - (double)fed(d->t, d->dn, NULL, d->src, d->ns, d->snk, d->nk);
    int64_t big;
    components(d->t, d->dn, NULL, &big, NULL);
    return d->base - (double)big;
}

static tg_status dmg_init(const tg_graph *g, const int64_t *sources, int64_t ns, const int64_t *sinks, int64_t nk,
                          const int64_t *cand, int64_t nc, net *t, dmg_ctx *d, const char *fn, char *msg)
{
    int64_t N = tg_graph_node_count(g);
    tg_status s;
    if ((s = check_list(sources, sources ? ns : 0, N, "source", fn, msg)) != TG_OK ||
        (s = check_list(sinks, sources ? nk : 0, N, "sink", fn, msg)) != TG_OK ||
        (s = check_list(cand, cand ? nc : 0, N, "candidate", fn, msg)) != TG_OK ||
        (s = check_distinct(cand, cand ? nc : 0, N, "candidate", fn, msg)) != TG_OK)
        return s;
    if (sources && (!sinks || nk < 1)) return tg_msg(msg, TG_ERR_ARG, "%s: sources given without sinks", fn);
    if (!sources && sinks)
        return tg_msg(msg, TG_ERR_ARG, "%s: sinks given without sources (damage would silently be the drop "
                      "of the largest component)", fn);
    if (net_build(g, t) != TG_OK) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    d->t = t;
    d->dn = tg_calloc((size_t)(N ? N : 1), sizeof *d->dn);
    if (!d->dn) {
        net_free(t);
        return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
    }
    d->src = sources;
    d->ns = ns;
    d->snk = sinks;
    d->nk = nk;
    d->base = 0;
    d->base = -damage_of(d);   /* damage_of with base 0 gives -(intact value) */
    return TG_OK;
}

tg_status tg_graph_criticality(const tg_graph *g, const int64_t *sources, int64_t nsources, const int64_t *sinks,
                               int64_t nsinks, const int64_t *candidates, int64_t ncandidates, double *damage,
                               char *msg)
{
    static const char fn[] = "resilience.criticality";
    tg_msg_clear(msg);
    if (!g || !damage) return tg_msg(msg, TG_ERR_ARG, "%s: graph or output is NULL", fn);
    net t;
    dmg_ctx d;
    tg_status s = dmg_init(g, sources, nsources, sinks, nsinks, candidates, ncandidates, &t, &d, fn, msg);
    if (s != TG_OK) return s;
    int64_t N = t.n, K = candidates ? ncandidates : N;
    for (int64_t v = 0; v < N; v++) damage[v] = 0;
    for (int64_t i = 0; i < K; i++) {
        int64_t v = candidates ? candidates[i] : i;
        d.dn[v] = true;
        damage[v] = damage_of(&d);
        d.dn[v] = false;
    }
    tg_free(d.dn);
    net_free(&t);
    return TG_OK;
}

typedef struct nk_row { double d; int64_t v[3]; } nk_row;

static int nk_cmp(const void *a, const void *b)
{
    const nk_row *x = a, *y = b;
    if (x->d != y->d) return x->d > y->d ? -1 : 1;
    for (int i = 0; i < 3; i++)
        if (x->v[i] != y->v[i]) return x->v[i] < y->v[i] ? -1 : 1;
    return 0;
}

tg_status tg_graph_nk(const tg_graph *g, int k, const int64_t *sources, int64_t nsources, const int64_t *sinks,
                      int64_t nsinks, const int64_t *candidates, int64_t ncandidates, double min_damage, bool minimal,
                      int64_t **sets, double **damage, int64_t *count, char *msg)
{
    static const char fn[] = "resilience.nk";
    tg_msg_clear(msg);
    if (!g || !sets || !damage || !count || k < 1 || k > 3 || isnan(min_damage))
        return tg_msg(msg, TG_ERR_ARG, "%s: bad argument (k in 1..3, outputs)", fn);
    *sets = NULL;
    *damage = NULL;
    *count = 0;
    int64_t N = tg_graph_node_count(g), K = candidates ? ncandidates : N;
    double combos = K < k ? 0 : k == 1 ? (double)K : k == 2 ? (double)K * (double)(K - 1) / 2
                                                            : (double)K * (double)(K - 1) * (double)(K - 2) / 6;
    if (combos > 1e8) return tg_msg(msg, TG_ERR_LIMIT, "%s: %.3g sets of %d: too many (limit 1e8)", fn, combos, k);
    net t;
    dmg_ctx d;
    tg_status s = dmg_init(g, sources, nsources, sinks, nsinks, candidates, ncandidates, &t, &d, fn, msg);
    if (s != TG_OK) return s;
    int64_t *cand = tg_malloc(sizeof *cand * (size_t)(K ? K : 1));
    double *single = tg_malloc(sizeof *single * (size_t)(K ? K : 1));
    nk_row *rows = NULL;
    size_t nrows = 0, cap = 0;
    if (!cand || !single) {
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
        goto done;
    }
    for (int64_t i = 0; i < K; i++) {
        cand[i] = candidates ? candidates[i] : i;
        d.dn[cand[i]] = true;
        single[i] = damage_of(&d);
        d.dn[cand[i]] = false;
    }
    int64_t ix[3] = {0, 1, 2};
    if (K >= k) {
        for (;;) {
            double dm;
            bool ok;
            if (k == 1) {
                dm = single[ix[0]];
                ok = dm >= min_damage;
            } else {
                bool sub = false;
                for (int i = 0; i < k; i++) sub |= single[ix[i]] >= min_damage;
                if (minimal && sub) ok = false;
                else {
                    for (int i = 0; i < k; i++) d.dn[cand[ix[i]]] = true;
                    dm = damage_of(&d);
                    ok = dm >= min_damage;
                    if (ok && minimal && k == 3)
                        for (int i = 0; i < 3 && ok; i++) {   /* pairs of the triple */
                            d.dn[cand[ix[i]]] = false;
                            ok = damage_of(&d) < min_damage;
                            d.dn[cand[ix[i]]] = true;
                        }
                    for (int i = 0; i < k; i++) d.dn[cand[ix[i]]] = false;
                }
            }
            if (ok) {
                if (nrows == cap) {
                    size_t nc = cap ? 2 * cap : 64;
                    nk_row *r = tg_realloc(rows, sizeof *rows * nc);
                    if (!r) {
                        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
                        goto done;
                    }
                    rows = r;
                    cap = nc;
                }
                nk_row row = {dm, {-1, -1, -1}};
                for (int i = 0; i < k; i++) row.v[i] = cand[ix[i]];
                /* sort the set's members ascending */
                for (int i = 0; i < k; i++)
                    for (int j = i + 1; j < k; j++)
                        if (row.v[j] < row.v[i]) {
                            int64_t x = row.v[i];
                            row.v[i] = row.v[j];
                            row.v[j] = x;
                        }
                rows[nrows++] = row;
            }
            /* next combination */
            int i = k - 1;
            while (i >= 0 && ix[i] == K - k + i) i--;
            if (i < 0) break;
            ix[i]++;
            for (int j = i + 1; j < k; j++) ix[j] = ix[j - 1] + 1;
        }
    }
    if (nrows) qsort(rows, nrows, sizeof *rows, nk_cmp);
    int64_t *so = tg_malloc(sizeof *so * (size_t)k * (nrows ? nrows : 1));
    double *dd = tg_malloc(sizeof *dd * (nrows ? nrows : 1));
    if (!so || !dd) {
        tg_free(so);
        tg_free(dd);
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", fn);
        goto done;
    }
    for (size_t r = 0; r < nrows; r++) {
        dd[r] = rows[r].d;
        for (int i = 0; i < k; i++) so[r * (size_t)k + (size_t)i] = rows[r].v[i];
    }
    *sets = so;
    *damage = dd;
    *count = (int64_t)nrows;
done:
    tg_free(rows);
    tg_free(cand);
    tg_free(single);
    tg_free(d.dn);
    net_free(&t);
    return s;
}
