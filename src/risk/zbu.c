/* zbu.c: minimal cut sets of coherent trees bottom-up in a ZBDD, with the
 * order limit applied at every gate (no BDD).
 *
 * For trees whose BDD is out of reach (nus9601), the cut sets of low order
 * are still exact: each gate's family is the minimal sets of its arguments'
 * families combined (OR: union; AND: product; atleast k: the k-subsets'
 * products, by the recurrence t_j <- t_j + t_(j-1) x), truncated to the
 * order limit and minimised.  Truncation is exact for coherent trees: a set
 * of order <= K arises only from factors of order <= K, and a set that is
 * not minimal has a smaller subset in the family, which truncation keeps.
 * Gates are visited children first (tg_risk_i_gate_postorder); ZBDD levels are
 * basic-event indices (the recursions go one level deep per event).
 */
#include "risk_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define OP_PROD 10000u      /* + limit (<= 4000) */
#define OP_TRUNC 20000u     /* + limit */

static bool has_empty(const rk_zbdd *z, uint32_t f)
{
    while (f > ZB_BASE) f = z->nodes[f].lo;
    return f == ZB_BASE;
}

static uint32_t ztrunc(rk_zbdd *z, uint32_t f, int k)
{
    if (f <= ZB_BASE) return f;
    if (k == 0) return has_empty(z, f) ? ZB_BASE : ZB_EMPTY;
    if (z->full) return ZB_EMPTY;
    uint32_t op = OP_TRUNC + (uint32_t)k;
    rk_cache_entry *c = tg_risk_i_zbdd_slot(z, f, 0, op);
    if (c->op == op && c->a == f) return c->r;
    rk_bnode fn = z->nodes[f];
    uint32_t h = ztrunc(z, fn.hi, k - 1);
    uint32_t r = tg_risk_i_zbdd_node(z, fn.level, h, ztrunc(z, fn.lo, k));
    c = tg_risk_i_zbdd_slot(z, f, 0, op);
    *c = (rk_cache_entry){f, 0, r, op};
    return r;
}

/* Smallest order in each family (per node, grown on demand; 0xFFFF not
 * known yet, 0xFFFE the empty family): a product with a factor whose
 * smallest set already exceeds the limit is empty without recursion. */
typedef struct minord {
    uint16_t *v;
    size_t cap;
    bool nomem;
} minord;

/* Under a probability cut-off: the probability of each level's event, the
 * largest and smallest set probability of each family (per node, grown on
 * demand; pmax NaN: not known yet) and a computed table keyed by the
 * threshold too. */
typedef struct pbound {
    double pmax, pmin;
} pbound;

typedef struct cut_entry {
    uint32_t f, g, r, k;        /* k UINT32_MAX: empty slot */
    double thr;
} cut_entry;

typedef struct zp_ctx {
    rk_zbdd *z;
    minord mo;
    const double *vp;           /* per level */
    pbound *pb;
    size_t pbcap;
    cut_entry *cc;
    uint32_t ncc;
} zp_ctx;

static uint16_t min_order(zp_ctx *c, uint32_t f)
{
    if (f == ZB_EMPTY) return 0xFFFE;
    if (f == ZB_BASE) return 0;
    if (f >= c->mo.cap) {
        size_t nc = c->mo.cap ? c->mo.cap : 1024;
        while (nc <= f) nc *= 2;
        uint16_t *nv = tg_realloc(c->mo.v, sizeof *nv * nc);
        if (!nv) {
            c->mo.nomem = true;
            return 0;       /* a lower bound: prunes nothing */
        }
        memset(nv + c->mo.cap, 0xff, sizeof *nv * (nc - c->mo.cap));
        c->mo.v = nv, c->mo.cap = nc;
    }
    if (c->mo.v[f] != 0xFFFF) return c->mo.v[f];
    rk_bnode q = c->z->nodes[f];
    uint16_t h = min_order(c, q.hi), l = min_order(c, q.lo);
    uint16_t r = h >= 0xFFFE ? l : (uint16_t)(h + 1) < l ? (uint16_t)(h + 1) : l;
    if (f < c->mo.cap) c->mo.v[f] = r;
    return r;
}

/* {a u b : a in f, b in g, |a u b| <= k}. */
static uint32_t zprod(zp_ctx *cx, uint32_t f, uint32_t g, int k)
{
    rk_zbdd *z = cx->z;
    if (f == ZB_EMPTY || g == ZB_EMPTY) return ZB_EMPTY;
    if (f == ZB_BASE) return ztrunc(z, g, k);
    if (g == ZB_BASE) return ztrunc(z, f, k);
    if (k == 0) return has_empty(z, f) && has_empty(z, g) ? ZB_BASE : ZB_EMPTY;
    if (z->full) return ZB_EMPTY;
    /* Sets may share events: the union is at least the larger of the two. */
    if (min_order(cx, f) > k || min_order(cx, g) > k) return ZB_EMPTY;
    if (f > g) {
        uint32_t t = f;
        f = g, g = t;
    }
    uint32_t op = OP_PROD + (uint32_t)k;
    rk_cache_entry *c = tg_risk_i_zbdd_slot(z, f, g, op);
    if (c->op == op && c->a == f && c->b == g) return c->r;
    uint32_t lf = tg_risk_i_zbdd_level(z, f), lg = tg_risk_i_zbdd_level(z, g), x = lf < lg ? lf : lg;
    uint32_t f1 = ZB_EMPTY, f0 = f, g1 = ZB_EMPTY, g0 = g;
    if (lf == x) f1 = z->nodes[f].hi, f0 = z->nodes[f].lo;
    if (lg == x) g1 = z->nodes[g].hi, g0 = z->nodes[g].lo;
    /* x (f1 g1 + f1 g0 + f0 g1) + f0 g0 */
    uint32_t a = zprod(cx, f1, g1, k - 1);
    uint32_t b = zprod(cx, f1, g0, k - 1);
    uint32_t d = zprod(cx, f0, g1, k - 1);
    uint32_t h = tg_risk_i_zbdd_union(z, tg_risk_i_zbdd_union(z, a, b), d);
    uint32_t r = tg_risk_i_zbdd_node(z, x, h, zprod(cx, f0, g0, k));
    c = tg_risk_i_zbdd_slot(z, f, g, op);
    *c = (rk_cache_entry){f, g, r, op};
    return r;
}

/* Largest and smallest probability of a set of family f (EMPTY: 0 and
 * +inf, so it never limits a product). */
static pbound pbounds(zp_ctx *c, uint32_t f)
{
    if (f == ZB_EMPTY) return (pbound){0, INFINITY};
    if (f == ZB_BASE) return (pbound){1, 1};
    if (f >= c->pbcap) {
        size_t nc = c->pbcap ? c->pbcap : 1024;
        while (nc <= f) nc *= 2;
        pbound *nv = tg_realloc(c->pb, sizeof *nv * nc);
        if (!nv) return (pbound){1, 0};     /* bounds that prune nothing: still exact */
        for (size_t i = c->pbcap; i < nc; i++) nv[i].pmax = NAN;
        c->pb = nv, c->pbcap = nc;
    }
    if (!isnan(c->pb[f].pmax)) return c->pb[f];
    rk_bnode q = c->z->nodes[f];
    double px = c->vp[q.level];
    pbound h = pbounds(c, q.hi), l = pbounds(c, q.lo), r;
    r.pmax = px * h.pmax > l.pmax ? px * h.pmax : l.pmax;
    r.pmin = px * h.pmin < l.pmin ? px * h.pmin : l.pmin;
    if (f < c->pbcap) c->pb[f] = r;
    return r;
}

static inline cut_entry *cslot(zp_ctx *c, uint32_t f, uint32_t g, uint32_t k, double thr)
{
    uint64_t tb;
    memcpy(&tb, &thr, sizeof tb);
    uint64_t h = ((uint64_t)f * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)g * 0xC2B2AE3D27D4EB4Full) ^
                 ((uint64_t)k * 0x165667B19E3779F9ull) ^ (tb * 0xD6E8FEB86659FD93ull);
    h ^= h >> 29;
    return &c->cc[(uint32_t)h & (c->ncc - 1)];
}

/* {a u b : a in f, b in g, |a u b| <= k, p(a u b) >= thr}: the high
 * branch of event x needs thr / p(x) of the rest.  Exact: p(a u b) is at
 * most min(p(a), p(b)) (prune when pmax of either is below thr) and at
 * least p(a) p(b) (nothing to cut when pmin(f) pmin(g) >= thr). */
/* Thresholds reached along different paths differ in their last bits
 * (thr / p1 / p2 versus thr / p2 / p1): rounded down to 32 significant
 * bits, equal thresholds share computed-table entries and sets at the
 * cut-off (uniform probabilities: 0.01^7 against 1e-14) are kept whatever
 * the path. */
static double snap(double t)
{
    uint64_t b;
    memcpy(&b, &t, sizeof b);
    b &= ~((UINT64_C(1) << 20) - 1);
    memcpy(&t, &b, sizeof t);
    return t;
}

static uint32_t zprod_cut(zp_ctx *cx, uint32_t f, uint32_t g, int k, double thr)
{
    rk_zbdd *z = cx->z;
    thr = snap(thr);
    if (f == ZB_EMPTY || g == ZB_EMPTY) return ZB_EMPTY;
    if (z->full) return ZB_EMPTY;
    pbound bf = pbounds(cx, f), bg = pbounds(cx, g);
    if (bf.pmax < thr || bg.pmax < thr) return ZB_EMPTY;
    if (bf.pmin * bg.pmin >= thr) return zprod(cx, f, g, k);
    if (f <= ZB_BASE && g <= ZB_BASE) return ZB_BASE;  /* both BASE: p 1 >= thr */
    if (k == 0) return has_empty(z, f) && has_empty(z, g) ? ZB_BASE : ZB_EMPTY;
    if (min_order(cx, f) > k || min_order(cx, g) > k) return ZB_EMPTY;
    if (f > g) {
        uint32_t t = f;
        f = g, g = t;
    }
    cut_entry *c = cslot(cx, f, g, (uint32_t)k, thr);
    if (c->k == (uint32_t)k && c->f == f && c->g == g && c->thr == thr) return c->r;
    uint32_t lf = tg_risk_i_zbdd_level(z, f), lg = tg_risk_i_zbdd_level(z, g), x = lf < lg ? lf : lg;
    uint32_t f1 = ZB_EMPTY, f0 = f, g1 = ZB_EMPTY, g0 = g;
    if (lf == x) f1 = z->nodes[f].hi, f0 = z->nodes[f].lo;
    if (lg == x) g1 = z->nodes[g].hi, g0 = z->nodes[g].lo;
    double px = cx->vp[x];
    uint32_t h = ZB_EMPTY;
    if (px > 0) {
        double t1 = thr / px;
        uint32_t a = zprod_cut(cx, f1, g1, k - 1, t1);
        uint32_t b = zprod_cut(cx, f1, g0, k - 1, t1);
        uint32_t d = zprod_cut(cx, f0, g1, k - 1, t1);
        h = tg_risk_i_zbdd_union(z, tg_risk_i_zbdd_union(z, a, b), d);
    }
    uint32_t r = tg_risk_i_zbdd_node(z, x, h, zprod_cut(cx, f0, g0, k, thr));
    c = cslot(cx, f, g, (uint32_t)k, thr);
    *c = (cut_entry){f, g, r, (uint32_t)k, thr};
    return r;
}

static uint32_t arg_family(const tg_risk_model *m, const uint32_t *fam, int ref)
{
    switch (RK_KIND(ref)) {
    case R_BASIC: return UINT32_MAX;    /* made by the caller */
    case R_HOUSE: return m->houses[RK_INDEX(ref)].value ? ZB_BASE : ZB_EMPTY;
    default: return fam[RK_INDEX(ref)];
    }
}

/* ---- budgets -------------------------------------------------------------
 * A gate's sets matter only as far as its parents can still use them.  An
 * AND gate's argument a is combined with the other arguments' sets; those
 * that share no event with a (disjoint supports, checked on bitsets) add
 * at least their smallest order and multiply the probability by at most
 * their largest set probability.  So, parents first: need(top) = K and
 * thr(top) = cut-off; need(a) = max over the parents of need(parent) minus
 * that order, thr(a) = min over the parents of thr(parent) divided by that
 * probability.  A set dropped this way only makes products beyond the
 * order limit or below the cut-off, and its supersets go with it: the top
 * family is unchanged.  The bounds, children first: an event has order 1
 * and its probability; OR the least order and the largest probability of
 * its arguments; AND at least each argument's, and the sum (product) over
 * arguments with mutually disjoint supports; atleast k the k-th smallest
 * order (k-th largest probability).  nus9601 at order <= 6: 1,409 of
 * 1,622 gates need order <= 4, and the run takes 0.4 s instead of 9 s. */
typedef struct budgets {
    const tg_risk_model *m;
    const int *elvl;            /* level of each basic event */
    int nw;                     /* 64-bit words per support */
    uint64_t *sup, *acc;        /* supports (ngates x nw), scratch */
    uint16_t *lb;               /* smallest order, a lower bound */
    double *pub;                /* largest set probability, an upper bound */
    double *tmp;                /* per argument, scratch */
} budgets;

static inline bool bit(const uint64_t *w, int l) { return w[l >> 6] >> (l & 63) & 1; }

static bool meets(const budgets *b, const uint64_t *s, int r)
{
    if (RK_KIND(r) == R_BASIC) return bit(s, b->elvl[RK_INDEX(r)]);
    if (RK_KIND(r) != R_GATE) return false;
    const uint64_t *sa = b->sup + (size_t)RK_INDEX(r) * b->nw;
    for (int w = 0; w < b->nw; w++)
        if (sa[w] & s[w]) return true;
    return false;
}

static void add_support(const budgets *b, uint64_t *s, int r)
{
    if (RK_KIND(r) == R_BASIC) {
        int l = b->elvl[RK_INDEX(r)];
        s[l >> 6] |= 1ull << (l & 63);
    } else if (RK_KIND(r) == R_GATE) {
        const uint64_t *sa = b->sup + (size_t)RK_INDEX(r) * b->nw;
        for (int w = 0; w < b->nw; w++) s[w] |= sa[w];
    }
}

static int arg_order(const budgets *b, int r)
{
    return RK_KIND(r) == R_BASIC ? 1 : RK_KIND(r) == R_GATE ? b->lb[RK_INDEX(r)] : 0;
}

static double arg_prob(const budgets *b, int r)
{
    if (RK_KIND(r) == R_BASIC) {
        double p = b->m->basics[RK_INDEX(r)].p;
        return isnan(p) ? 1 : p;
    }
    return RK_KIND(r) == R_GATE ? b->pub[RK_INDEX(r)] : 1;
}

/* Arguments of gg other than skip (-1: none) taken greedily, gates first
 * (larger orders), when their support misses all taken so far and skip's:
 * the sum of their orders, and in *prod the product of their probabilities. */
static int disjoint_pick(budgets *b, const rk_gate *gg, int skip, double *prod)
{
    const tg_risk_model *m = b->m;
    memset(b->acc, 0, sizeof *b->acc * (size_t)b->nw);
    if (skip >= 0) add_support(b, b->acc, m->args[gg->first + skip].ref);
    int total = 0;
    *prod = 1;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < gg->nargs; i++) {
            int r = m->args[gg->first + i].ref;
            if (i == skip || RK_KIND(r) == R_HOUSE || (RK_KIND(r) == R_GATE) != (pass == 0) ||
                meets(b, b->acc, r))
                continue;
            add_support(b, b->acc, r);
            total += arg_order(b, r);
            *prod *= arg_prob(b, r);
        }
    return total;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, c = *(const double *)y;
    return (a > c) - (a < c);
}

/* The j-th smallest (j >= 1) of the orders, and the j-th largest of the
 * probabilities, of gg's arguments other than skip. */
static void kth(budgets *b, const rk_gate *gg, int skip, int j, int *order, double *prob)
{
    int n = 0;
    for (int i = 0; i < gg->nargs; i++)
        if (i != skip) b->tmp[n++] = arg_order(b, b->m->args[gg->first + i].ref);
    qsort(b->tmp, (size_t)n, sizeof *b->tmp, cmp_double);
    *order = (int)b->tmp[j - 1];
    n = 0;
    for (int i = 0; i < gg->nargs; i++)
        if (i != skip) b->tmp[n++] = -arg_prob(b, b->m->args[gg->first + i].ref);
    qsort(b->tmp, (size_t)n, sizeof *b->tmp, cmp_double);
    *prob = -b->tmp[j - 1];
}

/* need[g] and thr[g] for the gates below top (need < 0: no set of the gate
 * can be used); false: out of memory, or a tree too large for the bitsets
 * (the caller then uses K and the cut-off everywhere). */
static bool gate_budgets(const tg_risk_model *m, int g0, const int *elvl, int nlvl, int K,
                         double cut, int *need, double *thr)
{
    int ng = m->ngates, nw = (nlvl + 63) / 64, maxargs = 1;
    if (nw == 0 || (double)ng * nw > (double)(1u << 24)) return false;
    for (int g = 0; g < ng; g++)
        if (m->gates[g].nargs > maxargs) maxargs = m->gates[g].nargs;
    budgets b = {m, elvl, nw, tg_calloc((size_t)ng * nw, sizeof(uint64_t)),
                 tg_malloc(sizeof(uint64_t) * (size_t)nw), tg_calloc((size_t)ng, sizeof(uint16_t)),
                 tg_malloc(sizeof(double) * (size_t)ng), tg_malloc(sizeof(double) * (size_t)maxargs)};
    int *post = tg_malloc(sizeof *post * (size_t)ng);
    bool ok = b.sup && b.acc && b.lb && b.pub && b.tmp && post;
    if (!ok) goto out;
    /* Bounds, children first. */
    for (int g = 0; g < ng; g++) need[g] = -1;
    int npost = tg_risk_i_gate_postorder(m, g0, post, NULL, NULL);
    if (npost < 0) {
        ok = false;
        goto out;
    }
    for (int ip = 0; ip < npost; ip++) {
        int g = post[ip];
        const rk_gate *gg = &m->gates[g];
        int lo = INT32_MAX, hi = 0;
        double pmax = 0, pmin = 1;
        for (int i = 0; i < gg->nargs; i++) {
            int r = m->args[gg->first + i].ref, o = arg_order(&b, r);
            double p = arg_prob(&b, r);
            add_support(&b, b.sup + (size_t)g * nw, r);
            lo = o < lo ? o : lo, hi = o > hi ? o : hi;
            pmax = p > pmax ? p : pmax, pmin = p < pmin ? p : pmin;
        }
        int o = 0;
        double p = 1;
        if (gg->nargs == 0) {
            o = 0, p = 1;
        } else if (gg->op == TG_RISK_OR) {
            o = lo, p = pmax;
        } else if (gg->op == TG_RISK_AND || gg->op == TG_RISK_NULL) {
            double prod;
            int sum = disjoint_pick(&b, gg, -1, &prod);
            o = sum > hi ? sum : hi;
            p = prod < pmin ? prod : pmin;
        } else if (gg->op == TG_RISK_ATLEAST && gg->k >= 1 && gg->k <= gg->nargs) {
            kth(&b, gg, -1, gg->k, &o, &p);
        }
        b.lb[g] = (uint16_t)(o > 4000 ? 4000 : o);
        b.pub[g] = p;
    }
    /* Budgets, parents first (reverse post-order). */
    for (int i = 0; i < npost; i++) need[post[i]] = INT32_MIN, thr[post[i]] = INFINITY;
    need[g0] = K, thr[g0] = cut;
    for (int i = npost; i-- > 0;) {
        int g = post[i];
        const rk_gate *gg = &m->gates[g];
        for (int j = 0; j < gg->nargs; j++) {
            int r = m->args[gg->first + j].ref;
            if (RK_KIND(r) != R_GATE) continue;
            int o = 0;
            double p = 1;
            if (gg->op == TG_RISK_AND || gg->op == TG_RISK_NULL) {
                o = disjoint_pick(&b, gg, j, &p);
            } else if (gg->op == TG_RISK_ATLEAST && gg->k >= 2 && gg->k <= gg->nargs) {
                /* the other k - 1 arguments, when none shares an event with j */
                const uint64_t *sj = b.sup + (size_t)RK_INDEX(r) * nw;
                bool meet = false;
                for (int i2 = 0; i2 < gg->nargs && !meet; i2++)
                    meet = i2 != j && meets(&b, sj, m->args[gg->first + i2].ref);
                if (!meet) kth(&b, gg, j, gg->k - 1, &o, &p);
            }
            int a = RK_INDEX(r), nd = need[g] - o;
            double t = p > 0 ? thr[g] / p : INFINITY;
            if (nd > need[a]) need[a] = nd;
            if (t < thr[a]) thr[a] = t;
        }
    }
out:
    tg_free(b.sup), tg_free(b.acc), tg_free(b.lb), tg_free(b.pub), tg_free(b.tmp);
    tg_free(post);
    return ok;
}

tg_status tg_risk_mcs_zbdd(const tg_risk_model *m, int top, int limit_order, int64_t max_nodes,
                           uint64_t *products, uint64_t *dist, char *msg)
{
    return tg_risk_mcs_zbdd_cut(m, top, limit_order, 0, max_nodes, products, dist, NULL, NULL, msg);
}

/* Rare-event sum and min-cut upper bound of family f over the nreach
 * nodes marked in pos (index order: children first).  MCUB = 1 -
 * prod_C (1 - P(C)) = -expm1(sum_C log1p(-P(C))), and -log(1 - P) =
 * sum_n P^n / n: each S_n = sum_C P(C)^n is one sweep with the event
 * probabilities raised to n; the terms shrink like pmax^n. */
static bool family_probs(const rk_zbdd *z, uint32_t f, uint32_t n, const uint32_t *pos,
                         const double *vp, int nlevels, double *re, double *mcub)
{
    if (f <= ZB_BASE) {
        *re = *mcub = f == ZB_BASE ? 1.0 : 0.0;
        return true;
    }
    double *s = tg_malloc(sizeof *s * n), *vpe = tg_malloc(sizeof *vpe * ((size_t)nlevels + 1));
    if (!s || !vpe) {
        tg_free(s), tg_free(vpe);
        return false;
    }
    /* The largest set probability first. */
    s[0] = 0, s[1] = 1;
    for (uint32_t i = 2; i < n; i++)
        if (pos[i]) {
            const rk_bnode *q = &z->nodes[i];
            double h = vp[q->level] * s[q->hi];
            s[i] = h > s[q->lo] ? h : s[q->lo];
        }
    if (s[f] >= 1) {        /* a set of probability 1 */
        s[0] = 0, s[1] = 1;
        for (uint32_t i = 2; i < n; i++)
            if (pos[i]) s[i] = vp[z->nodes[i].level] * s[z->nodes[i].hi] + s[z->nodes[i].lo];
        *re = s[f];
        *mcub = 1.0;
        tg_free(s), tg_free(vpe);
        return true;
    }
    for (int l = 0; l < nlevels; l++) vpe[l] = 1;
    double lg = 0;
    for (int e = 1; e <= 100000; e++) {
        for (int l = 0; l < nlevels; l++) vpe[l] *= vp[l];
        s[0] = 0, s[1] = 1;
        for (uint32_t i = 2; i < n; i++)
            if (pos[i]) {
                const rk_bnode *q = &z->nodes[i];
                s[i] = vpe[q->level] * s[q->hi] + s[q->lo];
            }
        if (e == 1) *re = s[f];
        double term = s[f] / e;
        lg += term;
        if (term <= 1e-17 * lg) break;
    }
    *mcub = -expm1(-lg);
    tg_free(s), tg_free(vpe);
    return true;
}

/* Listing the kept sets: lowest orders first, most probable first within an
 * order; an order is listed only when all its sets can be gathered (at most
 * RK_LIST_GATHER), so the listing never stops inside an order at an
 * arbitrary set. */
#define RK_LIST_GATHER 10000000
typedef struct rk_list {
    tg_risk_set_fn fn;
    void *ud;
    int64_t max;                /* sets to list */
    int64_t listed;
} rk_list;

typedef struct gathered {
    double p;
    int64_t at;                 /* first level in lv */
} gathered;

typedef struct gather_ctx {
    const rk_zbdd *z;
    const double *cnt;          /* rows of counts per order, K + 1 wide */
    const uint32_t *pos;
    int K;
    const double *vp;
    gathered *g;
    int64_t ng;
    uint32_t *lv;               /* the sets' levels, order k each */
    int path[4001];
} gather_ctx;

static const double *count_row(const gather_ctx *c, uint32_t i)
{
    size_t r = i == ZB_EMPTY ? 0 : i == ZB_BASE ? 1 : c->pos[i] + 1;
    return c->cnt + r * (size_t)(c->K + 1);
}

/* Every set of order k below node i (depth d so far, probability p). */
static void gather(gather_ctx *c, uint32_t i, int k, int d, double p)
{
    if (k == 0) {
        if (i != ZB_BASE && count_row(c, i)[0] == 0) return;
        gathered *g = &c->g[c->ng];
        g->p = p, g->at = c->ng * (int64_t)d;
        for (int j = 0; j < d; j++) c->lv[g->at + j] = (uint32_t)c->path[j];
        c->ng++;
        return;
    }
    if (i <= ZB_BASE) return;
    const rk_bnode *q = &c->z->nodes[i];
    if (count_row(c, q->hi)[k - 1] > 0) {
        c->path[d] = (int)q->level;
        gather(c, q->hi, k - 1, d + 1, p * c->vp[q->level]);
    }
    if (count_row(c, q->lo)[k] > 0) gather(c, q->lo, k, d, p);
}

static int cmp_gathered(const void *x, const void *y)
{
    const gathered *a = x, *b = y;
    return (a->p < b->p) - (a->p > b->p);       /* most probable first */
}

/* Calls list->fn for the sets of f, orders 0..K in turn, each order most
 * probable first, until list->max sets; events as basic-event indices. */
static tg_status list_sets(const rk_zbdd *z, uint32_t f, const double *cnt, const uint32_t *pos,
                           int K, const double *vp, const int *lvl, int nbasics, int nlvl,
                           rk_list *list, char *msg)
{
    int *ev_of = tg_malloc(sizeof *ev_of * ((size_t)nlvl + 1));
    int *events = tg_malloc(sizeof *events * ((size_t)K + 1));
    gather_ctx *c = tg_calloc(1, sizeof *c);
    tg_status s = TG_OK;
    if (!ev_of || !events || !c) {
        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_mcs_zbdd_list: out of memory");
        goto out;
    }
    for (int i = 0; i < nbasics; i++)
        if (lvl[i] >= 0) ev_of[lvl[i]] = i;
    *c = (gather_ctx){z, cnt, pos, K, vp, NULL, 0, NULL, {0}};
    for (int k = 0; k <= K && list->listed < list->max && f != ZB_EMPTY; k++) {
        double nk = count_row(c, f)[k];
        if (nk == 0) continue;
        if (nk > RK_LIST_GATHER) break;         /* too many to rank: stop before this order */
        c->ng = 0;
        c->g = tg_malloc(sizeof *c->g * (size_t)nk);
        c->lv = tg_malloc(sizeof *c->lv * ((size_t)nk * (size_t)k + 1));
        if (!c->g || !c->lv) {
            tg_free(c->g), tg_free(c->lv);
            s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_mcs_zbdd_list: out of memory");
            goto out;
        }
        gather(c, f, k, 0, 1.0);
        qsort(c->g, (size_t)c->ng, sizeof *c->g, cmp_gathered);
        for (int64_t i = 0; i < c->ng && list->listed < list->max; i++) {
            for (int j = 0; j < k; j++) events[j] = ev_of[c->lv[c->g[i].at + j]];
            list->listed++;
            if (list->fn(list->ud, k, events, c->g[i].p) != 0) {
                list->max = list->listed;       /* the callback asked to stop */
                break;
            }
        }
        tg_free(c->g), tg_free(c->lv);
        c->g = NULL, c->lv = NULL;
    }
out:
    tg_free(ev_of), tg_free(events), tg_free(c);
    return s;
}

/* Per level, the sum of P(C) over the sets C of family f holding that
 * level's event, without listing the sets: down[i] sums the probabilities
 * of the paths from f to node i (the events taken on the way), up[i] is
 * the rare-event sum of node i's family, and each node of level v adds
 * down[i] p(v) up[hi].  Two sweeps over the nreach nodes marked in pos. */
static bool level_sums(const rk_zbdd *z, uint32_t f, uint32_t n, const uint32_t *pos,
                       const double *vp, int nlevels, double *out)
{
    for (int l = 0; l < nlevels; l++) out[l] = 0;
    if (f <= ZB_BASE) return true;
    double *up = tg_malloc(sizeof *up * n), *down = tg_calloc(n, sizeof *down);
    if (!up || !down) {
        tg_free(up), tg_free(down);
        return false;
    }
    up[ZB_EMPTY] = 0, up[ZB_BASE] = 1;
    for (uint32_t i = 2; i < n; i++)
        if (pos[i]) up[i] = vp[z->nodes[i].level] * up[z->nodes[i].hi] + up[z->nodes[i].lo];
    down[f] = 1;
    for (uint32_t i = f + 1; i-- > 2;) {     /* parents before children */
        if (!pos[i]) continue;
        const rk_bnode *q = &z->nodes[i];
        double w = down[i] * vp[q->level];
        out[q->level] += w * up[q->hi];
        down[q->hi] += w;
        down[q->lo] += down[i];
    }
    tg_free(up), tg_free(down);
    return true;
}

static tg_status mcs_zbdd(const tg_risk_model *m, int top, int limit_order, double cut_off,
                          int64_t max_nodes, uint64_t *products, uint64_t *dist,
                          double *rare_event, double *mcub, double *contrib, rk_list *list,
                          char *msg);

tg_status tg_risk_mcs_zbdd_cut(const tg_risk_model *m, int top, int limit_order, double cut_off,
                               int64_t max_nodes, uint64_t *products, uint64_t *dist,
                               double *rare_event, double *mcub, char *msg)
{
    return mcs_zbdd(m, top, limit_order, cut_off, max_nodes, products, dist, rare_event, mcub,
                    NULL, NULL, msg);
}

tg_status tg_risk_mcs_zbdd_contrib(const tg_risk_model *m, int top, int limit_order, double cut_off,
                                   int64_t max_nodes, uint64_t *products, uint64_t *dist,
                                   double *rare_event, double *mcub, double *contrib, char *msg)
{
    if (!rare_event || !mcub || !contrib)
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_mcs_zbdd_contrib: NULL argument");
    return mcs_zbdd(m, top, limit_order, cut_off, max_nodes, products, dist, rare_event, mcub,
                    contrib, NULL, msg);
}

tg_status tg_risk_mcs_zbdd_list(const tg_risk_model *m, int top, int limit_order, double cut_off,
                                int64_t max_nodes, int64_t max_sets, tg_risk_set_fn fn, void *ud,
                                int64_t *listed, char *msg)
{
    if (!fn || max_sets < 0 || limit_order < 0 || limit_order > 4000)
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_mcs_zbdd_list: NULL callback or bad max_sets or limit_order");
    uint64_t products, *dist = tg_malloc(sizeof *dist * ((size_t)limit_order + 1));
    if (!dist) return tg_msg(msg, TG_ERR_NOMEM, "tg_risk_mcs_zbdd_list: out of memory");
    double re, mcub;
    rk_list list = {fn, ud, max_sets, 0};
    tg_status s = mcs_zbdd(m, top, limit_order, cut_off, max_nodes, &products, dist, &re, &mcub,
                           NULL, &list, msg);
    tg_free(dist);
    if (listed) *listed = list.listed;
    return s;
}

static tg_status mcs_zbdd(const tg_risk_model *m, int top, int limit_order, double cut_off,
                          int64_t max_nodes, uint64_t *products, uint64_t *dist,
                          double *rare_event, double *mcub, double *contrib, rk_list *list,
                          char *msg)
{
    tg_msg_clear(msg);
    if (rare_event) *rare_event = NAN;
    if (mcub) *mcub = NAN;
    if (!m || !products || !dist || !m->finished)
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_mcs_zbdd: NULL argument or model not finished");
    if (top < 0 || top >= m->nnamed_gates || limit_order < 0 || limit_order > 4000)
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_mcs_zbdd: bad top gate or limit_order");
    if (max_nodes < 0)
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_mcs_zbdd: max_nodes %lld < 0", (long long)max_nodes);
    if (!(cut_off >= 0 && cut_off <= 1))
        return tg_msg(msg, TG_ERR_ARG, "tg_risk_mcs_zbdd: cut_off %g not in [0, 1]", cut_off);
    if (m->nbasics > RK_MAX_LEVELS)
        return tg_msg(msg, TG_ERR_LIMIT, "tg_risk_mcs_zbdd: %d basic events; at most %d",
                      m->nbasics, RK_MAX_LEVELS);
    *products = 0;
    memset(dist, 0, sizeof *dist * (size_t)(limit_order + 1));
    int K = limit_order, ng = m->ngates, maxargs = 1;
    for (int g = 0; g < ng; g++)
        if (m->gates[g].nargs > maxargs) maxargs = m->gates[g].nargs;
    tg_status s = TG_OK;
    rk_zbdd z;
    zp_ctx cx = {&z, {NULL, 0, false}, NULL, NULL, 0, NULL, 0};
    double *vp = tg_malloc(sizeof *vp * ((size_t)m->nbasics + 1));
    uint32_t *fam = tg_malloc(sizeof *fam * ((size_t)ng + 1));
    int *order = tg_malloc(sizeof *order * ((size_t)ng + 1));     /* gates children first */
    int *lvl = tg_malloc(sizeof *lvl * ((size_t)m->nbasics + 1)), nlvl = 0;
    uint32_t *t = tg_malloc(sizeof *t * ((size_t)maxargs + 2));
    double *cnt = NULL;
    int *need = NULL;
    double *thr = NULL;
    tg_progress bar = {0};      /* drawn on a terminal only */
    if (tg_risk_i_zbdd_init(&z, max_nodes) != TG_OK || !fam || !order || !t || !lvl ||
        !vp) {
        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_mcs_zbdd: out of memory");
        goto done;
    }
    /* Computed table sized by the tree (256 entries a gate, 2^16..2^22; it
     * grows with the nodes): small trees do not pay for clearing a large one. */
    uint32_t nc = 1u << 16;
    while (nc < (1u << 22) && (int64_t)nc < (int64_t)ng * 256) nc *= 2;
    tg_risk_i_zbdd_reserve_cache(&z, nc);
    /* Levels: events in depth-first order of first appearance from the top
     * (events used together stay close, as for the BDD), then reversed. */
    int g0 = m->named[top];
    int npost = tg_risk_i_gate_postorder(m, g0, order, lvl, &nlvl);
    if (npost < 0) {
        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_mcs_zbdd: out of memory");
        goto done;
    }
    /* Reversed: the events met last get the top levels.  Measured on
     * nus9601 (orders <= 6 / <= 7): 7.7 / 27.5 million nodes made instead
     * of 18.5 / over 60 million, 2x faster; no other Aralia tree slower. */
    for (int i = 0; i < m->nbasics; i++)
        if (lvl[i] >= 0) lvl[i] = nlvl - 1 - lvl[i];
    /* Probabilities by level (NaN: the model gives none). */
    bool has_prob = true;
    for (int i = 0; i < m->nbasics; i++)
        if (lvl[i] >= 0) {
            vp[lvl[i]] = m->basics[i].p;
            if (isnan(vp[lvl[i]])) has_prob = false;
        }
    if (cut_off > 0 && !has_prob) {
        s = tg_msg(msg, TG_ERR_ARG, "tg_risk_mcs_zbdd: a cut-off needs the probability of every "
                   "basic event");
        goto done;
    }
    cx.vp = vp;
    /* Budgets per gate (K and the cut-off everywhere when they cannot be had). */
    need = tg_malloc(sizeof *need * ((size_t)ng + 1));
    thr = tg_malloc(sizeof *thr * ((size_t)ng + 1));
    if (!need || !thr || !gate_budgets(m, g0, lvl, nlvl, K, cut_off, need, thr)) {
        tg_free(need), tg_free(thr);
        need = NULL, thr = NULL;
    }
    /* Sets within 1e-9 (relative) below the cut-off count as at it, so
     * that rounding in the products of probabilities never decides. */
    double cut = cut_off * (1 - 1e-9);
    if (cut_off > 0) {
        /* Sized by the tree (1,024 entries a gate, 2^16..2^22). */
        cx.ncc = 1u << 16;
        while (cx.ncc < (1u << 22) && (int64_t)cx.ncc < (int64_t)ng * 1024) cx.ncc *= 2;
        if (!(cx.cc = tg_malloc(sizeof *cx.cc * cx.ncc))) {
            s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_mcs_zbdd: out of memory");
            goto done;
        }
        for (uint32_t i = 0; i < cx.ncc; i++) cx.cc[i].k = UINT32_MAX;
    }
    tg_progress_start(&bar, "risk.mcs_zbdd", npost);   /* gates done */
    for (int ip = 0; ip < npost && !z.full; ip++) {
        int g = order[ip];
        const rk_gate *gg = &m->gates[g];
        tg_progress_update(&bar, ip + 1);
        tg_risk_op op = gg->op;
        if (op != TG_RISK_AND && op != TG_RISK_OR && op != TG_RISK_ATLEAST && op != TG_RISK_NULL) {
            s = tg_msg(msg, TG_ERR_ARG, "tg_risk_mcs_zbdd: gate '%s' is <%s>: coherent trees only "
                       "(and, or, atleast)", gg->name ? gg->name : "(formula)",
                       tg_risk_i_op_names[op]);
            goto done;
        }
        int k = op == TG_RISK_ATLEAST ? gg->k : op == TG_RISK_OR ? 1 : gg->nargs;
        int Kg = need ? need[g] : K;
        double cutg = thr ? thr[g] * (1 - 1e-9) : cut;
        if (Kg < 0 || cutg > 1) {
            fam[g] = ZB_EMPTY;
            continue;
        }
        /* t[j]: the minimal sets made of j of the arguments so far (AND
         * keeps one running product in t[1]; OR is atleast 1). */
        for (int j = 0; j <= k; j++) t[j] = j == 0 ? ZB_BASE : ZB_EMPTY;
        for (int i = 0; i < gg->nargs; i++) {
            int r = m->args[gg->first + i].ref;
            uint32_t x = arg_family(m, fam, r);
            if (x == UINT32_MAX) x = tg_risk_i_zbdd_node(&z, (uint32_t)lvl[RK_INDEX(r)], ZB_BASE, ZB_EMPTY);
            /* Under a cut-off every product keeps only the sets of
             * probability >= cut_off (OR: the argument alone, x BASE). */
            if (op == TG_RISK_AND || op == TG_RISK_NULL) {
                uint32_t acc = i == 0 ? ZB_BASE : t[1];
                t[1] = tg_risk_i_zbdd_minimal(&z, cut_off > 0 ? zprod_cut(&cx, acc, x, Kg, cutg) : zprod(&cx, acc, x, Kg));
                continue;
            }
            if (op == TG_RISK_OR) {     /* minimised once, at the end */
                t[1] = tg_risk_i_zbdd_union(&z, t[1], cut_off > 0 ? zprod_cut(&cx, ZB_BASE, x, Kg, cutg) : ztrunc(&z, x, Kg));
                continue;
            }
            for (int j = k < i + 1 ? k : i + 1; j >= 1; j--) {
                uint32_t px = cut_off > 0 ? zprod_cut(&cx, t[j - 1], x, Kg, cutg)
                                          : zprod(&cx, t[j - 1], x, Kg);
                t[j] = tg_risk_i_zbdd_minimal(&z, tg_risk_i_zbdd_union(&z, t[j], px));
            }
        }
        if (op == TG_RISK_OR) t[1] = tg_risk_i_zbdd_minimal(&z, t[1]);
        fam[g] = op == TG_RISK_AND || op == TG_RISK_NULL ? (gg->nargs ? t[1] : ZB_BASE) : t[k];
    }
    if (z.full) {
        s = tg_msg(msg, TG_ERR_LIMIT, "tg_risk_mcs_zbdd: ZBDD node budget exhausted (%u nodes)", z.n);
        goto done;
    }
    uint32_t f = fam[g0];
    tg_log(TG_LOG_DEBUG, "risk: mcs_zbdd: %u ZBDD nodes made", z.n);
    /* Counts per order over the nodes reachable from f (children are made
     * before their parents, so index order sees them first); rows 0 and 1
     * are the terminals, row pos + 1 a reachable node. */
    uint32_t n = f + 1 > 2 ? f + 1 : 2, nreach = 0;
    uint32_t *pos = tg_calloc(n, sizeof *pos);
    if (!pos) {
        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_mcs_zbdd: out of memory");
        goto done;
    }
    if (f > ZB_BASE) pos[f] = 1;
    for (uint32_t i = n; i-- > 2;)
        if (pos[i]) pos[z.nodes[i].hi] = pos[z.nodes[i].lo] = 1;
    for (uint32_t i = 2; i < n; i++)
        if (pos[i]) pos[i] = ++nreach;
    /* Count only up to the largest order present (K may be "no limit"). */
    uint16_t *mx = tg_malloc(sizeof *mx * n);
    if (!mx) {
        tg_free(pos);
        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_mcs_zbdd: out of memory");
        goto done;
    }
    mx[0] = mx[1] = 0;
    for (uint32_t i = 2; i < n; i++)
        if (pos[i]) {
            uint16_t h = (uint16_t)(mx[z.nodes[i].hi] + 1), l = mx[z.nodes[i].lo];
            mx[i] = h > l ? h : l;
        }
    if (mx[f] < K) K = mx[f];
    tg_free(mx);
    if (rare_event && mcub && has_prob &&
        !family_probs(&z, f, n, pos, vp, nlvl, rare_event, mcub)) {
        tg_free(pos);
        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_mcs_zbdd: out of memory");
        goto done;
    }
    if (contrib) {
        /* per basic event (model order): NaN without probabilities, 0 for
         * the events the top does not depend on */
        double *bylevel = tg_malloc(sizeof *bylevel * ((size_t)nlvl + 1));
        if (!bylevel || (has_prob && !level_sums(&z, f, n, pos, vp, nlvl, bylevel))) {
            tg_free(bylevel), tg_free(pos);
            s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_mcs_zbdd: out of memory");
            goto done;
        }
        for (int i = 0; i < m->nbasics; i++)
            contrib[i] = !has_prob ? NAN : lvl[i] >= 0 ? bylevel[lvl[i]] : 0;
        tg_free(bylevel);
    }
    if ((double)(nreach + 2) * (K + 1) > 3e8) {
        tg_free(pos);
        s = tg_msg(msg, TG_ERR_LIMIT, "tg_risk_mcs_zbdd: %u nodes x %d orders: too many to count",
                   nreach, K + 1);
        goto done;
    }
    cnt = tg_calloc(((size_t)nreach + 2) * (size_t)(K + 1), sizeof *cnt);
    if (!cnt) {
        tg_free(pos);
        s = tg_msg(msg, TG_ERR_NOMEM, "tg_risk_mcs_zbdd: out of memory");
        goto done;
    }
#define ROW(i) (cnt + (size_t)((i) == ZB_EMPTY ? 0 : (i) == ZB_BASE ? 1 : pos[i] + 1) * (size_t)(K + 1))
    ROW(ZB_BASE)[0] = 1;
    for (uint32_t i = 2; i < n; i++) {
        if (!pos[i]) continue;
        const rk_bnode *q = &z.nodes[i];
        double *ci = ROW(i);
        const double *ch = ROW(q->hi), *cl = ROW(q->lo);
        for (int j = 0; j <= K; j++) ci[j] = cl[j] + (j > 0 ? ch[j - 1] : 0);
    }
    double total = 0;
    for (int j = 0; j <= K; j++) {
        double v = ROW(f)[j];
        dist[j] = v >= 1.8e19 ? UINT64_MAX : (uint64_t)v;
        total += v;
    }
#undef ROW
    *products = total >= 1.8e19 ? UINT64_MAX : (uint64_t)total;
    if (list) {
        s = list_sets(&z, f, cnt, pos, K, vp, lvl, m->nbasics, nlvl, list, msg);
        if (s != TG_OK) {
            tg_free(pos);
            goto done;
        }
    }
    tg_free(pos);
done:
    tg_progress_finish(&bar);
    tg_free(fam), tg_free(order), tg_free(t), tg_free(cnt), tg_free(lvl);
    tg_free(cx.mo.v), tg_free(cx.pb), tg_free(cx.cc), tg_free(vp), tg_free(need), tg_free(thr);
    tg_risk_i_zbdd_clear(&z);
    return s;
}
