/* prime.c: prime implicants of a fault tree from its BDD (non-coherent
 * trees: negated events appear in the implicants).
 *
 * Coudert and Madre's recursion (1992), as Rauzy applies it to fault trees
 * (Rauzy and Dutuit 1997): for f = x f1 + not-x f0 with c = f1 f0,
 *     PI(f) = x (PI(f1) - PI(c))  +  not-x (PI(f0) - PI(c))  +  PI(c),
 * where "-" is plain set difference: a prime implicant of f either holds
 * neither x nor not-x (then it is one of c), or it is x q with q prime for
 * f1 and not an implicant of f0 (else q alone would imply f), and q implies
 * f0 exactly when q is prime for c.  The implicants are stored in a ZBDD
 * over literals: event level v gives level 2v (positive) and 2v + 1
 * (negated), so both stay above the levels of the events below v.  The
 * order limit applies on the way down (one less in the x and not-x
 * branches), which gives exactly the implicants of order <= limit.
 */
#include "risk_internal.h"

#include <math.h>
#include <string.h>

typedef struct pi_ctx {
    rk_bdd *b;
    rk_zbdd z;
    /* memo: (edge << 13 | limit) -> ZBDD node; open addressing */
    uint64_t *keys;
    uint32_t *vals;
    size_t cap, n;
    bool nomem;
} pi_ctx;

static inline size_t pi_hash(uint64_t k, size_t cap)
{
    k ^= k >> 31;
    k *= 0x9E3779B97F4A7C15ull;
    k ^= k >> 29;
    return (size_t)k & (cap - 1);
}

static bool memo_get(const pi_ctx *c, uint64_t k, uint32_t *v)
{
    if (!c->cap) return false;
    for (size_t i = pi_hash(k, c->cap);; i = (i + 1) & (c->cap - 1)) {
        if (c->keys[i] == k) {
            *v = c->vals[i];
            return true;
        }
        if (c->keys[i] == UINT64_MAX) return false;
    }
}

static void memo_put(pi_ctx *c, uint64_t k, uint32_t v)
{
    if (2 * (c->n + 1) > c->cap) {
        size_t nc = c->cap ? 2 * c->cap : 1024;
        uint64_t *nk = tg_malloc(sizeof *nk * nc);
        uint32_t *nv = tg_malloc(sizeof *nv * nc);
        if (!nk || !nv) {
            tg_free(nk), tg_free(nv);
            c->nomem = true;
            return;
        }
        memset(nk, 0xff, sizeof *nk * nc);
        for (size_t i = 0; i < c->cap; i++) {
            if (c->keys[i] == UINT64_MAX) continue;
            size_t j = pi_hash(c->keys[i], nc);
            while (nk[j] != UINT64_MAX) j = (j + 1) & (nc - 1);
            nk[j] = c->keys[i], nv[j] = c->vals[i];
        }
        tg_free(c->keys), tg_free(c->vals);
        c->keys = nk, c->vals = nv, c->cap = nc;
    }
    size_t i = pi_hash(k, c->cap);
    while (c->keys[i] != UINT64_MAX && c->keys[i] != k) i = (i + 1) & (c->cap - 1);
    if (c->keys[i] == UINT64_MAX) c->n++;
    c->keys[i] = k, c->vals[i] = v;
}

static inline uint32_t zlevel(const rk_zbdd *z, uint32_t f)
{
    return f <= ZB_BASE ? UINT32_MAX : z->nodes[f].level;
}

static inline rk_cache_entry *slot(rk_zbdd *z, uint32_t f, uint32_t g, uint32_t op)
{
    uint64_t h = ((uint64_t)f * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)g * 0xC2B2AE3D27D4EB4Full) ^ op;
    h ^= h >> 32;
    return &z->cache[(uint32_t)h & (z->ncache - 1)];
}

/* Set difference F - G (sets of F that are not sets of G). */
static uint32_t zdiff(rk_zbdd *z, uint32_t f, uint32_t g)
{
    if (f == ZB_EMPTY || f == g) return ZB_EMPTY;
    if (g == ZB_EMPTY) return f;
    if (z->full) return ZB_EMPTY;
    uint32_t lf = zlevel(z, f), lg = zlevel(z, g), r;
    if (lf == UINT32_MAX && lg == UINT32_MAX) return f == ZB_BASE && g == ZB_BASE ? ZB_EMPTY : f;
    rk_cache_entry *c = slot(z, f, g, 21);
    if (c->op == 21 && c->a == f && c->b == g) return c->r;
    if (lf < lg) {
        rk_bnode fn = z->nodes[f];
        r = tg_risk_i_zbdd_node(z, lf, fn.hi, zdiff(z, fn.lo, g));
    } else if (lf > lg) {
        r = zdiff(z, f, z->nodes[g].lo);
    } else {
        rk_bnode fn = z->nodes[f], gn = z->nodes[g];
        uint32_t h = zdiff(z, fn.hi, gn.hi);
        r = tg_risk_i_zbdd_node(z, lf, h, zdiff(z, fn.lo, gn.lo));
    }
    c = slot(z, f, g, 21);
    *c = (rk_cache_entry){f, g, r, 21};
    return r;
}

static uint32_t pi_rec(pi_ctx *c, uint32_t e, int limit)
{
    if (e == BDD_ONE) return ZB_BASE;
    if (e == BDD_ZERO) return ZB_EMPTY;
    if (c->z.full || c->b->full || c->nomem) return ZB_EMPTY;
    uint64_t key = ((uint64_t)e << 13) | (uint64_t)limit;
    uint32_t r;
    if (memo_get(c, key, &r)) return r;
    const rk_bnode *q = &c->b->nodes[e >> 1];
    uint32_t level = q->level, f1 = q->hi ^ (e & 1u), f0 = q->lo ^ (e & 1u);
    uint32_t both = tg_risk_i_bdd_and(c->b, f1, f0);
    uint32_t P = pi_rec(c, both, limit);
    if (limit == 0 || P == ZB_BASE) {
        r = P;      /* no literal fits, or f is true: {} is the only prime */
    } else {
        /* pi_rec may add BDD nodes: re-read the node after each call. */
        uint32_t P1 = pi_rec(c, f1, limit - 1);
        uint32_t P0 = pi_rec(c, f0, limit - 1);
        uint32_t neg = tg_risk_i_zbdd_node(&c->z, 2 * level + 1, zdiff(&c->z, P0, P), P);
        r = tg_risk_i_zbdd_node(&c->z, 2 * level, zdiff(&c->z, P1, P), neg);
    }
    memo_put(c, key, r);
    return r;
}

/* ---- walking the implicants ---------------------------------------------------- */

typedef struct pi_walk {
    const rk_zbdd *z;
    const int *var_event;
    const double *vp;
    bool has_prob;
    int *lits;
    int depth;
    int64_t max, count;
    tg_risk_set_fn fn;
    void *ud;
    bool stop;
} pi_walk;

static void pi_visit(pi_walk *w, uint32_t node, double p)
{
    if (w->stop || node == ZB_EMPTY) return;
    if (node == ZB_BASE) {
        if (w->count >= w->max) {
            w->stop = true;
            return;
        }
        w->count++;
        if (w->fn && w->fn(w->ud, w->depth, w->lits, w->has_prob ? p : NAN)) w->stop = true;
        return;
    }
    const rk_bnode *q = &w->z->nodes[node];
    uint32_t v = q->level >> 1;
    bool negated = q->level & 1u;
    int e = w->var_event[v];
    w->lits[w->depth++] = negated ? -e - 1 : e;
    pi_visit(w, q->hi, p * (negated ? 1 - w->vp[v] : w->vp[v]));
    w->depth--;
    pi_visit(w, q->lo, p);
}

tg_status tg_risk_prime_implicants(tg_risk_analysis *a, int limit_order, int64_t max,
                                   tg_risk_set_fn fn, void *ud, uint64_t *count, uint64_t *dist,
                                   char *msg)
{
    tg_msg_clear(msg);
    if (!a || !count) return tg_msg(msg, TG_ERR_ARG, "tg_risk_prime_implicants: NULL argument");
    *count = 0;
    if (limit_order < 0 || limit_order > 4000)
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_prime_implicants: limit_order %d not in [0, 4000]",
                      limit_order);
    uint32_t root;
    int nvars;
    const int *var_event;
    const double *vp;
    bool has_prob;
    rk_bdd *b = tg_risk_i_analysis_bdd(a, &root, &nvars, &var_event, &vp, &has_prob);
    /* Two ZBDD levels per event: the recursions go twice as deep. */
    if (nvars > RK_MAX_LEVELS / 2)
        return tg_msg(msg, TG_ERR_LIMIT, "tg_risk_prime_implicants: %d variables; at most %d",
                      nvars, RK_MAX_LEVELS / 2);
    if (limit_order > nvars) limit_order = nvars;
    if (dist) memset(dist, 0, sizeof *dist * (size_t)(limit_order + 1));
    pi_ctx c = {0};
    c.b = b;
    tg_status s = TG_OK;
    double *cnt = NULL;
    int *lits = NULL;
    if (tg_risk_i_zbdd_init(&c.z, b->max_nodes) != TG_OK) {
        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_prime_implicants: out of memory");
        goto done;
    }
    tg_risk_i_zbdd_reserve_cache(&c.z, 1u << 18);
    uint32_t f = pi_rec(&c, root, limit_order);
    if (c.nomem || c.z.full || b->full) {
        s = tg_msg(msg, c.nomem ? TG_ERR_NOMEM : TG_ERR_LIMIT, "tg_risk_prime_implicants: %s",
                   c.nomem ? "out of memory" : "BDD or ZBDD node budget exhausted");
        goto done;
    }
    /* Counts per order over the nodes reachable from f: nodes are made
     * after their children, so passes in index order see children first.
     * depth[i]: the largest order below node i, which bounds its row. */
    int L = limit_order;
    uint32_t n = f + 1 > 2 ? f + 1 : 2, nreach = 0;
    uint32_t *pos = tg_calloc(n, sizeof *pos);     /* 0: unreachable, else row + 1 */
    if (!pos) {
        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_prime_implicants: out of memory");
        goto done;
    }
    if (f > ZB_BASE) pos[f] = 1;
    for (uint32_t i = n; i-- > 2;)
        if (pos[i]) pos[c.z.nodes[i].hi] = pos[c.z.nodes[i].lo] = 1;
    for (uint32_t i = 2; i < n; i++)
        if (pos[i]) pos[i] = ++nreach;
    int deepest = 0;        /* largest order present (root's depth) */
    {
        uint16_t *depth = tg_calloc(n, sizeof *depth);
        if (!depth) {
            tg_free(pos);
            s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_prime_implicants: out of memory");
            goto done;
        }
        for (uint32_t i = 2; i < n; i++) {
            if (!pos[i]) continue;
            const rk_bnode *q = &c.z.nodes[i];
            int h = 1 + depth[q->hi], l = depth[q->lo];
            depth[i] = (uint16_t)(h > l ? h : l);
        }
        deepest = f > ZB_BASE ? depth[f] : 0;
        tg_free(depth);
    }
    if (deepest < L) L = deepest;
    if ((double)nreach * (L + 1) > 2e8) {
        tg_free(pos);
        s = tg_msg(msg, TG_ERR_LIMIT, "tg_risk_prime_implicants: %u ZBDD nodes x %d orders: too "
                   "many to count", nreach, L + 1);
        goto done;
    }
    cnt = tg_calloc(((size_t)nreach + 2) * (size_t)(L + 1), sizeof *cnt);
    if (!cnt) {
        tg_free(pos);
        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_prime_implicants: out of memory");
        goto done;
    }
    /* Rows: 0 the empty family, 1 the base {{}}, r + 1 the node of pos r. */
    pos[ZB_EMPTY] = UINT32_MAX, pos[ZB_BASE] = 0;
#define ROW(i) (cnt + (size_t)((i) == ZB_EMPTY ? 0 : (i) == ZB_BASE ? 1 : pos[i] + 1) * (size_t)(L + 1))
    ROW(ZB_BASE)[0] = 1;
    for (uint32_t i = 2; i < n; i++) {
        if (!pos[i]) continue;
        const rk_bnode *q = &c.z.nodes[i];
        double *ci = ROW(i);
        const double *ch = ROW(q->hi), *cl = ROW(q->lo);
        for (int j = 0; j <= L; j++) ci[j] = cl[j] + (j > 0 ? ch[j - 1] : 0);
    }
    double total = 0;
    for (int j = 0; j <= L; j++) {
        double v = ROW(f)[j];
        total += v;
        if (dist) dist[j] = v >= 1.8e19 ? UINT64_MAX : (uint64_t)v;
    }
#undef ROW
    tg_free(pos);
    *count = total >= 1.8e19 ? UINT64_MAX : (uint64_t)total;
    if (fn && max != 0) {
        if (!(lits = tg_malloc(sizeof *lits * ((size_t)nvars + 1)))) {
            s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_prime_implicants: out of memory");
            goto done;
        }
        pi_walk w = {&c.z, var_event, vp, has_prob, lits, 0, max < 0 ? INT64_MAX : max, 0,
                     fn, ud, false};
        pi_visit(&w, f, 1.0);
    }
done:
    tg_free(cnt);
    tg_free(lits);
    tg_free(c.keys);
    tg_free(c.vals);
    tg_risk_i_zbdd_clear(&c.z);
    return s;
}
